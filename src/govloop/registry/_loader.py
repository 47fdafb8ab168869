"""Reading YAML and JSON documents with line numbers, and validating them into pydantic models.

Errors name the file, the line and the field: ``filing.yaml:12: field provider.code: ...``.
YAML is read with YAML 1.2 scalars (only ``true``/``false`` are booleans, ``1e25`` is a float,
``NO`` stays a string) and duplicate keys are errors, not silently overwritten.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from govloop.errors import InputError

M = TypeVar("M", bound=BaseModel)
PathKey = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core-schema booleans and floats."""


_Loader.yaml_implicit_resolvers = {
    k: [
        (tag, rx)
        for tag, rx in v
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:float")
    ]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
# Plain integers must still win over floats: re-add the int resolver after the float one is
# consulted only for non-integers (the float pattern above also matches "12", so order matters).
for _first in "-+0123456789":
    _Loader.yaml_implicit_resolvers[_first] = sorted(
        _Loader.yaml_implicit_resolvers.get(_first, []),
        key=lambda item: 0 if item[0] == "tag:yaml.org,2002:int" else 1,
    )


@dataclass(frozen=True)
class SourceDocument:
    """A parsed document and where each value came from."""

    path: str
    """The file name used in messages."""

    data: Any
    """The parsed value (dicts, lists and scalars)."""

    lines: Mapping[PathKey, int] = field(default_factory=dict)
    """1-based line of each value, keyed by its path (mapping keys and list indexes)."""

    def line_of(self, loc: PathKey) -> int | None:
        """The line of ``loc`` or of its closest ancestor that has one."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return None

    def where(self, loc: PathKey) -> str:
        """``file:line`` for ``loc`` (just ``file`` when no line is known)."""
        line = self.line_of(loc)
        return f"{self.path}:{line}" if line is not None else self.path


#: Most nodes a document may expand to (aliases included): stops "billion laughs" documents.
MAX_NODES = 100_000


def _walk(
    node: yaml.Node, loc: PathKey, lines: dict[PathKey, int], path: str, budget: list[int]
) -> None:
    budget[0] -= 1
    if budget[0] < 0:
        raise InputError(f"{path}: the document is too large (over {MAX_NODES} values)")
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                raise InputError(f"{path}:{key_node.start_mark.line + 1}: duplicate key {key!r}")
            seen.add(key)
            _walk(value_node, (*loc, key), lines, path, budget)
            lines[(*loc, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*loc, i), lines, path, budget)


def parse_text(text: str, *, path: str = "<input>", fmt: str | None = None) -> SourceDocument:
    """Parse YAML or JSON text (``fmt`` 'yaml'/'json', else guessed from the name and content)."""
    if fmt is None:
        fmt = "json" if path.endswith(".json") or text.lstrip().startswith("{") else "yaml"
    if fmt == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from exc
        except ValueError as exc:  # e.g. an integer over Python's 4300-digit limit
            raise InputError(f"{path}: not valid JSON: {exc}") from exc
        except RecursionError as exc:
            raise InputError(f"{path}: not valid JSON: nested too deeply") from exc
        lines: dict[PathKey, int] = {}
        try:  # JSON is YAML: borrow the YAML composer for line numbers (best effort)
            node = yaml.compose(text, Loader=_Loader)
            if node is not None:
                _walk(node, (), lines, path, [MAX_NODES])
        except (yaml.YAMLError, InputError, RecursionError):
            lines = {}
        return SourceDocument(path, data, lines)
    try:
        loader = _Loader(text)  # the reader rejects control characters here
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML: {str(exc).splitlines()[0]}") from exc
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError(f"{path}: the document is empty")
        lines = {}
        _walk(node, (), lines, path, [MAX_NODES])
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        raise InputError(f"{path}{line}: not valid YAML: {exc.problem or exc.context}") from exc
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML: {exc}") from exc
    except RecursionError as exc:
        raise InputError(f"{path}: not valid YAML: nested too deeply") from exc
    except (ValueError, TypeError, AttributeError, OverflowError) as exc:
        # PyYAML's scalar constructors raise these for values such as ``!!int x``,
        # ``2024-13-45`` or an integer over Python's 4300-digit limit.
        raise InputError(f"{path}: not valid YAML: cannot read a value: {exc}") from exc
    finally:
        loader.dispose()
    return SourceDocument(path, data, lines)


def read_document(path: Path) -> SourceDocument:
    """Read a YAML or JSON file; errors name the file (and line)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError(f"{path}: file not found") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a directory, not a file") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc
    fmt = "json" if path.suffix.lower() == ".json" else "yaml"
    return parse_text(text, path=str(path), fmt=fmt)


def _field_name(loc: PathKey) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"


def describe_validation_error(exc: ValidationError, doc: SourceDocument) -> str:
    """One line for the first problem in ``exc``: file, line, field and what is wrong."""
    errors = exc.errors(include_url=False)
    # An unknown field is usually a misspelt known one: name it before the "missing" it causes.
    err = min(errors, key=lambda e: 0 if e["type"] == "extra_forbidden" else 1)
    loc: PathKey = tuple(p for p in err["loc"] if isinstance(p, (str, int)))
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        msg = "unknown field (not in the schema)"
    elif err["type"] == "missing":
        msg = "required field is missing"
    elif err["type"] == "string_type" and isinstance(err.get("input"), (int, float)):
        msg += f" (got the number {err['input']!r}; put it in quotes)"
    more = (
        f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
        if len(errors) > 1
        else ""
    )
    return f"{doc.where(loc)}: field {_field_name(loc)}: {msg}{more}"


def validate_document(
    model: type[M], doc: SourceDocument, *, error: type[InputError] = InputError
) -> M:
    """Validate ``doc`` into ``model``; raise ``error`` naming file, line and field."""
    if not isinstance(doc.data, dict):
        raise error(
            f"{doc.where(())}: expected a mapping at the top, got {type(doc.data).__name__}"
        )
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise error(describe_validation_error(exc, doc)) from exc


class _Dumper(yaml.SafeDumper):
    """SafeDumper that quotes every string either YAML 1.1 or our 1.2 loader would re-type."""


_Dumper.yaml_implicit_resolvers = {
    k: list(yaml.SafeDumper.yaml_implicit_resolvers.get(k, []))
    + list(_Loader.yaml_implicit_resolvers.get(k, []))
    for k in set(yaml.SafeDumper.yaml_implicit_resolvers) | set(_Loader.yaml_implicit_resolvers)
}


def dump_yaml(data: Any) -> str:
    """YAML text that :func:`parse_text` reads back to the same value (block style, UTF-8 kept)."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
    )
