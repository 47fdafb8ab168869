"""An exported tile directory read back: store-free, so a verifier needs no database.

:class:`DirTiles` and the :class:`TileSource` protocol live apart from the export (which reads
the ledger's tables) so that the tiles client, a mirror or a witness can read a published
directory with nothing but the proof code; the import contract in ``pyproject.toml`` keeps it so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from govloop.errors import InputError, StoreError, VerificationError
from govloop.ledger._tiles import Tile, parse_tile_path

CHECKPOINT_NAME = "checkpoint"
"""File (and URL path) of the latest signed checkpoint."""
MAX_CHECKPOINT_BYTES = 1 << 20
"""Largest checkpoint note read (1 MiB: a checkpoint is a few hundred bytes)."""


class TileSource(Protocol):
    """Read side of a tlog-tiles log: what a tile server serves."""

    def checkpoint_text(self) -> str | None:
        """The latest signed checkpoint note, or None if there is none."""
        ...

    def read(self, tile: Tile) -> bytes | None:
        """The bytes of ``tile``, or None if the log has no such tile."""
        ...


class DirTiles:
    """Tiles served from an exported directory (only paths of the layout are reachable)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def checkpoint_text(self) -> str | None:
        """The ``checkpoint`` file's text."""
        data = _read_bounded(self.root / CHECKPOINT_NAME, MAX_CHECKPOINT_BYTES)
        if data is None:
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise VerificationError(f"{self.root / CHECKPOINT_NAME}: not UTF-8 text") from exc

    def read(self, tile: Tile) -> bytes | None:
        """The tile's file, if the export wrote it."""
        return _read_bounded(self.root / tile.path, tile.max_bytes)

    def read_path(self, path: str) -> bytes | None:
        """A file by its layout path; anything that is not a tile path is None."""
        try:
            tile = parse_tile_path(path)
        except InputError:
            return None
        return self.read(tile)


def _read_bounded(path: Path, limit: int) -> bytes | None:
    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    except OSError as exc:
        raise StoreError(f"{path}: cannot read: {exc.strerror}") from exc
    if len(data) > limit:
        raise VerificationError(f"{path}: larger than the {limit} bytes such a file can have")
    return data
