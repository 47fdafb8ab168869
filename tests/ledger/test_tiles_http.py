"""tlog-tiles over HTTP and the CLI: headers, 404s, gzip bundles, proofs over HTTP, fetch-proof."""

import asyncio
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient
from tests.ledger.test_ledger import entry
from typer.testing import CliRunner

from govloop.cli.main import build_app
from govloop.config import Settings
from govloop.errors import VerificationError
from govloop.keys import KeyStore
from govloop.ledger import DirTiles, Ledger, LedgerTiles, NoteVerifier, export_tiles
from govloop.ledger._tiles import Tile, parse_bundle
from govloop.ledger._tiles_client import TileClient, prove_from_tiles
from govloop.store import Store
from govloop.tlog_http import CHECKPOINT_CACHE, FULL_TILE_CACHE, PARTIAL_TILE_CACHE, tiles_app

pytestmark = pytest.mark.db


@pytest.fixture
def ledger(store: Store, keys: KeyStore, settings: Settings) -> Ledger:
    led = Ledger.open(store, keys, settings)
    led.append_many([entry(i) for i in range(300)])
    led.checkpoint()
    return led


async def _raw_get(app: Starlette, path: str) -> int:
    """Status of a GET sent to the ASGI app with ``path`` exactly as given."""
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 1),
    }
    await app(scope, receive, send)  # type: ignore[arg-type]
    return int(sent[0]["status"])  # type: ignore[call-overload]


def test_ledger_server_headers_and_refusals(ledger: Ledger, tmp_path: Path) -> None:
    app = Starlette(routes=[Mount("/tlog", app=tiles_app(LedgerTiles(ledger)))])
    with TestClient(app) as http:
        cp = http.get("/tlog/checkpoint")
        assert cp.status_code == 200 and cp.text == ledger.latest_checkpoint().note  # type: ignore[union-attr]
        assert cp.text.startswith(f"{ledger.origin}\n300\n")
        assert cp.headers["content-type"] == "text/plain; charset=utf-8"
        assert cp.headers["cache-control"] == CHECKPOINT_CACHE
        full = http.get("/tlog/tile/0/000")
        assert full.status_code == 200 and len(full.content) == 8192
        assert full.headers["cache-control"] == FULL_TILE_CACHE
        assert full.headers["content-type"] == "application/octet-stream"
        part = http.get("/tlog/tile/0/001.p/44")
        assert len(part.content) == 44 * 32 and part.headers["cache-control"] == PARTIAL_TILE_CACHE
        assert http.get("/tlog/tile/0/001.p/10").content == part.content[: 10 * 32]
        bundle = http.get("/tlog/tile/entries/000", headers={"accept-encoding": "gzip"})
        assert bundle.headers["content-encoding"] == "gzip"
        assert parse_bundle(bundle.content, 256)[7] == ledger.get(7).leaf
        plain = http.get("/tlog/tile/entries/001.p/44", headers={"accept-encoding": "identity"})
        assert "content-encoding" not in plain.headers
        assert parse_bundle(plain.content, 44)[0] == ledger.get(256).leaf
        assert http.head("/tlog/tile/1/000.p/1").status_code == 200
        for bad in [
            "/tlog/tile/0/001",  # not full yet
            "/tlog/tile/0/001.p/45",  # beyond the checkpoint
            "/tlog/tile/0/%2e%2e/000",
            "/tlog/tile/00/000",
            "/tlog/tile/entries/x000/000",
            "/tlog/tile/9/000",
            "/tlog/",
            "/tlog/checkpoint/x",
            "/tlog/tile/",
        ]:
            res = http.get(bad)
            assert res.status_code == 404, bad
            assert res.headers["cache-control"] == "no-store"
        assert http.post("/tlog/checkpoint").status_code == 405
        # dot segments as a raw request path (HTTP clients would normalise them away)
        assert asyncio.run(_raw_get(app, "/tlog/tile/0/../../checkpoint")) == 404
        assert asyncio.run(_raw_get(app, "/tlog/tile/entries/../0/000")) == 404
        # proofs over HTTP from the served tiles agree with the database's
        with TileClient("http://testserver/tlog/", http=http) as client:
            proofs = prove_from_tiles(client, ledger.verifiers(), index=299, old_size=17)
        assert proofs.inclusion == ledger.inclusion_proof(299, 300)
        assert proofs.consistency == ledger.consistency_proof(17, 300)
        assert proofs.entry == ledger.get(299).leaf


def test_empty_ledger_and_directory_server(
    store: Store, keys: KeyStore, settings: Settings, tmp_path: Path
) -> None:
    empty = Ledger.open(store, keys, settings)
    with TestClient(tiles_app(LedgerTiles(empty))) as http:
        assert http.get("/checkpoint").status_code == 404
        assert http.get("/tile/0/000.p/1").status_code == 404
    empty.append_many([entry(i) for i in range(3)])
    empty.checkpoint()
    out = tmp_path / "t"
    export_tiles(empty, out, fsync=False)
    (tmp_path / "secret").write_text("x")
    with TestClient(tiles_app(DirTiles(out))) as http:
        assert http.get("/checkpoint").text.startswith(f"{empty.origin}\n3\n")
        assert len(http.get("/tile/0/000.p/3").content) == 96
        assert http.get("/tile/0/../../secret").status_code == 404
        assert http.get("/tile/0/000.p/2").status_code == 404  # never exported


def test_client_falls_back_to_the_full_tile(ledger: Ledger, tmp_path: Path) -> None:
    out = tmp_path / "t"
    export_tiles(ledger, out, fsync=False)
    ledger.append_many([entry(i) for i in range(300, 512)])
    ledger.checkpoint()
    export_tiles(ledger, out, fsync=False)
    (out / Tile(0, 1, 44).path).unlink()  # a log may delete a partial once the full tile exists
    (out / Tile(None, 1, 44).path).unlink()
    with TileClient(str(out)) as client:
        assert client.fetch_tile(Tile(0, 1, 44)) == (out / "tile/0/001").read_bytes()[: 44 * 32]
        bundle = parse_bundle(client.fetch_tile(Tile(None, 1, 44)), 44)
    assert bundle[-1] == ledger.get(299).leaf
    with TileClient(f"file://{out}") as client:
        proofs = prove_from_tiles(client, None, index=511)
    assert not proofs.signature_checked and proofs.entry == ledger.get(511).leaf


def test_tampered_bundle_and_checkpoint_are_caught(ledger: Ledger, tmp_path: Path) -> None:
    out = tmp_path / "t"
    export_tiles(ledger, out, fsync=False)
    p = out / "tile/entries/000"
    leaves = parse_bundle(p.read_bytes())
    leaves[3] = leaves[3].replace(b"demo", b"dem0")
    from govloop.ledger._tiles import encode_bundle

    p.write_bytes(encode_bundle(leaves))
    with TileClient(str(out)) as client:
        with pytest.raises(VerificationError, match="entry 3"):
            prove_from_tiles(client, ledger.verifiers(), index=3)
        prove_from_tiles(client, ledger.verifiers(), index=256)  # other bundles still fine
    cp = out / "checkpoint"
    cp.write_text(cp.read_text().replace("\n300\n", "\n301\n"))
    with TileClient(str(out)) as client, pytest.raises(VerificationError, match="signature"):
        prove_from_tiles(client, ledger.verifiers(), index=256)


def test_cli_export_and_fetch_proof(cli: CliRunner, tmp_path: Path) -> None:
    app = build_app()
    for i in range(3):
        content = tmp_path / f"c{i}.txt"
        content.write_text(f"生成内容 number {i}", encoding="utf-8")
        assert cli.invoke(app, ["ledger", "append", str(content)]).exit_code == 0
    first = cli.invoke(app, ["ledger", "checkpoint"]).output
    (tmp_path / "old.cp").write_text(first, encoding="utf-8")
    out = tmp_path / "tiles"
    res = cli.invoke(app, ["ledger", "tiles", "export", str(out)])
    assert res.exit_code == 0, res.output
    assert res.stdout.split() == ["tile/0/000.p/3", "tile/entries/000.p/3", "checkpoint"]
    assert cli.invoke(app, ["ledger", "append", str(tmp_path / "c0.txt")]).exit_code == 0
    cli.invoke(app, ["ledger", "checkpoint"])
    res = cli.invoke(app, ["ledger", "tiles", "export", str(out), "--json", "--no-fsync"])
    doc = json.loads(res.stdout)
    assert (doc["old_size"], doc["new_size"]) == (3, 4)
    assert doc["written"] == ["tile/0/000.p/4", "tile/entries/000.p/4", "checkpoint"]
    key = tmp_path / "log.pub"
    key.write_text(cli.invoke(app, ["ledger", "key", "export"]).output)
    res = cli.invoke(
        app,
        ["ledger", "fetch-proof", str(out), "2", "--key", str(key)]
        + ["--old-checkpoint", str(tmp_path / "old.cp"), "--json"],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["signature_checked"] and doc["inclusion"]["leaf_index"] == 2
    assert doc["consistency"]["old_size"] == 3 and "生成内容" not in doc["entry"]  # entry JSON
    res = cli.invoke(app, ["ledger", "fetch-proof", f"file://{out}", "--old-size", "1"])
    assert res.exit_code == 0 and "signature NOT checked" in res.stdout
    other = tmp_path / "other.pub"
    stranger = NoteVerifier("govloop.local/ledger", Ed25519PrivateKey.generate().public_key())
    other.write_text(stranger.to_text() + "\n", encoding="utf-8")
    bad = cli.invoke(app, ["ledger", "fetch-proof", str(out), "0", "--key", str(other)])
    assert bad.exit_code == 1 and "not signed by any known key" in bad.output
    assert cli.invoke(app, ["ledger", "fetch-proof", str(out), "9"]).exit_code == 1
    assert cli.invoke(app, ["ledger", "fetch-proof", str(tmp_path / "nope"), "0"]).exit_code == 1
    assert cli.invoke(app, ["ledger", "fetch-proof", str(out)]).exit_code == 1
