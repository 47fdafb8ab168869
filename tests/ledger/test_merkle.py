"""RFC 9162 hashing and proofs: CT reference vectors and an independent verifier.

The independent verifier below is written from the tree definition (recursive split at the
largest power of two), not from the RFC's iterative algorithm, and imports nothing of ours.
"""

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govloop.errors import VerificationError
from govloop.ledger import (
    MemoryTree,
    consistency_path,
    inclusion_path,
    leaf_hash,
    root_of_leaves,
    verify_consistency,
    verify_inclusion,
)
from govloop.ledger._merkle import extend_nodes, frontier_needed

h = bytes.fromhex
LEAVES = [
    h(x)
    for x in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# merkle_tree_test.cc (google/certificate-transparency): (leaf, size, path)
INCLUSION = [
    (0, 1, []),
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
TREE = MemoryTree([leaf_hash(x) for x in LEAVES])


# ---- independent reference (no govloop imports) -------------------------------------------
def _sha(b: bytes) -> bytes:
    return hashlib.sha256(b).digest()


def ref_mth(leaves: list[bytes]) -> bytes:
    if not leaves:
        return _sha(b"")
    if len(leaves) == 1:
        return _sha(b"\x00" + leaves[0])
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return _sha(b"\x01" + ref_mth(leaves[:k]) + ref_mth(leaves[k:]))


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_root_from_inclusion(index: int, size: int, leaf_h: bytes, path: list[bytes]) -> bytes:
    """Rebuild the root top-down: the last path element is the top-level sibling."""
    if size == 1:
        if path:
            raise ValueError("path too long")
        return leaf_h
    if not path:
        raise ValueError("path too short")
    k = _k(size)
    *rest, sibling = path
    if index < k:
        return _sha(b"\x01" + ref_root_from_inclusion(index, k, leaf_h, rest) + sibling)
    return _sha(b"\x01" + sibling + ref_root_from_inclusion(index - k, size - k, leaf_h, rest))


def ref_roots_from_consistency(m: int, n: int, path: list[bytes], whole: bool, old_root: bytes):
    """Return (old subtree root, new subtree root) rebuilt from a SUBPROOF, top-down."""
    if m == n:
        if whole:
            if path:
                raise ValueError("path too long")
            return old_root, old_root
        if len(path) != 1:
            raise ValueError("bad path length")
        return path[0], path[0]
    if not path:
        raise ValueError("path too short")
    k = _k(n)
    *rest, last = path
    if m <= k:
        o, nw = ref_roots_from_consistency(m, k, rest, whole, old_root)
        return o, _sha(b"\x01" + nw + last)
    o, nw = ref_roots_from_consistency(m - k, n - k, rest, False, old_root)
    return _sha(b"\x01" + last + o), _sha(b"\x01" + last + nw)


def ref_verify_consistency(m, n, path, old_root, new_root) -> bool:
    try:
        o, nw = ref_roots_from_consistency(m, n, path, True, old_root)
    except ValueError:
        return False
    return o == old_root and nw == new_root


# ---- tests ----------------------------------------------------------------------------------
@pytest.mark.parametrize("n", range(1, 9))
def test_roots_match_ct_reference_vectors(n: int) -> None:
    assert TREE.root(n).hex() == ROOTS[n - 1]
    assert root_of_leaves([leaf_hash(x) for x in LEAVES[:n]]).hex() == ROOTS[n - 1]


def test_empty_tree_root_is_hash_of_nothing() -> None:
    assert root_of_leaves([]) == hashlib.sha256(b"").digest()


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_inclusion_paths_match_ct_vectors(index: int, size: int, path: list[str]) -> None:
    got = inclusion_path(index, size, TREE.subtree)
    assert [p.hex() for p in got] == path
    verify_inclusion(leaf_hash(LEAVES[index]), index, size, got, TREE.root(size))


@pytest.mark.parametrize(("old", "new", "path"), CONSISTENCY)
def test_consistency_paths_match_ct_vectors(old: int, new: int, path: list[str]) -> None:
    got = consistency_path(old, new, TREE.subtree)
    assert [p.hex() for p in got] == path
    verify_consistency(old, new, got, TREE.root(old), TREE.root(new))


def test_inclusion_proof_rejects_wrong_root_index_and_length() -> None:
    path = inclusion_path(5, 8, TREE.subtree)
    lh = leaf_hash(LEAVES[5])
    with pytest.raises(VerificationError, match="expected"):
        verify_inclusion(lh, 5, 8, path, TREE.root(7))
    with pytest.raises(VerificationError):
        verify_inclusion(lh, 4, 8, path, TREE.root(8))
    with pytest.raises(VerificationError, match="too short"):
        verify_inclusion(lh, 5, 8, path[:-1], TREE.root(8))
    with pytest.raises(VerificationError, match="too long"):
        verify_inclusion(lh, 5, 8, [*path, path[0]], TREE.root(8))
    with pytest.raises(VerificationError, match="not below"):
        verify_inclusion(lh, 8, 8, path, TREE.root(8))
    with pytest.raises(VerificationError, match="32 bytes"):
        verify_inclusion(lh, 5, 8, [b"short"], TREE.root(8))


def test_consistency_proof_rejects_wrong_roots_and_empty_path() -> None:
    path = consistency_path(6, 8, TREE.subtree)
    with pytest.raises(VerificationError, match="old root"):
        verify_consistency(6, 8, path, TREE.root(5), TREE.root(8))
    with pytest.raises(VerificationError, match="new root"):
        verify_consistency(6, 8, path, TREE.root(6), TREE.root(7))
    with pytest.raises(VerificationError, match="empty"):
        verify_consistency(6, 8, [], TREE.root(6), TREE.root(8))
    with pytest.raises(VerificationError):
        verify_consistency(0, 8, path, TREE.root(6), TREE.root(8))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(max_size=8), min_size=1, max_size=40), st.data())
def test_proofs_agree_with_independent_verifier(leaves: list[bytes], data: st.DataObject) -> None:
    tree = MemoryTree([leaf_hash(x) for x in leaves])
    n = len(leaves)
    assert tree.root() == ref_mth(leaves)
    m = data.draw(st.integers(0, n - 1))
    path = inclusion_path(m, n, tree.subtree)
    assert ref_root_from_inclusion(m, n, leaf_hash(leaves[m]), path) == ref_mth(leaves)
    old = data.draw(st.integers(1, n))
    cpath = consistency_path(old, n, tree.subtree)
    assert ref_verify_consistency(old, n, cpath, ref_mth(leaves[:old]), ref_mth(leaves))
    verify_consistency(old, n, cpath, tree.root(old), tree.root())
    if cpath:
        bad = [bytes(32), *cpath[1:]]
        assert not ref_verify_consistency(old, n, bad, ref_mth(leaves[:old]), ref_mth(leaves))
        with pytest.raises(VerificationError):
            verify_consistency(old, n, bad, tree.root(old), tree.root())


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 70), st.integers(0, 70))
def test_incremental_node_cache_equals_full_tree(a: int, b: int) -> None:
    old, new = min(a, b), max(a, b)
    if new == 0:
        return
    hashes = [leaf_hash(i.to_bytes(2, "big")) for i in range(new)]
    nodes = {(lv, ix): hv for lv, ix, hv in extend_nodes(0, hashes[:old], {})}
    need = frontier_needed(old, new)
    nodes.update(
        {
            (lv, ix): hv
            for lv, ix, hv in extend_nodes(old, hashes[old:], {k: nodes[k] for k in need})
        }
    )
    full = MemoryTree(hashes)
    assert nodes == {
        (lv, ix): hv for lv, row in enumerate(full.levels) for ix, hv in enumerate(row)
    }
