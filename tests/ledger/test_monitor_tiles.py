"""``ledger monitor --log`` on a log seen only through its tlog-tiles (a mirror or over HTTP).

The platform or regulator holds no database: it watches the tiles the provider publishes. The
monitor must follow a growing log there, and alert on a mirror whose history was rewritten, a
rollback, or tiles that do not give the signed root.
"""

import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.routing import Mount
from tests.ledger.test_ledger import entry
from typer.testing import CliRunner, Result

from govloop.cli.main import build_app
from govloop.config import Settings
from govloop.keys import KeyStore
from govloop.ledger import (
    DirTiles,
    Ledger,
    LedgerTiles,
    TilesSource,
    export_tiles,
    is_tiles_location,
    monitor_once,
)
from govloop.store import Store
from govloop.tlog_http import tiles_app

pytestmark = pytest.mark.db


@pytest.fixture
def ledger(store: Store, keys: KeyStore, settings: Settings) -> Ledger:
    led = Ledger.open(store, keys, settings)
    led.append_many([entry(i) for i in range(300)])
    led.checkpoint()
    return led


@pytest.fixture
def pub(ledger: Ledger, tmp_path: Path) -> Path:
    path = tmp_path / "ledger.pub"
    path.write_text(ledger.verifier().to_text() + "\n", encoding="utf-8")
    return path


def monitor(state: Path, key: Path, log: str) -> Result:
    res = CliRunner().invoke(
        build_app(), ["ledger", "monitor", "--state", str(state), "--key", str(key), "--log", log]
    )
    assert "Traceback" not in res.output and "internal error" not in res.output, res.output
    return res


def kept_size(state: Path, log: str) -> int:
    return int(json.loads(state.read_text(encoding="utf-8"))["logs"][log]["tree_size"])


def test_a_mirrored_directory_is_followed_and_a_rewritten_mirror_alerts(
    ledger: Ledger, keys: KeyStore, settings: Settings, pub: Path, tmp_path: Path
) -> None:
    mirror = tmp_path / "mirror"
    export_tiles(ledger, mirror)
    assert is_tiles_location(str(mirror)) and not is_tiles_location(str(settings.home))
    state = tmp_path / "monitor" / "state.json"
    first = monitor(state, pub, str(mirror))
    assert first.exit_code == 0 and "first checkpoint kept, size 300" in first.output
    ledger.append_many([entry(i) for i in range(300, 530)])
    ledger.checkpoint()
    export_tiles(ledger, mirror)
    grown = monitor(state, pub, str(mirror))
    assert grown.exit_code == 0 and "size 300 -> 530, consistent" in grown.output, grown.output
    assert kept_size(state, str(mirror)) == 530

    # The same key signs a second history (a rewritten log) and it replaces the mirror.
    other_home = tmp_path / "other"
    other_home.mkdir()
    other_settings = Settings(home=other_home, database_url=f"sqlite:///{other_home / 'o.db'}")
    other_store = Store.open(other_settings.db_url)
    try:
        forged = Ledger.open(other_store, keys, settings)
        assert forged.origin == ledger.origin
        forged.append_many([entry(i, tag="F") for i in range(600)])
        forged.checkpoint()
        forged_dir = tmp_path / "forged"
        export_tiles(forged, forged_dir)
    finally:
        other_store.close()
    shutil.rmtree(mirror)
    shutil.copytree(forged_dir, mirror)
    alert = monitor(state, pub, str(mirror))
    assert alert.exit_code == 1 and "ALERT" in alert.output, alert.output
    assert "kept size 530, new size 600" in alert.output
    assert kept_size(state, str(mirror)) == 530  # the state did not advance


def test_a_rolled_back_mirror_alerts(ledger: Ledger, pub: Path, tmp_path: Path) -> None:
    old = tmp_path / "old"
    export_tiles(ledger, old)
    ledger.append_many([entry(i) for i in range(300, 310)])
    ledger.checkpoint()
    mirror = tmp_path / "mirror"
    export_tiles(ledger, mirror)
    state = tmp_path / "state.json"
    assert monitor(state, pub, str(mirror)).exit_code == 0
    shutil.rmtree(mirror)
    shutil.copytree(old, mirror)
    alert = monitor(state, pub, str(mirror))
    assert alert.exit_code == 1 and "kept size 310, new size 300" in alert.output, alert.output


def test_tiles_that_do_not_give_the_signed_root_alert(
    ledger: Ledger, pub: Path, tmp_path: Path
) -> None:
    mirror = tmp_path / "mirror"
    export_tiles(ledger, mirror)
    state = tmp_path / "state.json"
    assert monitor(state, pub, str(mirror)).exit_code == 0
    ledger.append_many([entry(i) for i in range(300, 700)])
    ledger.checkpoint()
    export_tiles(ledger, mirror)
    # Level-1 tile 000 holds the hash of entries [0, 256), which the proof 300 -> 700 uses.
    tile = mirror / "tile" / "1" / "000.p" / "2"
    data = bytearray(tile.read_bytes())
    data[5] ^= 1
    tile.write_bytes(bytes(data))
    alert = monitor(state, pub, str(mirror))
    assert alert.exit_code == 1 and "ALERT" in alert.output, alert.output
    assert kept_size(state, str(mirror)) == 300


@pytest.fixture
def served(ledger: Ledger) -> Iterator[str]:
    """The ledger's tiles served at /tlog/ on a free local port."""
    app = Starlette(routes=[Mount("/tlog", app=tiles_app(LedgerTiles(ledger)))])
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", lifespan="off", ws="none", http="h11")
    )
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/tlog/"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def test_monitor_over_http_follows_the_served_log(
    ledger: Ledger, pub: Path, tmp_path: Path, served: str
) -> None:
    state = tmp_path / "state.json"
    assert monitor(state, pub, served).exit_code == 0
    ledger.append_many([entry(i) for i in range(300, 1000)])
    ledger.checkpoint()
    res = monitor(state, pub, served)
    assert res.exit_code == 0 and "size 300 -> 1000, consistent" in res.output, res.output
    # the library source agrees with the database's own proof
    source = TilesSource(served)
    try:
        tiles_path = source.consistency_proof(300, 1000)
    finally:
        source.close()
    db_path = ledger.consistency_proof(300, 1000).consistency_path
    assert [h.hex() for h in tiles_path] == db_path


def test_an_unreachable_tile_server_is_an_alert_not_a_crash(
    ledger: Ledger, pub: Path, tmp_path: Path
) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    url = f"http://127.0.0.1:{port}/tlog/"
    state = tmp_path / "state.json"
    res = monitor(state, pub, url)
    assert res.exit_code == 1 and "cannot read its checkpoint" in res.output, res.output
    assert not state.exists()


def test_library_round_over_a_directory(ledger: Ledger, pub: Path, tmp_path: Path) -> None:
    mirror = tmp_path / "m"
    export_tiles(ledger, mirror)
    assert DirTiles(mirror).checkpoint_text() is not None
    source = TilesSource(str(mirror))
    (outcome,) = monitor_once({"m": source}, [ledger.verifier()], tmp_path / "s.json")
    assert outcome.ok and outcome.new_size == 300
