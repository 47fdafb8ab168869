"""C2SP tlog-tiles layout: tile coordinates and paths, entry bundles, and hashes read from tiles.

No database and no network here: exporting, serving and the tile client all build on these
pure functions, so the three agree on the layout by construction. Layout (c2sp.org/tlog-tiles):

- tile height 8: a tile at level ``L`` holds up to 256 hashes of the RFC 9162 tree nodes at
  height ``8 * L`` (level 0: leaf hashes), 32 bytes each, left to right;
- the tile with index ``N`` holds the nodes ``256 * N`` to ``256 * N + W - 1``; a tree of size
  ``S`` has ``S >> 8L`` nodes at height ``8L``, so every tile is full (``W = 256``) except the
  rightmost of each level, partial with ``W = (S >> 8L) % 256`` when that is not zero;
- paths ``tile/<L>/<N>`` and ``tile/<L>/<N>.p/<W>``; ``N`` in groups of three decimal digits,
  all but the last prefixed with ``x`` (``1234067`` is ``x001/x234/067``);
- entry bundles ``tile/entries/<N>[.p/<W>]`` carry the leaves ``256 * N ...`` as a sequence of
  big-endian uint16 length + leaf bytes.

Go's ``golang.org/x/mod/sumdb/tlog`` uses the same tile contents at height 8, under
``tile/8/<L>/<N>`` (the height in the path) and ``tile/8/data/<N>`` for data tiles.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from govloop.errors import InputError, VerificationError
from govloop.ledger import _merkle as mk

TILE_HEIGHT = 8
"""Levels of the Merkle tree one tile spans (fixed by C2SP tlog-tiles)."""
TILE_WIDTH = 1 << TILE_HEIGHT
"""Hashes (or entries) in a full tile: 256."""
MAX_LEVEL = 63
"""Highest tile level a path may name."""
MAX_ENTRY_BYTES = 0xFFFF
"""Longest leaf an entry bundle can carry (its length is a uint16)."""
MAX_HASH_TILE_BYTES = TILE_WIDTH * mk.HASH_SIZE
"""Size of a full hash tile: 8192 bytes."""
MAX_BUNDLE_BYTES = TILE_WIDTH * (2 + MAX_ENTRY_BYTES)
"""Largest possible entry bundle (256 leaves of 65535 bytes, about 16 MiB)."""
ENTRIES = "entries"
"""Path element that names entry bundles instead of a hash tile level."""
_GROUP = re.compile(r"^(x)?([0-9]{3})$")
_DECIMAL = re.compile(r"^(0|[1-9][0-9]*)$")
_U16 = struct.Struct(">H")


@dataclass(frozen=True, order=True)
class Tile:
    """One tile: a hash tile (``level >= 0``) or an entry bundle (``level is None``)."""

    level: int | None
    """Tile level (nodes at tree height ``8 * level``); None for an entry bundle."""
    index: int
    """Tile index ``N`` within its level."""
    width: int = TILE_WIDTH
    """Hashes or entries it holds, 1 to 256 (256: a full tile)."""

    def __post_init__(self) -> None:
        if self.level is not None and not 0 <= self.level <= MAX_LEVEL:
            raise InputError(f"tile level {self.level} is not between 0 and {MAX_LEVEL}")
        if self.index < 0:
            raise InputError(f"tile index {self.index} is negative")
        if not 1 <= self.width <= TILE_WIDTH:
            raise InputError(f"tile width {self.width} is not between 1 and {TILE_WIDTH}")

    @property
    def full(self) -> bool:
        """Whether the tile is full (and so never changes again)."""
        return self.width == TILE_WIDTH

    @property
    def is_bundle(self) -> bool:
        """Whether this is an entry bundle rather than a hash tile."""
        return self.level is None

    @property
    def path(self) -> str:
        """The tile's C2SP path, relative to the log's prefix."""
        kind = ENTRIES if self.level is None else str(self.level)
        suffix = "" if self.full else f".p/{self.width}"
        return f"tile/{kind}/{encode_index(self.index)}{suffix}"

    @property
    def go_path(self) -> str:
        """The same tile's path in Go's sumdb layout (height in the path, ``data`` bundles)."""
        kind = "data" if self.level is None else str(self.level)
        suffix = "" if self.full else f".p/{self.width}"
        return f"tile/{TILE_HEIGHT}/{kind}/{encode_index(self.index)}{suffix}"

    @property
    def max_bytes(self) -> int:
        """The most bytes a valid copy of this tile can have (bounds downloads)."""
        if self.level is None:
            return self.width * (2 + MAX_ENTRY_BYTES)
        return self.width * mk.HASH_SIZE


def encode_index(n: int) -> str:
    """``N`` as C2SP path elements: ``1234067`` -> ``x001/x234/067``."""
    if n < 0:
        raise InputError(f"tile index {n} is negative")
    groups = [f"{n % 1000:03d}"]
    n //= 1000
    while n:
        groups.append(f"x{n % 1000:03d}")
        n //= 1000
    return "/".join(reversed(groups))


def parse_tile_path(path: str) -> Tile:
    """Parse a C2SP tile path (``tile/0/x001/234.p/17``, ``tile/entries/000``).

    Strict: only the one canonical spelling of each tile is accepted (no leading zeros in the
    level or width, no empty or extra elements, ``x`` on every group but the last), so a server
    keyed by these paths can never be steered outside the layout. :class:`InputError` otherwise.
    """
    bad = InputError(f"{path[:120]!r} is not a tlog-tiles tile path")
    parts = path.split("/")
    if len(parts) < 3 or parts[0] != "tile" or len(path) > 200:
        raise bad
    kind, rest = parts[1], parts[2:]
    width = TILE_WIDTH
    if rest[-1:] and len(rest) >= 2 and rest[-2].endswith(".p"):
        if not _DECIMAL.match(rest[-1]) or not rest[-1].isascii():
            raise bad
        width = int(rest[-1])
        if not 1 <= width < TILE_WIDTH:
            raise bad
        rest = [*rest[:-2], rest[-2][:-2]]
    n = 0
    for i, group in enumerate(rest):
        m = _GROUP.match(group)
        if m is None or bool(m.group(1)) != (i < len(rest) - 1):
            raise bad
        n = n * 1000 + int(m.group(2))
    if len(rest) > 1 and rest[0] == "x000":  # a leading zero group: not the canonical form
        raise bad
    if kind == ENTRIES:
        return Tile(None, n, width)
    if not _DECIMAL.match(kind) or not kind.isascii() or int(kind) > MAX_LEVEL:
        raise bad
    return Tile(int(kind), n, width)


def tiles_for_size(size: int, level: int | None) -> Iterator[Tile]:
    """Every tile of one level (None: entry bundles) in a tree of ``size`` leaves."""
    count = size if level is None else size >> (TILE_HEIGHT * level)
    for n in range(count >> TILE_HEIGHT):
        yield Tile(level, n)
    if count % TILE_WIDTH:
        yield Tile(level, count >> TILE_HEIGHT, count % TILE_WIDTH)


def levels_for_size(size: int) -> list[int]:
    """The hash tile levels a tree of ``size`` leaves has (none for the empty tree)."""
    out: list[int] = []
    while size >> (TILE_HEIGHT * len(out)):
        out.append(len(out))
    return out


def tile_for(level: int | None, node_index: int, size: int) -> Tile:
    """The tile of a tree of ``size`` leaves that holds node ``node_index`` of its level.

    For hash tiles ``node_index`` counts nodes at height ``8 * level``; for bundles, leaves.
    """
    count = size if level is None else size >> (TILE_HEIGHT * level)
    if not 0 <= node_index < count:
        raise InputError(f"node {node_index} of tile level {level} is not in a tree of {size}")
    n = node_index >> TILE_HEIGHT
    full = (count >> TILE_HEIGHT) > n
    return Tile(level, n, TILE_WIDTH if full else count % TILE_WIDTH)


def new_tiles(old_size: int, new_size: int) -> list[Tile]:
    """Tiles that growing the tree from ``old_size`` to ``new_size`` adds or changes.

    Hash tiles of every level, then entry bundles. A full tile of the old tree is never among
    them: it cannot change, which is what lets exports be incremental and caches immutable.
    """
    if not 0 <= old_size <= new_size:
        raise InputError(f"cannot grow a tree from size {old_size} to {new_size}")
    out: list[Tile] = []
    for level in [*levels_for_size(new_size), None]:
        shift = 0 if level is None else TILE_HEIGHT * level
        old_n, new_n = old_size >> shift, new_size >> shift
        if old_n == new_n:
            continue
        out.extend(Tile(level, n) for n in range(old_n >> TILE_HEIGHT, new_n >> TILE_HEIGHT))
        if new_n % TILE_WIDTH:
            out.append(Tile(level, new_n >> TILE_HEIGHT, new_n % TILE_WIDTH))
    return out


def encode_bundle(leaves: Sequence[bytes]) -> bytes:
    """An entry bundle: each leaf as big-endian uint16 length then its bytes."""
    try:
        return b"".join([_U16.pack(len(leaf)) + leaf for leaf in leaves])
    except struct.error:
        i, leaf = next((i, x) for i, x in enumerate(leaves) if len(x) > MAX_ENTRY_BYTES)
        raise InputError(
            f"leaf {i} of the bundle has {len(leaf)} bytes; tlog-tiles bundles carry at most "
            f"{MAX_ENTRY_BYTES}"
        ) from None


def parse_bundle(data: bytes, width: int | None = None) -> list[bytes]:
    """Split an entry bundle into leaves; with ``width``, exactly that many must be there.

    :class:`VerificationError` on a truncated length or leaf, or a wrong count.
    """
    leaves: list[bytes] = []
    pos = 0
    while pos < len(data):
        if pos + 2 > len(data):
            raise VerificationError(f"entry bundle is cut inside the length of entry {len(leaves)}")
        n = int.from_bytes(data[pos : pos + 2], "big")
        if pos + 2 + n > len(data):
            raise VerificationError(
                f"entry bundle is cut inside entry {len(leaves)} ({n} bytes announced)"
            )
        leaves.append(data[pos + 2 : pos + 2 + n])
        pos += 2 + n
        if len(leaves) > TILE_WIDTH:
            raise VerificationError(f"entry bundle holds more than {TILE_WIDTH} entries")
    if width is not None and len(leaves) != width:
        raise VerificationError(f"entry bundle holds {len(leaves)} entries, expected {width}")
    return leaves


def split_hashes(tile: Tile, data: bytes) -> list[bytes]:
    """The hashes of a hash tile; :class:`VerificationError` if the length is wrong."""
    if len(data) != tile.width * mk.HASH_SIZE:
        raise VerificationError(
            f"{tile.path}: {len(data)} bytes, a tile of width {tile.width} has "
            f"{tile.width * mk.HASH_SIZE}"
        )
    return [data[i : i + mk.HASH_SIZE] for i in range(0, len(data), mk.HASH_SIZE)]


TileFetch = Callable[[Tile], bytes]
"""Returns the bytes of one tile (hash tile or bundle); raises if it cannot."""


class TileTree:
    """Hashes and proofs of the tree of ``size`` leaves, computed from its tiles alone.

    Every perfect subtree hash at height ``8L + r`` folds ``2**r`` hashes of a level-``L`` tile,
    as Go's ``tlog`` does. Nothing read here is trusted until :meth:`check_root` has matched the
    signed root: proofs are then checked against that root, so a wrong tile makes them fail.
    """

    def __init__(self, fetch: TileFetch, size: int) -> None:
        if size < 0:
            raise InputError(f"tree size {size} is negative")
        self.fetch = fetch
        self.size = size
        self._tiles: dict[Tile, list[bytes]] = {}

    def tile_hashes(self, tile: Tile) -> list[bytes]:
        """The hashes of one hash tile of this tree (fetched once)."""
        hashes = self._tiles.get(tile)
        if hashes is None:
            hashes = split_hashes(tile, self.fetch(tile))
            if tile.full and tile.level is not None:
                # a full tile is authenticated by its parent tile (the root check covers the top
                # and the partial right edge), as Go's tileHashReader does
                fold = hashes
                while len(fold) > 1:
                    fold = [mk.node_hash(fold[i], fold[i + 1]) for i in range(0, len(fold), 2)]
                parent = self.tile_hashes(tile_for(tile.level + 1, tile.index, self.size))
                if parent[tile.index % TILE_WIDTH] != fold[0]:
                    raise VerificationError(f"{tile.path} does not match its parent tile")
            self._tiles[tile] = hashes
        return hashes

    def perfect(self, height: int, index: int) -> bytes:
        """Hash of the perfect subtree of ``2**height`` leaves with the given index."""
        level, r = divmod(height, TILE_HEIGHT)
        first = index << r
        hashes = [
            self.tile_hashes(tile_for(level, first + j, self.size))[(first + j) % TILE_WIDTH]
            for j in range(1 << r)
        ]
        while len(hashes) > 1:
            hashes = [mk.node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes), 2)]
        return hashes[0]

    def subtree(self, start: int, end: int) -> bytes:
        """``MTH(D[start:end])`` for the ranges proofs ask for."""
        return mk.fold_pieces([self.perfect(lv, ix) for lv, ix in mk.perfect_pieces(start, end)])

    def root(self, size: int | None = None) -> bytes:
        """Root hash of the first ``size`` leaves (default: the whole tree)."""
        n = self.size if size is None else size
        if not 0 <= n <= self.size:
            raise InputError(f"tree size {n} is not between 0 and {self.size}")
        return self.subtree(0, n) if n else mk.EMPTY_ROOT

    def check_root(self, root: bytes) -> None:
        """Raise :class:`VerificationError` unless the tiles give the signed ``root``."""
        got = self.root()
        if got != root:
            raise VerificationError(
                f"tiles give root {got.hex()} for size {self.size}, the checkpoint signs "
                f"{root.hex()}"
            )

    def leaf_hash(self, index: int) -> bytes:
        """The leaf hash at ``index`` (from the level-0 tile)."""
        return self.perfect(0, index)

    def inclusion_path(self, index: int) -> list[bytes]:
        """RFC 9162 inclusion path of leaf ``index`` in this tree."""
        return mk.inclusion_path(index, self.size, self.subtree)

    def consistency_path(self, old_size: int) -> list[bytes]:
        """RFC 9162 consistency path from ``old_size`` to this tree's size."""
        return mk.consistency_path(old_size, self.size, self.subtree)

    def leaf(self, index: int) -> bytes:
        """The leaf bytes at ``index`` from its entry bundle, checked against the leaf hash."""
        tile = tile_for(None, index, self.size)
        leaves = parse_bundle(self.fetch(tile), tile.width)
        data = leaves[index % TILE_WIDTH]
        if mk.leaf_hash(data) != self.leaf_hash(index):
            raise VerificationError(
                f"{tile.path}: entry {index} does not hash to the leaf hash in its tile"
            )
        return data
