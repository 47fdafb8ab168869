"""Where tiles come from: the ledger database or an exported directory, and the export itself.

A :class:`TileSource` answers ``checkpoint`` and tile reads with bytes or None (absent), which
is all a read-only tile server needs. :func:`export_tiles` writes the layout into a directory
that any static web server (or a mirror's rsync) can publish as is.

Exports are incremental and crash-safe: the ``checkpoint`` file in the directory records the
tree size already exported (it is the manifest); the next export writes only the tiles that
growing the tree adds or changes (:func:`~govloop.ledger._tiles.new_tiles`), never a full tile
again, every file through a temporary name and a rename so no reader sees half a file, and the
new checkpoint last, so a reader who sees it finds every tile it names.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from govloop.errors import InputError, StateError, StoreError
from govloop.ledger import _merkle as mk
from govloop.ledger._ledger import Ledger
from govloop.ledger._note import CheckpointBody
from govloop.ledger._proofs import SignedCheckpoint, open_checkpoint
from govloop.ledger._tables import ENTRIES, NODES, node_key
from govloop.ledger._tiles import (
    MAX_ENTRY_BYTES,
    TILE_HEIGHT,
    TILE_WIDTH,
    Tile,
    TileTree,
    encode_bundle,
    new_tiles,
    split_hashes,
)
from govloop.ledger._tiles_dir import CHECKPOINT_NAME, DirTiles
from govloop.store import db_error_reason

_READ_CHUNK = 16
"""Tiles' worth of rows one database read fetches while exporting."""


def tile_in_tree(tile: Tile, size: int) -> bool:
    """Whether ``tile`` exists in a tree of ``size`` leaves.

    A full tile must be complete; a partial one of width ``W`` exists when its first ``W``
    nodes do: c2sp.org/tlog-tiles requires the partial tiles of every checkpointed size to stay
    served, and each is a prefix of the current tile (or of the full tile it grew into).
    """
    count = size if tile.level is None else size >> (TILE_HEIGHT * tile.level)
    return tile.index * TILE_WIDTH + tile.width <= count


Publish = Callable[[str], str]
"""Turns the ledger's signed checkpoint into the note to publish (e.g. with witness
cosignatures added: the faces pass ``govloop.witness.cosigned_note``, since the ledger does not
know about witnesses). It must only add signature lines, never change the signed text."""


def _published(note: str, publish: Publish | None) -> str:
    """``publish(note)``, checked to keep the signed text and the log's own signature."""
    if publish is None:
        return note
    out = publish(note)
    body, sigs = note.split("\n\n", 1)
    if not out.startswith(body + "\n\n") or not all(
        line in out.split("\n") for line in sigs.split("\n") if line
    ):
        raise StateError("the checkpoint to publish must keep the signed text and its signatures")
    return out


class LedgerTiles:
    """Tiles built on demand from the ledger database, up to its latest signed checkpoint.

    ``publish`` adds what else vouches for the checkpoint (witness cosignatures) to the
    ``checkpoint`` served; the tiles are the same either way.
    """

    def __init__(self, ledger: Ledger, *, publish: Publish | None = None) -> None:
        self.ledger = ledger
        self.publish = publish

    def latest(self) -> SignedCheckpoint | None:
        """The checkpoint whose tree the tiles show."""
        return self.ledger.latest_checkpoint()

    def checkpoint_text(self) -> str | None:
        """The latest checkpoint's note text."""
        cp = self.latest()
        return None if cp is None else _published(cp.note, self.publish)

    def read(self, tile: Tile) -> bytes | None:
        """Tile bytes, for tiles inside the latest checkpoint's tree only."""
        cp = self.latest()
        if cp is None or not tile_in_tree(tile, cp.tree_size):
            return None
        return self.build([tile])[0]

    def build(self, tiles: list[Tile]) -> list[bytes]:
        """The bytes of consecutive tiles of one level, read in one range query per table."""
        if tiles and tiles[0].is_bundle:
            return [encode_bundle(leaves) for leaves in self.build_leaves(tiles)]
        return [b"".join(hashes) for hashes in self._rows(tiles)]

    def build_leaves(self, tiles: list[Tile]) -> list[list[bytes]]:
        """The leaves of consecutive entry bundles (checked to fit a bundle), not yet encoded."""
        return self._rows(tiles)

    def _rows(self, tiles: list[Tile]) -> list[list[bytes]]:
        """Per tile, its hashes or leaves, read in one range query."""
        if not tiles:
            return []
        level = tiles[0].level
        first = tiles[0].index * TILE_WIDTH
        end = tiles[-1].index * TILE_WIDTH + tiles[-1].width
        try:
            with self.ledger.store.engine.connect() as conn:
                if level is None:
                    rows = conn.execute(
                        sa.select(ENTRIES.c.idx, ENTRIES.c.leaf)
                        .where(ENTRIES.c.idx >= first, ENTRIES.c.idx < end)
                        .order_by(ENTRIES.c.idx)
                    ).all()
                else:
                    height = TILE_HEIGHT * level
                    rows = conn.execute(
                        sa.select(NODES.c.id, NODES.c.hash)
                        .where(
                            NODES.c.id >= node_key(height, first),
                            NODES.c.id < node_key(height, end),
                        )
                        .order_by(NODES.c.id)
                    ).all()
        except SQLAlchemyError as exc:
            raise StoreError(f"reading tiles failed: {db_error_reason(exc)}") from exc
        values = [bytes(v) for _, v in rows]
        if len(values) != end - first or (rows and int(rows[0][0]) & ((1 << 40) - 1) != first):
            what = (
                "entries" if level is None else f"node cache rows at height {TILE_HEIGHT * level}"
            )
            raise StoreError(
                f"ledger lacks {what} in [{first}, {end}); run 'govloop ledger verify'"
            )
        out: list[list[bytes]] = []
        pos = 0
        for tile in tiles:
            part = values[pos : pos + tile.width]
            pos += tile.width
            if level is None:
                big = [i for i, leaf in enumerate(part) if len(leaf) > MAX_ENTRY_BYTES]
                if big:
                    raise StateError(
                        f"ledger entry {tile.index * TILE_WIDTH + big[0]} has "
                        f"{len(part[big[0]])} bytes, more than an entry bundle can carry "
                        f"({MAX_ENTRY_BYTES})"
                    )
            elif any(len(h) != mk.HASH_SIZE for h in part):
                raise StoreError(f"node cache holds a malformed hash in {tile.path}")
            out.append(part)
        return out


@dataclass
class ExportReport:
    """What one export did."""

    directory: str
    """The directory exported into."""
    old_size: int
    """Tree size the directory held before (0 if new)."""
    new_size: int
    """Tree size it holds now (the latest signed checkpoint's)."""
    written: list[str] = field(default_factory=list)
    """Layout paths written, tiles first and ``checkpoint`` last."""

    def to_json(self) -> dict[str, object]:
        """A JSON-ready summary."""
        return {
            "directory": self.directory,
            "old_size": self.old_size,
            "new_size": self.new_size,
            "files_written": len(self.written),
            "written": self.written,
        }


def _write_atomic(path: Path, data: bytes, *, fsync: bool, dirs: set[Path]) -> None:
    """Write ``path`` through a temporary name and a rename (readers see all or nothing)."""
    parent = path.parent
    if parent not in dirs:
        parent.mkdir(parents=True, exist_ok=True)
        dirs.add(parent)
    tmp = parent / f".{path.name}.{os.getpid()}.tmp"
    with tmp.open("wb") as fh:
        fh.write(data)
        if fsync:
            fh.flush()
            os.fsync(fh.fileno())
    os.replace(tmp, path)


def _fsync_dirs(dirs: set[Path]) -> None:
    for d in sorted(dirs, key=lambda p: len(p.parts), reverse=True):
        fd = os.open(d, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _exported_size(ledger: Ledger, directory: Path) -> tuple[int, bytes]:
    """Tree size and root of the checkpoint already in ``directory`` (0 if none)."""
    text = DirTiles(directory).checkpoint_text()
    if text is None:
        return 0, mk.EMPTY_ROOT
    body = open_checkpoint(text, ledger.verifiers(), source=str(directory / CHECKPOINT_NAME))
    if body.origin != ledger.origin:
        raise InputError(
            f"{directory} holds tiles of log {body.origin!r}, this ledger is {ledger.origin!r}"
        )
    return body.tree_size, body.root_hash


def _groups(tiles: list[Tile]) -> Iterator[list[Tile]]:
    """Runs of consecutive tiles of one level, at most ``_READ_CHUNK`` long."""
    run: list[Tile] = []
    for tile in tiles:
        if run and (
            tile.level != run[-1].level
            or tile.index != run[-1].index + 1
            or len(run) >= _READ_CHUNK
            or not run[-1].full
        ):
            yield run
            run = []
        run.append(tile)
    if run:
        yield run


def export_tiles(
    ledger: Ledger, directory: Path, *, fsync: bool = True, publish: Publish | None = None
) -> ExportReport:
    """Export the tree of the latest signed checkpoint as tlog-tiles into ``directory``.

    Incremental against the ``checkpoint`` already there. Refuses (:class:`StateError`) a
    directory that is ahead of the ledger or whose tree the ledger does not extend (a
    rollback or a fork must not be published over a mirror's copy). Before the new checkpoint
    is written, the new hash tiles are checked to give its signed root, and every bundled leaf
    to hash to its level-0 tile entry. ``publish`` adds witness cosignatures to the checkpoint
    file (exporting again at the same size rewrites only the checkpoint, with any new ones).
    """
    cp = ledger.latest_checkpoint()
    if cp is None:
        raise StateError("the ledger has no signed checkpoint yet: run 'govloop ledger checkpoint'")
    body = CheckpointBody.from_text(cp.note.split("\n\n", 1)[0] + "\n")
    old_size, old_root = _exported_size(ledger, directory)
    if old_size > cp.tree_size:
        raise StateError(
            f"{directory} holds a tree of size {old_size}, larger than the ledger's latest "
            f"checkpoint ({cp.tree_size}): refusing to publish a rollback"
        )
    if old_size and ledger.root(old_size) != old_root:
        raise StateError(
            f"{directory} holds size {old_size} with root {old_root.hex()}, which the ledger's "
            "tree does not extend: refusing to publish a fork"
        )
    report = ExportReport(str(directory), old_size, cp.tree_size)
    source = LedgerTiles(ledger)
    plan = new_tiles(old_size, cp.tree_size)
    hash_plan = [t for t in plan if not t.is_bundle]
    built: dict[Tile, bytes] = {}
    for run in _groups(hash_plan):
        built.update(zip(run, source.build(run), strict=True))
    files = DirTiles(directory)

    def fetch(tile: Tile) -> bytes:
        data = built.get(tile)
        if data is None:
            data = files.read(tile)
        if data is None:
            raise StateError(f"{directory}: {tile.path} is missing from the earlier export")
        return data

    tree = TileTree(fetch, cp.tree_size)
    tree.check_root(body.root_hash)
    dirs: set[Path] = set()
    for tile in hash_plan:
        target = directory / tile.path
        if tile.full and target.exists():
            continue  # written by an export that stopped before its checkpoint
        _write_atomic(target, built[tile], fsync=fsync, dirs=dirs)
        report.written.append(tile.path)
    for run in _groups([t for t in plan if t.is_bundle]):
        for tile, leaves in zip(run, source.build_leaves(run), strict=True):
            _check_bundle(tree, tile, leaves)
            target = directory / tile.path
            if tile.full and target.exists():
                continue
            _write_atomic(target, encode_bundle(leaves), fsync=fsync, dirs=dirs)
            report.written.append(tile.path)
    if fsync:
        _fsync_dirs(dirs)
    directory.mkdir(parents=True, exist_ok=True)
    note = _published(cp.note, publish)
    _write_atomic(directory / CHECKPOINT_NAME, note.encode(), fsync=fsync, dirs=dirs)
    if fsync:
        _fsync_dirs({directory})
    report.written.append(CHECKPOINT_NAME)
    return report


def _check_bundle(tree: TileTree, tile: Tile, leaves: list[bytes]) -> None:
    """Every leaf of a bundle must hash to the level-0 tile entry the root check covered."""
    level0 = Tile(0, tile.index, tile.width)
    hashes = split_hashes(level0, tree.fetch(level0))
    for i, leaf in enumerate(leaves):
        if mk.leaf_hash(leaf) != hashes[i]:
            raise StateError(
                f"ledger entry {tile.index * TILE_WIDTH + i} does not hash to its cached leaf "
                "hash: run 'govloop ledger verify'"
            )
