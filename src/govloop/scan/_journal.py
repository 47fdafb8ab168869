"""The scan journal: finished rows, appended as they are done, so a killed scan resumes.

The journal (``OUTPUT.journal`` next to the output) is the source of truth: its first line
names the source and format it belongs to, then one finished row per line. On a rerun the
output is rebuilt from the journal and only the items it lacks are scanned, so no item is done
twice even when the process died between writing the output and the journal (a torn last line
is ignored: that item is simply scanned again).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, Any

from govloop.errors import InputError

_MAGIC = "govloop-scan-journal"


def journal_path(output: Path) -> Path:
    """Where the journal of ``output`` lives."""
    return output.with_name(output.name + ".journal")


class Journal:
    """Finished rows of one scan, keyed by path."""

    def __init__(self, path: Path, header: dict[str, Any], rows: dict[str, dict[str, Any]]):
        self.path = path
        self.header = header
        self.rows = rows
        self._handle: IO[str] | None = None

    @classmethod
    def open(cls, path: Path, header: dict[str, Any], *, fresh: bool) -> Journal:
        """The journal at ``path``: loaded (when it matches ``header``), or started anew."""
        rows: dict[str, dict[str, Any]] = {}
        if path.exists() and not fresh:
            lines = path.read_bytes().decode("utf-8", errors="replace").splitlines()
            try:
                found = json.loads(lines[0]) if lines else {}
            except json.JSONDecodeError:
                found = {}
            if found.get("journal") != _MAGIC:
                raise InputError(f"{path}: not a scan journal (rerun with --force to replace it)")
            theirs = {k: found.get(k) for k in header}
            if theirs != header:
                raise InputError(
                    f"{path}: journal of another scan ({theirs}); rerun with --force to start over"
                )
            for line in lines[1:]:
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:
                    continue  # torn by a crash: that item is scanned again
                if isinstance(row, dict) and isinstance(row.get("path"), str):
                    rows[row["path"]] = row
        journal = cls(path, header, rows)
        journal._start()
        return journal

    def _start(self) -> None:
        """Rewrite the journal with its header and the rows kept (dropping a torn tail)."""
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            with tmp.open("w", encoding="utf-8") as handle:
                handle.write(json.dumps({"journal": _MAGIC, **self.header}) + "\n")
                for row in self.rows.values():
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            os.replace(tmp, self.path)
            self._handle = self.path.open("a", encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{self.path}: cannot write the scan journal: {exc.strerror}") from exc

    def record(self, rows: list[dict[str, Any]]) -> None:
        """Mark rows finished (flushed and synced: the journal must outlive a crash)."""
        assert self._handle is not None
        for row in rows:
            self.rows[row["path"]] = row
            self._handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def close(self) -> None:
        """Close the file."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None
