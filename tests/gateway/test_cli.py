"""``govloop gateway``: key management, log purge, and ``serve --workers 2`` as a real process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import openai
import pytest
from typer.testing import CliRunner

from govloop.cli.main import build_app
from govloop.gateway import ApiKeys, free_port
from govloop.registry import Registry
from govloop.store import Store

from .conftest import approved_filing

pytestmark = pytest.mark.db


def test_key_create_list_revoke(cli: CliRunner, store: Store) -> None:
    app = build_app()
    res = cli.invoke(
        app,
        [
            "gateway",
            "key",
            "create",
            "--requester",
            "acme",
            "--allow-unlabeled",
            "--rate",
            "5",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    made = json.loads(res.output)
    assert made["token"].startswith("glk_") and made["allow_unlabeled"] and made["rate"] == 5
    assert ApiKeys(store).authenticate(made["token"]) is not None
    listed = json.loads(cli.invoke(app, ["gateway", "key", "list", "--json"]).output)
    assert [k["id"] for k in listed] == [made["id"]] and "token" not in listed[0]
    res = cli.invoke(app, ["gateway", "key", "revoke", made["id"]])
    assert res.exit_code == 0 and "revoked" in res.output
    assert ApiKeys(store).authenticate(made["token"]) is None


def test_key_revoke_unknown_is_one_line_error(cli: CliRunner, store: Store) -> None:
    del store
    res = cli.invoke(build_app(), ["gateway", "key", "revoke", "key_nope"])
    assert res.exit_code == 1 and "no API key with id 'key_nope'" in res.output


def test_serve_rejects_bad_config(cli: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "gw.yaml"
    bad.write_text("models:\n  - {name: x, filing: f, backend: demo, colour: red}\n")
    res = cli.invoke(build_app(), ["gateway", "serve", "--config", str(bad)])
    assert res.exit_code == 1 and "colour" in res.output


def test_purge_logs_command(cli: CliRunner, store: Store) -> None:
    del store
    res = cli.invoke(build_app(), ["gateway", "purge-logs", "--json"])
    assert res.exit_code == 0 and json.loads(res.output) == {"deliveries": 0, "violations": 0}


@pytest.mark.slow
def test_two_worker_processes_see_suspension_within_a_second(
    home: Path, db_url: str, store: Store
) -> None:
    filing = approved_filing(store, "demo")
    _, token = ApiKeys(store).create("alice")
    cfg = home / "gateway.yaml"
    cfg.write_text(f"models:\n  - {{name: demo, filing: {filing}, backend: demo}}\n")
    port = free_port()
    log = (home / "serve.log").open("wb")
    env = {**os.environ, "GOVLOOP_HOME": str(home), "GOVLOOP_DATABASE_URL": db_url}
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "govloop"),
            "gateway",
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
            "--config",
            str(cfg),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, (home / "serve.log").read_text()
            assert time.monotonic() < deadline, "gateway did not start"
            time.sleep(0.2)
        client = openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key=token, max_retries=0)
        pids = set()
        for _ in range(8):  # warm both workers' caches
            out = client.completions.create(model="demo", prompt="hello", max_tokens=8)
            pids.add((out.model_extra or {})["produce_id"])
        assert len(pids) == 8
        Registry(store).transition(filing, "suspended", actor="test", reason="incident")
        t0 = time.monotonic()
        time.sleep(1.0)
        for _ in range(12):  # after one second no worker serves it
            with pytest.raises(openai.PermissionDeniedError, match="suspended"):
                client.completions.create(model="demo", prompt="hello", max_tokens=8)
        assert time.monotonic() - t0 < 30
        client.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(20)
        log.close()
