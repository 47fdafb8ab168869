"""``govloop ledger witness`` end to end: a witness served over HTTP, a provider submitting.

The witness has its own home and database; the provider is the test's home. Its cosigned
checkpoint is then checked by ``ledger verify --witness-policy`` and by the Go checker.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from typer.testing import CliRunner

from govloop.cli.main import build_app
from govloop.keys import KeyStore
from govloop.store import Store
from govloop.witness import Witness
from govloop.witness_http import create_app

pytestmark = pytest.mark.db


@pytest.fixture
def witness_home(tmp_path: Path) -> dict[str, str]:
    """Environment of the witness's own govloop home."""
    home = tmp_path / "witness-home"
    home.mkdir()
    return {"GOVLOOP_HOME": str(home), "GOVLOOP_DATABASE_URL": f"sqlite:///{home / 'w.db'}"}


@pytest.fixture
def served(witness_home: dict[str, str]) -> Iterator[str]:
    """The witness of ``witness_home`` on a free local port; yields its URL."""
    store = Store.open(witness_home["GOVLOOP_DATABASE_URL"])
    witness = Witness(store, KeyStore.open(Path(witness_home["GOVLOOP_HOME"]) / "keys"))
    config = uvicorn.Config(
        create_app(witness), log_level="warning", lifespan="off", ws="none", http="h11"
    )
    server = uvicorn.Server(config)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
        store.close()


def test_witness_commands_and_provider_submission(
    cli: CliRunner, tmp_path: Path, witness_home: dict[str, str], served: str
) -> None:
    app = build_app()
    init = cli.invoke(
        app, ["ledger", "witness", "init", "--name", "witness.test/w1"], env=witness_home
    )
    assert init.exit_code == 0, init.output
    wkey = init.output.strip()
    again = cli.invoke(app, ["ledger", "witness", "key"], env=witness_home)
    assert again.output.strip() == wkey
    content = tmp_path / "out.txt"
    for i in range(3):
        content.write_text(f"内容 {i}", encoding="utf-8")
        assert cli.invoke(app, ["ledger", "append", str(content)]).exit_code == 0
    log_key = tmp_path / "log.pub"
    log_key.write_text(cli.invoke(app, ["ledger", "key", "export"]).output, encoding="utf-8")
    added = cli.invoke(app, ["ledger", "witness", "add-log", str(log_key)], env=witness_home)
    assert added.exit_code == 0 and "watching govloop.local/ledger" in added.output, added.output

    policy = tmp_path / "policy.toml"
    policy.write_text(f'quorum = 1\n[[witness]]\nkey = "{wkey}"\nurl = "{served}"\n', "utf-8")
    assert cli.invoke(app, ["ledger", "checkpoint"]).exit_code == 0
    before = cli.invoke(app, ["ledger", "verify", "--witness-policy", str(policy)])
    assert before.exit_code == 1 and "0 of the 1" in before.output, before.output
    sub = cli.invoke(app, ["ledger", "witness", "add", "--policy", str(policy)])
    assert sub.exit_code == 0 and "size 3 cosigned by witness.test/w1" in sub.output, sub.output

    cp = cli.invoke(app, ["ledger", "checkpoint"])
    assert cp.output.count("\n— ") == 2 and "— witness.test/w1 " in cp.output
    (tmp_path / "cp.txt").write_text(cp.output, encoding="utf-8")
    ok = cli.invoke(app, ["ledger", "verify", "--witness-policy", str(policy)])
    assert ok.exit_code == 0 and "cosigned by 1 of 1" in ok.output, ok.output

    traced = cli.invoke(app, ["trace", str(content), "--witness-policy", str(policy)])
    assert traced.exit_code == 0, traced.output
    assert "witnesses, candidate 1: size 3 cosigned by 1 of 1" in traced.output

    logs = cli.invoke(app, ["ledger", "witness", "logs", "--json"], env=witness_home)
    assert json.loads(logs.output)[0]["size"] == 3

    # a second, silent witness and a quorum of 2: unmet
    other = cli.invoke(
        app,
        ["ledger", "witness", "init", "--name", "witness.test/w2"],
        env={
            **witness_home,
            "GOVLOOP_HOME": str(tmp_path / "w2"),
            "GOVLOOP_DATABASE_URL": f"sqlite:///{tmp_path / 'w2.db'}",
        },
    )
    policy2 = tmp_path / "policy2.toml"
    policy2.write_text(
        f'quorum = 2\n[[witness]]\nkey = "{wkey}"\n[[witness]]\nkey = "{other.output.strip()}"\n',
        "utf-8",
    )
    unmet = cli.invoke(app, ["ledger", "verify", "--witness-policy", str(policy2)])
    assert unmet.exit_code == 1 and "1 of the 2" in unmet.output, unmet.output
    untrusted = cli.invoke(app, ["trace", str(content), "--witness-policy", str(policy2)])
    assert untrusted.exit_code == 1 and "NOT MET" in untrusted.output, untrusted.output

    # a witness that cannot be reached is reported, and the command exits 1
    down = cli.invoke(
        app, ["ledger", "witness", "add", "--policy", str(policy), "http://127.0.0.1:9"]
    )
    assert down.exit_code == 1 and "FAILED" in down.output
