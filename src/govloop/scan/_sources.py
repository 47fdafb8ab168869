"""What to scan: a folder, a file of paths, or a Parquet/JSONL manifest, read into items.

Every item is named by its absolute path (the key the journal and the result rows use), so a
rerun over the same source finds the same keys whatever the working directory. Paths in a list
or a manifest that are relative are taken relative to the list's own folder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from govloop.errors import InputError, missing_extra

_JSONL = (".jsonl", ".ndjson")
_PARQUET = (".parquet", ".pq")


@dataclass(frozen=True)
class ScanItem:
    """One thing to scan."""

    path: str
    """Absolute path of the file; also its key in the journal and the results."""


def _resolve(entry: str, base: Path, where: str) -> str:
    """One entry of a list or manifest as an absolute path (``file://`` URLs allowed)."""
    text = entry.strip()
    if "://" in text:
        url = urlparse(text)
        if url.scheme != "file" or url.netloc not in ("", "localhost"):
            raise InputError(f"{where}: only local files can be scanned, not {text!r}")
        text = unquote(url.path)
    path = Path(text).expanduser()
    return str(path if path.is_absolute() else (base / path).absolute())


def _from_folder(folder: Path) -> list[ScanItem]:
    files = (p for p in folder.rglob("*") if not p.is_dir() and not p.name.startswith("."))
    return [ScanItem(str(p.absolute())) for p in sorted(files)]


def _from_list(source: Path) -> list[ScanItem]:
    try:
        text = source.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{source}: a list of paths must be UTF-8 text") from exc
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            items.append(ScanItem(_resolve(line, source.parent, f"{source}:{number}")))
    return items


def _from_jsonl(source: Path) -> list[ScanItem]:
    items = []
    text = source.read_bytes().decode("utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not a JSON object ({exc.msg})") from exc
        value = record.get("path") if isinstance(record, dict) else None
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"{where}: manifest record has no 'path' field (a string)")
        items.append(ScanItem(_resolve(value, source.parent, where)))
    return items


def _from_parquet(source: Path) -> list[ScanItem]:
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise missing_extra("pyarrow", "scale") from exc
    try:
        table = pq.read_table(source)
    except Exception as exc:  # pyarrow raises its own error types for a file it cannot read
        raise InputError(f"{source}: not a readable Parquet file ({exc})") from exc
    if "path" not in table.column_names:
        columns = ", ".join(table.column_names) or "none"
        raise InputError(f"{source}: manifest has no 'path' column (columns: {columns})")
    items = []
    for number, value in enumerate(table.column("path").to_pylist(), start=1):
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"{source}: row {number}: 'path' is empty or not a string")
        items.append(ScanItem(_resolve(value, source.parent, f"{source}: row {number}")))
    return items


def read_source(source: Path) -> list[ScanItem]:
    """The items of ``source``, in a stable order; :class:`InputError` naming what is wrong."""
    if source.is_dir():
        return _from_folder(source)
    if not source.exists():
        raise InputError(f"{source}: scan source not found (a folder, a list or a manifest)")
    try:
        suffix = source.suffix.lower()
        if suffix in _PARQUET:
            return _from_parquet(source)
        if suffix in _JSONL:
            return _from_jsonl(source)
        return _from_list(source)
    except OSError as exc:
        raise InputError(f"{source}: cannot read: {exc.strerror}") from exc
