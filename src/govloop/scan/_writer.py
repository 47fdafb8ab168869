"""Result writers: every row streams to JSONL or Parquet as soon as its batch is done.

Both formats carry the same flat columns (:data:`COLUMNS`), so a Parquet file can be queried
as a table (DuckDB, pandas) and a JSONL file read line by line; a column a row has no value for
is null. Parquet needs ``pyarrow`` (the ``scale`` extra).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any, Literal, Protocol

from govloop.errors import InputError, missing_extra

#: Result columns and their types (``str``, ``int``, ``float``, ``bool``), in output order.
COLUMNS: dict[str, str] = {
    "path": "str",
    "status": "str",
    "error_reason": "str",
    "error_detail": "str",
    "size": "int",
    "sha256": "str",
    "media_type": "str",
    "format": "str",
    "implicit_label": "bool",
    "produce_id": "str",
    "label_value": "str",
    "producer_signature": "str",
    "propagator_signature": "str",
    "signature_ok": "bool",
    "explicit_label": "bool",
    "watermark_scheme": "str",
    "watermark_detected": "bool",
    "watermark_payload": "str",
    "watermark_bits": "int",
    "watermark_p_value": "float",
    "watermark_key_id": "int",
    "fingerprint": "str",
    "traced": "bool",
    "ledger_index": "int",
    "trace_confidence": "float",
    "trace_evidence": "str",
    "proof_verified": "bool",
    "tree_size": "int",
    "entry_produce_id": "str",
    "model": "str",
    "filing_id": "str",
}

OutputFormat = Literal["jsonl", "parquet"]


def normalise(row: dict[str, Any]) -> dict[str, Any]:
    """The row with every column, in order, nulls where it has no value."""
    return {name: row.get(name) for name in COLUMNS}


class ResultWriter(Protocol):
    """Where rows go."""

    def write(self, rows: Sequence[dict[str, Any]]) -> None:
        """Append rows and make them durable enough to survive the process."""
        ...

    def close(self) -> None:
        """Finish the file."""
        ...


class JsonlWriter:
    """One JSON object per line, flushed per batch."""

    def __init__(self, path: Path) -> None:
        self._handle: IO[str] = path.open("w", encoding="utf-8")

    def write(self, rows: Sequence[dict[str, Any]]) -> None:
        """Append rows."""
        for row in rows:
            self._handle.write(json.dumps(normalise(row), ensure_ascii=False) + "\n")
        self._handle.flush()

    def close(self) -> None:
        """Close the file."""
        self._handle.close()


class ParquetWriter:
    """A Parquet file with one row group per batch (readable once closed)."""

    def __init__(self, path: Path) -> None:
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError as exc:
            raise missing_extra("pyarrow", "scale") from exc
        types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
        self._pa = pa
        self._schema = pa.schema([(name, types[kind]) for name, kind in COLUMNS.items()])
        self._writer = pq.ParquetWriter(str(path), self._schema)

    def write(self, rows: Sequence[dict[str, Any]]) -> None:
        """Append rows as a row group."""
        if rows:
            table = self._pa.Table.from_pylist([normalise(r) for r in rows], schema=self._schema)
            self._writer.write_table(table)

    def close(self) -> None:
        """Write the footer."""
        self._writer.close()


def open_writer(path: Path, fmt: OutputFormat) -> ResultWriter:
    """A writer for ``fmt`` at ``path`` (replacing the file)."""
    try:
        if fmt == "parquet":
            return ParquetWriter(path)
        return JsonlWriter(path)
    except OSError as exc:
        raise InputError(f"{path}: cannot write results: {exc.strerror}") from exc
