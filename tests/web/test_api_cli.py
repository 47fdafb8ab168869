"""``govloop web``: accounts and tokens from the terminal, and ``serve`` (with --demo)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from govloop.cli.main import build_app

pytestmark = pytest.mark.db


def test_user_create_list_and_token_create(cli, settings, tmp_path: Path) -> None:
    app = build_app()
    pw = tmp_path / "pw"
    pw.write_text("a sturdy pass phrase 42\n", encoding="utf-8")
    r = cli.invoke(
        app,
        [
            "web",
            "user",
            "create",
            "cac-1",
            "--role",
            "regulator",
            "--jurisdiction",
            "CN",
            "--password-file",
            str(pw),
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["role"] == "regulator"
    listed = cli.invoke(app, ["web", "user", "list", "--json"])
    assert [u["username"] for u in json.loads(listed.output)] == ["cac-1"]
    tok = cli.invoke(app, ["web", "token", "create", "cac-1", "--name", "ci", "--json"])
    assert tok.exit_code == 0, tok.output
    assert json.loads(tok.output)["token"].startswith("glt_")


def test_user_create_bad_input_is_one_line(cli, settings, tmp_path: Path) -> None:
    pw = tmp_path / "pw"
    pw.write_text("short", encoding="utf-8")
    r = cli.invoke(
        build_app(),
        ["web", "user", "create", "x1", "--role", "observer", "--password-file", str(pw)],
    )
    assert r.exit_code == 1 and "password" in r.output
    r = cli.invoke(build_app(), ["web", "token", "create", "nobody"])
    assert r.exit_code == 1 and "nobody" in r.output


def test_serve_runs_the_app_on_the_settings(cli, settings, monkeypatch) -> None:
    import uvicorn

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    r = cli.invoke(build_app(), ["web", "serve", "--port", "8099"])
    assert r.exit_code == 0, r.output
    assert seen["port"] == 8099 and seen["host"] == "127.0.0.1"
    assert seen["app"].state.services is None, "the lifespan opens the store, not the factory"


@pytest.mark.slow
def test_serve_demo_builds_and_serves_a_demo_home(cli, settings, monkeypatch) -> None:
    import asyncio

    import uvicorn

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    r = cli.invoke(build_app(), ["web", "serve", "--demo"])
    assert r.exit_code == 0, r.output
    assert (settings.home / "web-demo" / "govloop.db").is_file()
    app = seen["app"]
    found, verified = asyncio.run(_ask(app, settings.home))
    assert {f["model_name"] for f in found["items"]} >= {"demo", "demo-image"}
    assert verified.json()["found"] is True


async def _ask(app: Any, home: Path) -> tuple[dict[str, Any], httpx.Response]:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            found = (await c.get("/api/v1/filings?q=demo")).json()
            verified = await c.post(
                "/api/v1/verify",
                files={"file": ("a.md", (home / "web-demo/demo/answer-1.md").read_bytes())},
            )
    return found, verified
