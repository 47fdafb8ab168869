"""A monitor's view of a log published as tlog-tiles (over HTTP or as a mirrored directory).

The platform and the regulator often see no database at all, only the tiles the provider
publishes (``govloop web serve`` mounts them at ``/tlog/``; ``ledger tiles export`` writes a
directory anyone can mirror). This source gives :func:`monitor_once` the same two answers a
database gives: the current signed checkpoint, and a consistency path built from tiles alone.
The monitor checks both itself, so nothing the tile server says is taken on trust.
"""

from __future__ import annotations

from pathlib import Path

from govloop.errors import VerificationError
from govloop.ledger._tiles import TileTree
from govloop.ledger._tiles_client import TileClient
from govloop.ledger._tiles_dir import CHECKPOINT_NAME


class TilesSource:
    """A :class:`~govloop.ledger._monitor.CheckpointSource` reading tiles from ``location``."""

    def __init__(self, location: str, *, timeout: float = 10.0) -> None:
        self.location = location
        self._client = TileClient(location, timeout=timeout)

    def latest_checkpoint(self) -> bytes:
        """The ``checkpoint`` file as served (the monitor verifies its signature)."""
        return self._client.checkpoint_note().encode("utf-8")

    def consistency_proof(self, old: int, new: int) -> list[bytes]:
        """The RFC 9162 path from ``old`` to ``new``, from the tiles of a tree of size ``new``."""
        if not 0 < old <= new:
            raise VerificationError(f"no consistency proof from size {old} to size {new}")
        if old == new:
            return []
        return TileTree(self._client.fetch_tile, new).consistency_path(old)

    def close(self) -> None:
        """Close the HTTP connection pool, if one was opened."""
        self._client.close()


def is_tiles_location(spec: str) -> bool:
    """Whether a ``--log`` value names tiles: an http(s)/file URL or a directory of tiles."""
    if spec.startswith(("http://", "https://", "file://")):
        return True
    path = Path(spec).expanduser()
    return (path / CHECKPOINT_NAME).is_file() and (path / "tile").is_dir()
