"""Every govloop package shows one face: its ``__init__``'s sorted ``__all__``.

Other packages use those names, never a private module (``govloop.x._y``) or private name of
another package; the scan reads the source with :mod:`ast`, so a lazy import inside a function
counts as much as one at the top of a module.
"""

from __future__ import annotations

import ast
import importlib
from dataclasses import dataclass
from pathlib import Path

import pytest

import govloop

SRC = Path(govloop.__file__).parent
#: The one module allowed a third-party private import, and why it is isolated there.
THIRD_PARTY_PRIVATE = {"govloop.cli._click_context": {"typer._click"}}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(SRC.rglob("*.py"))}
PACKAGES = sorted(_module_name(p) for p in SRC.rglob("__init__.py"))


@dataclass(frozen=True)
class Import:
    importer: str
    line: int
    target: str
    """Dotted name imported: a module, or ``module.name`` for ``from module import name``."""


def _imports(module: str, path: Path) -> list[Import]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [Import(module, node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            out.append(Import(module, node.lineno, base))
            out += [Import(module, node.lineno, f"{base}.{a.name}") for a in node.names]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            out.append(Import(module, node.lineno, node.args[0].value))
    return out


ALL_IMPORTS = [i for m, p in MODULES.items() for i in _imports(m, p)]


def _private_owner(target: str) -> str | None:
    """The module or package whose private part ``target`` names, or None if it is public."""
    parts = target.split(".")
    for i, part in enumerate(parts):
        if part.startswith("_") and not part.startswith("__"):
            return ".".join(parts[:i])
    return None


def _inside(module: str, owner: str) -> bool:
    return module == owner or module.startswith(owner + ".")


def test_scan_sees_the_tree() -> None:
    # Guards the scan itself: a broken walk would pass every rule below vacuously.
    assert {"govloop.models", "govloop.label", "govloop.trace"} <= set(PACKAGES)
    assert any(i.target == "govloop.models.open_text_model" for i in ALL_IMPORTS)
    assert _private_owner("govloop.models._protocol.TextModel") == "govloop.models"
    assert _private_owner("govloop.models.open_text_model") is None
    assert _inside("govloop.watermark.text._detect", "govloop.watermark")
    assert not _inside("govloop.watermarks", "govloop.watermark")


@pytest.mark.parametrize("package", PACKAGES)
def test_all_is_sorted_and_every_name_exists(package: str) -> None:
    module = importlib.import_module(package)
    names = module.__dict__.get("__all__")
    assert isinstance(names, list), f"{package} has no __all__ list"
    assert names == sorted(names), f"{package}.__all__ is not sorted"
    assert len(set(names)) == len(names), f"{package}.__all__ repeats a name"
    missing = [n for n in names if not hasattr(module, n)]
    assert not missing, f"{package}.__all__ names what it lacks: {missing}"


def test_no_package_reaches_into_another_packages_private_parts() -> None:
    leaks = []
    for imp in ALL_IMPORTS:
        if not imp.target.startswith("govloop."):
            continue
        owner = _private_owner(imp.target)
        if owner is not None and not _inside(imp.importer, owner):
            leaks.append(f"{imp.importer}:{imp.line} imports {imp.target}")
    assert not leaks, "use the package's public names:\n" + "\n".join(leaks)


def test_third_party_private_imports_are_isolated() -> None:
    found = {}
    for imp in ALL_IMPORTS:
        if imp.target.startswith("govloop") or _private_owner(imp.target) is None:
            continue
        private = imp.target.split(".")[: len(str(_private_owner(imp.target)).split(".")) + 1]
        found.setdefault(imp.importer, set()).add(".".join(private))
    allowed = {m: t for m, t in found.items() if THIRD_PARTY_PRIVATE.get(m, set()) >= t}
    assert found == allowed, f"private third-party imports outside their module: {found}"


def test_trace_imports_are_plain() -> None:
    # Evidence sources and the filing lookup use ordinary imports, so import-linter sees them.
    dynamic = [
        i for i in ALL_IMPORTS if i.importer.startswith("govloop.trace") and "importlib" in i.target
    ]
    assert not dynamic, dynamic
