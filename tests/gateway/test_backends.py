"""Upstream backend: SSE parsing, retries and errors (fake transport), and the aiohttp client."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govloop.errors import ModelError
from govloop.gateway import UpstreamPolicy, free_port, mock_upstream_app, serve_in_thread
from govloop.gateway._backends import UpstreamBackend, UpstreamClients, _parse_sse_line
from govloop.models import Generation, GenerationRequest


@given(st.text())
def test_sse_parser_returns_text_or_raises_model_error(line: str) -> None:
    try:
        out = _parse_sse_line(line, "u")
    except ModelError:
        return
    assert out is None or isinstance(out, str)


def test_sse_parser_reads_deltas_done_and_errors() -> None:
    chunk = {"choices": [{"delta": {"content": "hé"}}]}
    assert _parse_sse_line("data: " + json.dumps(chunk), "u") == "hé"
    assert _parse_sse_line("data: [DONE]", "u") == "\x00DONE"
    assert _parse_sse_line(": keep-alive", "u") is None
    with pytest.raises(ModelError, match="mid-stream"):
        _parse_sse_line('data: {"error": {"message": "boom"}}', "u")


class _FakeClients(UpstreamClients):
    """The upstream transport replaced by a handler ``(body) -> (status, bytes)``."""

    def __init__(self, handle: Callable[[dict[str, Any]], tuple[int, bytes]]) -> None:
        super().__init__(UpstreamPolicy())
        self.handle = handle

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        assert headers["Content-Type"] == "application/json"
        return self.handle(json.loads(body))

    @contextlib.asynccontextmanager
    async def stream(
        self, url: str, body: bytes, headers: dict[str, str]
    ) -> AsyncIterator[tuple[int, AsyncIterator[bytes]]]:
        status, data = self.handle(json.loads(body))

        async def lines() -> AsyncIterator[bytes]:
            for line in data.splitlines(keepends=True):
                yield line

        yield status, lines()


def _backend(
    handle: Callable[[dict[str, Any]], tuple[int, bytes]], retries: int = 2
) -> UpstreamBackend:
    policy = UpstreamPolicy(retries=retries)
    return UpstreamBackend("http://up/v1", "m", _FakeClients(handle), policy)


async def test_retries_5xx_then_succeeds() -> None:
    calls: list[dict[str, Any]] = []

    def handle(body: dict[str, Any]) -> tuple[int, bytes]:
        calls.append(body)
        if len(calls) < 3:
            return 503, b"busy"
        return 200, json.dumps({"choices": [{"message": {"content": "ok"}}]}).encode()

    gen = await _backend(handle).complete(GenerationRequest.from_prompt("hi"), payload=0)
    assert gen.text == "ok" and len(calls) == 3 and calls[0]["model"] == "m"


async def test_client_error_is_not_retried() -> None:
    calls: list[dict[str, Any]] = []

    def handle(body: dict[str, Any]) -> tuple[int, bytes]:
        calls.append(body)
        return 400, b"bad request"

    with pytest.raises(ModelError, match="HTTP 400"):
        await _backend(handle).complete(GenerationRequest.from_prompt("hi"), payload=0)
    assert len(calls) == 1


async def test_stream_yields_deltas() -> None:
    def handle(body: dict[str, Any]) -> tuple[int, bytes]:
        assert body["stream"] is True
        assert body["stream_options"] == {"include_usage": True}
        text = "".join(
            f"data: {json.dumps({'choices': [{'delta': {'content': w}}]})}\n\n" for w in ("a ", "b")
        )
        end = {"choices": [{"delta": {}, "finish_reason": "length"}]}
        usage = {"choices": [], "usage": {"prompt_tokens": 4, "completion_tokens": 2}}
        text += f"data: {json.dumps(end)}\n\ndata: {json.dumps(usage)}\n\n"
        return 200, (text + "data: [DONE]\n\n").encode()

    backend = _backend(handle)
    *parts, gen = [p async for p in backend.stream(GenerationRequest.from_prompt("hi"), payload=0)]
    assert parts == ["a ", "b"]
    assert isinstance(gen, Generation) and gen.finish_reason == "length"
    assert (gen.prompt_tokens, gen.completion_tokens) == (4, 2)


async def test_aiohttp_client_against_real_upstream() -> None:
    policy = UpstreamPolicy(retries=0)
    clients = UpstreamClients(policy)
    try:
        with serve_in_thread(mock_upstream_app(text="hello there world")) as url:
            backend = UpstreamBackend(f"{url}/v1", "m", clients, policy)
            req = GenerationRequest.from_prompt("hi")
            gen = await backend.complete(req, payload=0)
            assert gen.text == "hello there world" and gen.completion_tokens == 3
            *parts, end = [p async for p in backend.stream(req, payload=0)]
            assert "".join(map(str, parts)) == "hello there world" and len(parts) == 3
            assert isinstance(end, Generation) and end.finish_reason == "stop"
        down = UpstreamBackend(f"http://127.0.0.1:{free_port()}/v1", "m", clients, policy)
        with pytest.raises(ModelError, match="ClientConnectorError|Connect"):
            await down.complete(req, payload=0)
        with pytest.raises(ModelError, match="failed"):
            [p async for p in down.stream(req, payload=0)]
    finally:
        await clients.aclose()
