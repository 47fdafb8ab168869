from __future__ import annotations

import json

import httpx
import pytest

from govloop.errors import InputError, ModelError
from govloop.models import GenerationRequest, open_text_model
from govloop.models.openai_http import OpenAIChatModel, parse_spec

OK = {
    "id": "c1",
    "model": "m",
    "choices": [{"message": {"content": "你好"}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 3, "completion_tokens": 2},
}


def _model(handler, **kw) -> OpenAIChatModel:  # type: ignore[no-untyped-def]
    kw.setdefault("backoff", 0.001)
    return OpenAIChatModel("http://test/v1", "m", transport=httpx.MockTransport(handler), **kw)


async def test_success_sends_request_and_parses_answer() -> None:
    seen: list[httpx.Request] = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(req)
        return httpx.Response(200, json=OK)

    m = _model(handler, api_key="sk-test")
    gen = await m.generate(
        GenerationRequest.from_prompt("hi", max_tokens=7, temperature=0.0, seed=5, stop=("x",))
    )
    assert (gen.text, gen.prompt_tokens, gen.completion_tokens, gen.extra["attempts"]) == (
        "你好",
        3,
        2,
        1,
    )
    req = seen[0]
    assert str(req.url) == "http://test/v1/chat/completions"
    assert req.headers["authorization"] == "Bearer sk-test"
    body = json.loads(req.content)
    assert body == {
        "model": "m",
        "messages": [{"role": "user", "content": "hi"}],
        "max_tokens": 7,
        "temperature": 0.0,
        "seed": 5,
        "stop": ["x"],
    }
    await m.aclose()


@pytest.mark.parametrize(
    "bad",
    [
        httpx.Response(500, text="oops"),
        httpx.Response(503, text="busy", headers={"retry-after": "0"}),
        httpx.Response(429, text="slow down"),
        httpx.Response(200, text="{not json"),
        httpx.Response(200, json={"choices": []}),
        httpx.Response(200, json={"object": "x"}),
    ],
)
async def test_transient_failures_are_retried(bad: httpx.Response) -> None:
    calls = 0

    def handler(req: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return bad if calls < 3 else httpx.Response(200, json=OK)

    gen = await _model(handler, max_retries=3).generate(GenerationRequest.from_prompt("q"))
    assert gen.text == "你好" and gen.extra["attempts"] == 3 and calls == 3


async def test_timeouts_are_retried_then_reported() -> None:
    calls = 0

    def handler(req: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        raise httpx.ReadTimeout("slow", request=req)

    with pytest.raises(ModelError, match=r"http://test/v1: timed out .*after 3 attempts"):
        await _model(handler, max_retries=2).generate(GenerationRequest.from_prompt("q"))
    assert calls == 3


async def test_client_errors_are_not_retried() -> None:
    calls = 0

    def handler(req: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(401, text="bad key")

    with pytest.raises(ModelError, match="HTTP 401: bad key"):
        await _model(handler).generate(GenerationRequest.from_prompt("q"))
    assert calls == 1


async def test_stream_parses_server_sent_events() -> None:
    chunks = [{"choices": [{"delta": {"content": c}}]} for c in ("你", "好")]
    body = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"

    def handler(req: httpx.Request) -> httpx.Response:
        assert json.loads(req.content)["stream"] is True
        return httpx.Response(200, text=body, headers={"content-type": "text/event-stream"})

    out = [d async for d in _model(handler).stream(GenerationRequest.from_prompt("q"))]
    assert out == ["你", "好"]


def test_spec_and_env_key(monkeypatch: pytest.MonkeyPatch) -> None:
    assert parse_spec("http://h:1/v1#qwen") == ("http://h:1/v1", "qwen")
    with pytest.raises(InputError, match="openai:http://host:port/v1#model"):
        open_text_model("openai:http://h:1/v1")
    with pytest.raises(InputError, match="must start with http"):
        OpenAIChatModel("ftp://h", "m")
    monkeypatch.delenv("GOVLOOP_OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-a")
    m = open_text_model("openai:http://h:1/v1#qwen")
    assert isinstance(m, OpenAIChatModel) and m.api_key == "sk-a" and m.name == "qwen"
    monkeypatch.setenv("GOVLOOP_OPENAI_API_KEY", "sk-b")
    m2 = open_text_model("openai:http://h:1/v1#qwen")
    assert isinstance(m2, OpenAIChatModel) and m2.api_key == "sk-b"
