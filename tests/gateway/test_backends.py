"""Upstream backend: SSE parsing, retries and errors, against httpx.MockTransport."""

from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from govloop.errors import ModelError
from govloop.gateway import UpstreamPolicy
from govloop.gateway._backends import UpstreamBackend, UpstreamClients, _parse_sse_line
from govloop.models import GenerationRequest


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


def _backend(handler: httpx.MockTransport, retries: int = 2) -> UpstreamBackend:
    policy = UpstreamPolicy(retries=retries, pool_shards=1)
    clients = UpstreamClients(policy)
    clients._clients = [httpx.AsyncClient(transport=handler)]
    return UpstreamBackend("http://up/v1", "m", clients, policy)


async def test_retries_5xx_then_succeeds() -> None:
    calls = []

    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(json.loads(request.content))
        if len(calls) < 3:
            return httpx.Response(503, text="busy")
        return httpx.Response(200, json={"choices": [{"message": {"content": "ok"}}]})

    gen = await _backend(httpx.MockTransport(handle)).complete(
        GenerationRequest.from_prompt("hi"), payload=0
    )
    assert gen.text == "ok" and len(calls) == 3 and calls[0]["model"] == "m"


async def test_client_error_is_not_retried() -> None:
    calls = []

    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(400, text="bad request")

    with pytest.raises(ModelError, match="HTTP 400"):
        await _backend(httpx.MockTransport(handle)).complete(
            GenerationRequest.from_prompt("hi"), payload=0
        )
    assert len(calls) == 1


async def test_stream_yields_deltas() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        body = "".join(
            f"data: {json.dumps({'choices': [{'delta': {'content': w}}]})}\n\n" for w in ("a ", "b")
        )
        return httpx.Response(200, text=body + "data: [DONE]\n\n")

    backend = _backend(httpx.MockTransport(handle))
    parts = [p async for p in backend.stream(GenerationRequest.from_prompt("hi"), payload=0)]
    assert parts == ["a ", "b"]
