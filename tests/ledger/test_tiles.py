"""tlog-tiles: path and bundle parsers (fuzzed), export, incremental export, tile client."""

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.ledger.test_ledger import entry

from govloop.config import Settings
from govloop.errors import InputError, VerificationError
from govloop.keys import KeyStore
from govloop.ledger import Ledger, MemoryTree, export_tiles, leaf_hash
from govloop.ledger._tiles import (
    Tile,
    TileTree,
    encode_bundle,
    encode_index,
    new_tiles,
    parse_bundle,
    parse_tile_path,
)
from govloop.ledger._tiles_client import TileClient, prove_from_tiles
from govloop.store import Store


def test_paths_match_the_spec_examples() -> None:
    assert encode_index(1234067) == "x001/x234/067"
    assert Tile(0, 1234067).path == "tile/0/x001/x234/067"
    assert Tile(1, 5, 17).path == "tile/1/005.p/17"
    assert Tile(None, 0, 3).path == "tile/entries/000.p/3"
    assert Tile(2, 1000).go_path == "tile/8/2/x001/000"
    assert parse_tile_path("tile/entries/x001/234.p/9") == Tile(None, 1234, 9)


@given(
    st.one_of(st.none(), st.integers(0, 63)),
    st.integers(0, 10**12),
    st.integers(1, 256),
)
def test_path_round_trip(level: int | None, index: int, width: int) -> None:
    tile = Tile(level, index, width)
    assert parse_tile_path(tile.path) == tile


@given(st.text(max_size=60))
def test_path_parser_accepts_only_canonical_paths(text: str) -> None:
    try:
        tile = parse_tile_path(text)
    except InputError:
        return
    assert tile.path == text


_PIECES = st.sampled_from(
    [
        "tile",
        "entries",
        "data",
        "0",
        "00",
        "1",
        "63",
        "64",
        "000",
        "001",
        "x000",
        "x001",
        "999",
        "x999",
        "1000",
        "001.p",
        "000.p",
        "1.p",
        "255",
        "256",
        "05",
        "..",
        ".",
        "",
        "x",
        "-1",
        "٠٠١",
    ]
)


@given(st.lists(_PIECES, min_size=1, max_size=7))
def test_path_parser_on_near_miss_paths(pieces: list[str]) -> None:
    path = "/".join(pieces)
    try:
        tile = parse_tile_path(path)
    except InputError:
        return
    assert tile.path == path  # only the canonical spelling parses
    assert ".." not in path.split("/") and "" not in path.split("/")


@pytest.mark.parametrize(
    "bad",
    [
        "tile/0/../000",
        "tile/00/000",
        "tile/0/x000/001",
        "tile/0/001.p/256",
        "tile/0/001.p/0",
        "tile/64/000",
        "tile/0/1",
        "tile/0/x001",
        "tile/0/001/",
        "/tile/0/000",
        "tile/0/000.p/05",
    ],
)
def test_bad_paths_are_refused(bad: str) -> None:
    with pytest.raises(InputError):
        parse_tile_path(bad)


@given(st.lists(st.binary(max_size=300), max_size=20))
def test_bundle_round_trip(leaves: list[bytes]) -> None:
    assert parse_bundle(encode_bundle(leaves), len(leaves)) == leaves


@given(st.binary(max_size=200))
def test_bundle_parser_never_crashes(data: bytes) -> None:
    try:
        leaves = parse_bundle(data)
    except VerificationError:
        return
    assert encode_bundle(leaves) == data


def test_new_tiles_never_include_an_old_full_tile() -> None:
    assert new_tiles(0, 0) == []
    assert new_tiles(256, 300) == [Tile(0, 1, 44), Tile(None, 1, 44)]
    full_old = {t for t in new_tiles(0, 70000) if t.full}
    assert not full_old & set(new_tiles(70000, 140000))


def test_tile_tree_matches_memory_tree() -> None:
    leaves = [leaf_hash(i.to_bytes(4, "big")) for i in range(70000)]
    tree = MemoryTree(leaves)
    n = len(leaves)
    tiles: dict[Tile, bytes] = {}
    for t in new_tiles(0, n):
        if t.level is not None:
            h = 8 * t.level
            tiles[t] = b"".join(tree.perfect(h, t.index * 256 + j) for j in range(t.width))
    tt = TileTree(tiles.__getitem__, n)
    assert tt.root() == tree.root()
    assert tt.root(1000) == tree.root(1000)


@pytest.mark.db
def test_export_incremental_and_client(
    store: Store, keys: KeyStore, settings: Settings, tmp_path: Path
) -> None:
    ledger = Ledger.open(store, keys, settings)
    ledger.append_many([entry(i) for i in range(300)])
    old_note = ledger.checkpoint().note
    out = tmp_path / "tiles"
    rep = export_tiles(ledger, out, fsync=False)
    assert rep.written == [
        "tile/0/000",
        "tile/0/001.p/44",
        "tile/1/000.p/1",
        "tile/entries/000",
        "tile/entries/001.p/44",
        "checkpoint",
    ]
    full_mtime = (out / "tile/0/000").stat().st_mtime_ns
    ledger.append_many([entry(i) for i in range(300, 600)])
    assert export_tiles(ledger, out, fsync=False).written == ["checkpoint"]  # no new checkpoint
    ledger.checkpoint()
    rep2 = export_tiles(ledger, out, fsync=False)
    assert "tile/0/000" not in rep2.written and "tile/0/001" in rep2.written
    assert (out / "tile/0/000").stat().st_mtime_ns == full_mtime
    assert (out / "tile/0/001.p/44").exists()  # old partials stay for older readers
    with TileClient(str(out)) as client:
        proofs = prove_from_tiles(client, ledger.verifiers(), index=450, old_checkpoint=old_note)
    assert proofs.entry == ledger.get(450).leaf
    assert proofs.inclusion == ledger.inclusion_proof(450, 600)
    assert proofs.consistency == ledger.consistency_proof(300, 600)
    # a tampered tile is caught by the root check
    p = out / "tile/0/001"
    data = bytearray(p.read_bytes())
    data[5] ^= 1
    p.write_bytes(bytes(data))
    with TileClient(str(out)) as client, pytest.raises(VerificationError):
        prove_from_tiles(client, ledger.verifiers(), index=300)
