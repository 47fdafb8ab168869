"""RFC 9162 (Certificate Transparency 2.0) Merkle tree hashing and proofs, as pure functions.

No database here: a platform can verify proofs with this module alone. Section numbers refer to
RFC 9162 §2.1:

- leaf hash ``SHA-256(0x00 || leaf)``, interior node ``SHA-256(0x01 || left || right)``, empty
  tree ``SHA-256("")`` (§2.1.1);
- a tree of ``n`` leaves splits at ``k``, the largest power of two smaller than ``n``;
- inclusion proofs: generation §2.1.3.1, verification §2.1.3.2;
- consistency proofs: generation §2.1.4.1, verification §2.1.4.2.

Proof generation takes a ``subtree(start, end)`` callable returning ``MTH(D[start:end])``; every
range it asks for starts at a multiple of a power of two at least as large as the range, so it
can be answered from cached *perfect* subtrees (see :func:`perfect_pieces`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

from govloop.errors import VerificationError

LEAF_PREFIX = b"\x00"
"""Domain separation byte of leaf hashes (§2.1.1)."""
NODE_PREFIX = b"\x01"
"""Domain separation byte of interior nodes (§2.1.1)."""
HASH_SIZE = 32
"""SHA-256 output length in bytes."""
EMPTY_ROOT = hashlib.sha256(b"").digest()
"""Root hash of the empty tree."""

Subtree = Callable[[int, int], bytes]
"""``subtree(start, end)`` returns ``MTH(D[start:end])``."""


def leaf_hash(data: bytes) -> bytes:
    """Hash of one leaf: ``SHA-256(0x00 || data)``."""
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Hash of an interior node: ``SHA-256(0x01 || left || right)``."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def split_point(n: int) -> int:
    """``k``: the largest power of two strictly smaller than ``n`` (``n >= 2``)."""
    if n < 2:
        raise ValueError(f"split_point needs n >= 2, got {n}")
    return 1 << ((n - 1).bit_length() - 1)


def perfect_pieces(start: int, end: int) -> list[tuple[int, int]]:
    """Split ``[start, end)`` into aligned perfect subtrees, largest first, as ``(level, index)``.

    A piece ``(level, index)`` covers leaves ``[index << level, (index + 1) << level)``.
    """
    pieces: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        level = (end - pos).bit_length() - 1
        while pos & ((1 << level) - 1):
            level -= 1
        pieces.append((level, pos >> level))
        pos += 1 << level
    return pieces


def fold_pieces(hashes: Sequence[bytes]) -> bytes:
    """``MTH`` of a range from the hashes of its :func:`perfect_pieces` (largest first)."""
    if not hashes:
        return EMPTY_ROOT
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = node_hash(h, acc)
    return acc


def root_of_leaves(leaf_hashes: Sequence[bytes]) -> bytes:
    """``MTH(D[n])`` of a list of leaf hashes (§2.1.1), computed level by level."""
    return MemoryTree(leaf_hashes).root()


class MemoryTree:
    """All perfect subtree hashes of a list of leaf hashes, held in memory."""

    def __init__(self, leaf_hashes: Sequence[bytes]) -> None:
        self.levels: list[list[bytes]] = [list(leaf_hashes)]
        while len(self.levels[-1]) > 1:
            below = self.levels[-1]
            self.levels.append(
                [node_hash(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)]
            )

    @property
    def size(self) -> int:
        """Number of leaves."""
        return len(self.levels[0])

    def perfect(self, level: int, index: int) -> bytes:
        """Hash of the perfect subtree ``(level, index)``."""
        return self.levels[level][index]

    def subtree(self, start: int, end: int) -> bytes:
        """``MTH(D[start:end])`` from the perfect pieces."""
        return fold_pieces([self.perfect(lv, ix) for lv, ix in perfect_pieces(start, end)])

    def root(self, size: int | None = None) -> bytes:
        """Root hash of the first ``size`` leaves (default: all)."""
        n = self.size if size is None else size
        if n > self.size:
            raise ValueError(f"tree has {self.size} leaves, asked for {n}")
        return self.subtree(0, n)


def inclusion_path(index: int, size: int, subtree: Subtree) -> list[bytes]:
    """``PATH(m, D[n])`` of RFC 9162 §2.1.3.1, deepest node first."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is not in a tree of size {size}")
    path: list[bytes] = []
    start, n, m = 0, size, index
    while n > 1:
        k = split_point(n)
        if m < k:
            path.append(subtree(start + k, start + n))
            n = k
        else:
            path.append(subtree(start, start + k))
            start, n, m = start + k, n - k, m - k
    path.reverse()
    return path


def consistency_path(old_size: int, new_size: int, subtree: Subtree) -> list[bytes]:
    """``PROOF(m, D[n])`` of RFC 9162 §2.1.4.1 (empty when the sizes are equal)."""
    if not 0 < old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to {new_size}")
    out: list[bytes] = []
    start, m, n, whole = 0, old_size, new_size, True
    while m != n:
        k = split_point(n)
        if m <= k:
            out.append(subtree(start + k, start + n))
            n = k
        else:
            out.append(subtree(start, start + k))
            start, m, n, whole = start + k, m - k, n - k, False
    if not whole:
        out.append(subtree(start, start + m))
    out.reverse()
    return out


def _check_hash(value: bytes, what: str) -> None:
    if len(value) != HASH_SIZE:
        raise VerificationError(f"{what} must be {HASH_SIZE} bytes, got {len(value)}")


def verify_inclusion(
    leaf: bytes, index: int, size: int, path: Sequence[bytes], root: bytes
) -> None:
    """Check an inclusion proof (RFC 9162 §2.1.3.2); raise :class:`VerificationError` if bad.

    ``leaf`` is the leaf *hash*; ``root`` the root hash of the tree of ``size`` leaves.
    """
    _check_hash(leaf, "leaf hash")
    _check_hash(root, "root hash")
    for i, p in enumerate(path):
        _check_hash(p, f"inclusion_path[{i}]")
    if not 0 <= index < size:
        raise VerificationError(f"leaf index {index} is not below tree size {size}")
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            raise VerificationError(f"inclusion path is too long ({len(path)} hashes)")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise VerificationError(f"inclusion path is too short ({len(path)} hashes)")
    if r != root:
        raise VerificationError(
            f"inclusion proof gives root {r.hex()}, expected {root.hex()} (leaf {index} of {size})"
        )


def verify_consistency(
    old_size: int, new_size: int, path: Sequence[bytes], old_root: bytes, new_root: bytes
) -> None:
    """Check a consistency proof (RFC 9162 §2.1.4.2); raise :class:`VerificationError` if bad."""
    _check_hash(old_root, "old root hash")
    _check_hash(new_root, "new root hash")
    for i, p in enumerate(path):
        _check_hash(p, f"consistency_path[{i}]")
    if not 0 < old_size <= new_size:
        raise VerificationError(f"no consistency proof from size {old_size} to {new_size}")
    if old_size == new_size:
        if path:
            raise VerificationError("consistency path must be empty for equal tree sizes")
        if old_root != new_root:
            raise VerificationError("equal tree sizes with different root hashes")
        return
    if not path:
        raise VerificationError("consistency path is empty")
    hashes = list(path)
    if old_size & (old_size - 1) == 0:
        hashes.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = hashes[0]
    for c in hashes[1:]:
        if sn == 0:
            raise VerificationError(f"consistency path is too long ({len(path)} hashes)")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise VerificationError(f"consistency path is too short ({len(path)} hashes)")
    if fr != old_root:
        raise VerificationError(
            f"consistency proof gives old root {fr.hex()}, expected {old_root.hex()}"
        )
    if sr != new_root:
        raise VerificationError(
            f"consistency proof gives new root {sr.hex()}, expected {new_root.hex()}"
        )


def frontier_needed(old_size: int, new_size: int) -> list[tuple[int, int]]:
    """Existing nodes ``(level, index)`` needed to add the leaves ``[old_size, new_size)``."""
    need: list[tuple[int, int]] = []
    for level in range(1, new_size.bit_length() + 1):
        first = old_size >> level
        if first < (new_size >> level) and (2 * first + 1) << (level - 1) <= old_size:
            need.append((level - 1, 2 * first))
    return need


def extend_nodes(
    old_size: int, new_leaves: Sequence[bytes], existing: dict[tuple[int, int], bytes]
) -> list[tuple[int, int, bytes]]:
    """Perfect nodes completed by appending ``new_leaves`` after ``old_size`` leaves.

    ``existing`` holds the nodes named by :func:`frontier_needed`. Returns ``(level, index, hash)``
    for every new node, leaves (level 0) included.
    """
    new_size = old_size + len(new_leaves)
    out = [(0, old_size + i, h) for i, h in enumerate(new_leaves)]
    current = {old_size + i: h for i, h in enumerate(new_leaves)}
    level = 1
    while (1 << level) <= new_size:
        first, last = old_size >> level, (new_size >> level) - 1
        made: dict[int, bytes] = {}
        for j in range(first, last + 1):
            left = current.get(2 * j)
            if left is None:
                left = existing[(level - 1, 2 * j)]
            made[j] = node_hash(left, current[2 * j + 1])
            out.append((level, j, made[j]))
        current = made
        level += 1
    return out
