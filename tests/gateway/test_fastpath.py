"""The lean ASGI path: same answers and errors as the FastAPI routes, delegation otherwise."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from govloop.gateway._fastpath import FastTextPath

from .conftest import Running
from .fakes import LABEL_SUFFIX

CHAT = "/v1/chat/completions"


def _post(running: Running, body: dict[str, Any], token: str | None = None) -> httpx.Response:
    headers = {} if token == "" else {"Authorization": f"Bearer {token or running.token}"}
    return httpx.post(f"{running.url}{CHAT}", json=body, headers=headers, timeout=10)


def test_fast_answer_is_governed(running: Running) -> None:
    r = _post(running, {"model": "fake", "messages": [{"role": "user", "content": "hi"}]})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    data = r.json()
    pid = data["produce_id"]
    assert r.headers["x-produce-id"] == pid and json.loads(r.headers["x-aigc"]) == data["aigc"]
    assert data["choices"][0]["message"]["content"].endswith(LABEL_SUFFIX)
    assert [rec.produce_id for rec in running.fakes.recorder.records] == [pid]


@pytest.mark.parametrize(
    ("body", "token", "status"),
    [
        ({"model": "fake"}, "", 401),  # missing key
        ({"model": "fake"}, "glk_wrong", 401),  # unknown key
        ({"model": "nope"}, None, 404),  # model not served
        ({"model": "fake", "govloop_unlabeled": True}, None, 403),  # agreement forbids it
    ],
)
def test_errors_match_the_fastapi_route(
    running: Running, body: dict[str, Any], token: str | None, status: int
) -> None:
    msgs = {"messages": [{"role": "user", "content": "hi"}]}
    fast = _post(running, {**body, **msgs}, token)
    # stream=True is always handed to FastAPI: the same error must come back from there.
    slow = _post(running, {**body, **msgs, "stream": True}, token)
    assert fast.status_code == slow.status_code == status
    assert fast.json() == slow.json()


async def test_streams_and_invalid_bodies_are_replayed_to_fastapi() -> None:
    seen: list[tuple[str, bytes]] = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        msg = await receive()
        seen.append((scope["path"], msg["body"]))

    async def send(message: Any) -> None:
        raise AssertionError(f"the lean path answered itself: {message}")

    path = FastTextPath(inner, lambda: None)
    for body in (b'{"model": "m", "stream": true}', b"not json", b'{"model": 1}'):
        messages = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive(messages: list[dict[str, Any]] = messages) -> dict[str, Any]:
            return messages.pop(0)

        scope = {"type": "http", "method": "POST", "path": CHAT, "headers": []}
        await path(scope, receive, send)
        assert seen[-1] == (CHAT, body)
    assert len(seen) == 3


def test_an_unexpected_error_is_a_500_and_the_worker_keeps_serving(
    running: Running, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(text: str) -> Any:
        raise RuntimeError("filter crashed")

    monkeypatch.setattr(running.fakes.filter, "check", broken)
    body = {"model": "fake", "messages": [{"role": "user", "content": "hi"}]}
    r = _post(running, body)
    assert r.status_code == 500
    assert r.json()["error"]["type"] == "server_error"
    message = r.json()["error"]["message"]
    rid = message.split("quote request ", 1)[1].split()[0]
    assert rid.startswith("req_")
    assert (
        "filter crashed" not in r.text and "RuntimeError" not in r.text
    )  # internals stay in the log
    logged = [rec for rec in caplog.records if "unhandled error" in rec.getMessage()]
    assert logged and rid in logged[0].getMessage()
    assert running.fakes.recorder.records == []  # nothing was delivered, nothing recorded
    monkeypatch.undo()
    assert _post(running, body).status_code == 200
