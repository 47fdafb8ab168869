"""What OpenAI clients lean on, through the official SDK (sync and async) against a real server.

``models.retrieve``, OpenAI-shaped bodies for unknown routes, ``stream_options.include_usage``,
``finish_reason`` equal for streamed and non-streamed answers, usage counted on what is
returned, an error ``code`` on every 4xx, ``x-request-id`` (also in the ledger entry),
``x-ratelimit-*`` headers, reproducible ``seed`` and ``system_fingerprint``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import openai
import pytest

from govloop.config import Settings
from govloop.gateway import ApiKeys, GatewayConfig, create_app, serve_in_thread
from govloop.gateway._backends import LocalTextBackend
from govloop.models import GenerationRequest, open_text_model
from govloop.store import Store

from .conftest import FAKE_CONFIG, Running
from .fakes import LABEL_SUFFIX, FakeImageBackend, Fakes, FakeTextBackend

pytestmark = pytest.mark.db

DEMO = FAKE_CONFIG.models[0].model_copy(
    update={"name": "demo-plain", "backend": "demo", "watermark": False}
)
CONFIG = FAKE_CONFIG.model_copy(update={"models": (*FAKE_CONFIG.models, DEMO)})


@contextmanager
def _serve(settings: Settings, store: Store, config: GatewayConfig = CONFIG) -> Iterator[Running]:
    fakes, backend = Fakes(), FakeTextBackend()
    _, token = ApiKeys(store).create("alice")
    demo = LocalTextBackend(opener=functools.partial(open_text_model, "demo"), watermarker=None)
    app = create_app(
        settings,
        config=config,
        ports=fakes.ports(),
        backends={"fake": backend, "fake-image": FakeImageBackend(), "demo-plain": demo},
        checkpoints=False,
    )
    with serve_in_thread(app) as url:
        yield Running(url, token, fakes, backend, store)


@pytest.fixture
def gw(settings: Settings, store: Store) -> Iterator[Running]:
    with _serve(settings, store) as r:
        yield r


def _msg(content: str = "hi") -> list[Any]:
    return [{"role": "user", "content": content}]


# -- 1. models/{id}, unknown routes -----------------------------------------------------------


def test_models_retrieve_sync_and_unknown_is_model_not_found(gw: Running) -> None:
    with gw.client() as client:
        m = client.models.retrieve("fake")
        assert m.id == "fake" and m.object == "model"
        assert (m.model_extra or {})["filing"] == "F-1"
        with pytest.raises(openai.NotFoundError) as exc:
            client.models.retrieve("no-such-model")
    assert exc.value.code == "model_not_found"
    assert exc.value.body["param"] == "model"  # type: ignore[index]


async def test_models_retrieve_async(gw: Running) -> None:
    async with gw.aclient() as client:
        m = await client.models.retrieve("fake-image")
        assert m.id == "fake-image"
        with pytest.raises(openai.NotFoundError):
            await client.models.retrieve("gpt-4o")


@pytest.mark.parametrize(
    ("method", "path", "key", "status", "code"),
    [
        ("GET", "/no-such-page", False, 404, "unknown_url"),
        ("GET", "/v1/no-such-route", False, 401, "invalid_api_key"),
        ("GET", "/v1/no-such-route", True, 404, "unknown_url"),
        ("DELETE", "/v1/chat/completions", True, 405, "method_not_allowed"),
        ("PUT", "/v1/models", True, 405, "method_not_allowed"),
    ],
)
def test_unknown_routes_and_methods_are_openai_shaped(
    gw: Running, method: str, path: str, key: bool, status: int, code: str
) -> None:
    h = {"Authorization": f"Bearer {gw.token}"} if key else {}
    r = httpx.request(method, f"{gw.url}{path}", headers=h)
    assert r.status_code == status
    body = r.json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    assert {"message", "type", "param", "code"} == set(body["error"])
    assert r.headers["x-request-id"].startswith("req_")


# -- 2. include_usage ------------------------------------------------------------------------


def test_include_usage_adds_a_last_chunk_with_usage(gw: Running) -> None:
    with gw.client() as client:
        chunks = list(
            client.chat.completions.create(
                model="fake",
                messages=_msg(),
                stream=True,
                stream_options={"include_usage": True},
            )
        )
        plain = list(client.chat.completions.create(model="fake", messages=_msg(), stream=True))
    *rest, last = chunks
    assert last.choices == [] and last.usage is not None
    words = len(gw.backend.text.split(" "))  # the fake counts one token a word
    assert last.usage.completion_tokens == words and last.usage.prompt_tokens == 1
    assert last.usage.total_tokens == words + 1
    assert all(c.usage is None for c in rest) and rest[-1].choices[0].finish_reason == "stop"
    assert all("usage" in c.to_dict() for c in rest)  # present, as null
    assert all(c.choices for c in plain) and all("usage" not in c.to_dict() for c in plain)


async def test_include_usage_async_and_completions(gw: Running) -> None:
    async with gw.aclient() as client:
        stream = await client.completions.create(
            model="fake", prompt="hello there", stream=True, stream_options={"include_usage": True}
        )
        chunks = [c async for c in stream]
    assert chunks[-1].choices == [] and chunks[-1].usage is not None
    assert chunks[-1].usage.prompt_tokens == 2


# -- 3. finish_reason, streamed and not ------------------------------------------------------

CASES = [
    ({"max_tokens": 3}, "hi", "length"),
    ({"stop": ["flowers"]}, "hi", "stop"),
    ({}, "hi", "stop"),
    ({}, "hi", "content_filter"),
]
BLOCKED = "The answer holds a forbiddenword and goes on for a while after it."


@pytest.mark.parametrize(("params", "prompt", "finish"), CASES)
def test_finish_reason_is_the_same_streamed_or_not(
    gw: Running, params: dict[str, Any], prompt: str, finish: str
) -> None:
    if finish == "content_filter":
        gw.backend.text = BLOCKED  # the output filter stops it; the prompt is clean
    with gw.client() as client:
        whole = client.chat.completions.create(model="fake", messages=_msg(prompt), **params)
        chunks = list(
            client.chat.completions.create(
                model="fake", messages=_msg(prompt), stream=True, **params
            )
        )
        comp = client.completions.create(model="fake", prompt=prompt, **params)
        comp_chunks = list(
            client.completions.create(model="fake", prompt=prompt, stream=True, **params)
        )
    assert whole.choices[0].finish_reason == finish
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == finish
    assert comp.choices[0].finish_reason == finish
    assert comp_chunks[-1].choices[0].finish_reason == finish
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    if finish != "content_filter":
        assert streamed == whole.choices[0].message.content
    assert [r.extra["finish_reason"] for r in gw.fakes.recorder.records] == [finish] * 4


@pytest.mark.parametrize(("params", "prompt", "finish"), CASES)
async def test_finish_reason_async(
    gw: Running, params: dict[str, Any], prompt: str, finish: str
) -> None:
    if finish == "content_filter":
        gw.backend.text = BLOCKED
    async with gw.aclient() as client:
        whole = await client.chat.completions.create(model="fake", messages=_msg(prompt), **params)
        stream = await client.chat.completions.create(
            model="fake", messages=_msg(prompt), stream=True, **params
        )
        reasons = [c.choices[0].finish_reason async for c in stream if c.choices]
    assert whole.choices[0].finish_reason == finish and reasons[-1] == finish


def test_the_demo_model_says_length_both_ways(gw: Running) -> None:
    with gw.client() as client:
        whole = client.chat.completions.create(
            model="demo-plain", messages=_msg(), max_tokens=5, seed=3
        )
        chunks = list(
            client.chat.completions.create(
                model="demo-plain", messages=_msg(), max_tokens=5, seed=3, stream=True
            )
        )
    assert whole.choices[0].finish_reason == "length"
    assert [c.choices[0].finish_reason for c in chunks][-1] == "length"


# -- 4. usage honest -------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True])
def test_usage_counts_only_the_tokens_returned(gw: Running, stream: bool) -> None:
    model = open_text_model("demo")
    tok = model.tokenizer
    args: dict[str, Any] = {"model": "demo-plain", "messages": _msg("tell me"), "seed": 11}
    with gw.client() as client:
        free = client.chat.completions.create(max_tokens=100, **args)
        if stream:
            chunks = list(
                client.chat.completions.create(
                    max_tokens=100,
                    stop=["e"],
                    stream=True,
                    stream_options={"include_usage": True},
                    **args,
                )
            )
            text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
            usage = chunks[-1].usage
        else:
            cut = client.chat.completions.create(max_tokens=100, stop=["e"], **args)
            text, usage = cut.choices[0].message.content or "", cut.usage
    assert usage is not None and free.usage is not None
    raw = text.removesuffix(LABEL_SUFFIX)
    assert "e" not in raw
    assert free.usage.completion_tokens == 100
    assert 1 <= usage.completion_tokens < 100
    # the same sampling run, outside the gateway: the count is the shortest run of the generated
    # tokens whose text covers what was returned
    run = model.run(GenerationRequest.from_prompt("tell me", max_tokens=100, seed=11))
    for _ in run.tokens(model):
        pass
    k = usage.completion_tokens
    assert len(tok.decode(run.ids[:k]).lstrip()) >= len(raw)
    assert len(tok.decode(run.ids[: k - 1]).lstrip()) < len(raw)
    assert usage.prompt_tokens == free.usage.prompt_tokens > 0
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens


# -- 5. error codes, request ids, rate limit headers, seed --------------------------------------


def test_every_route_refuses_a_missing_or_wrong_key_and_records_nothing(
    gw: Running, settings: Settings
) -> None:
    """Routes are read from the app, so a new one (``/v1/audio/speech``, ...) is covered too."""
    from fastapi.routing import iter_route_contexts

    app = create_app(settings, config=CONFIG, ports=Fakes().ports(), checkpoints=False)
    routes = [
        (method, r.path.replace("{model_id:path}", "fake"))
        for r in iter_route_contexts(app.routes)
        if r.path.startswith("/v1/") and getattr(r, "methods", None)
        for method in sorted(r.methods - {"HEAD"})
    ]
    assert ("POST", "/v1/audio/speech") in routes and ("POST", "/v1/responses") in routes
    body = {"model": "fake-speech", "voice": "nova", "input": "hi", "prompt": "hi"}
    for method, path in routes:
        for headers in ({}, {"Authorization": "Bearer glk_wrong"}):
            r = httpx.request(method, f"{gw.url}{path}", json=body, headers=headers)
            assert r.status_code == 401, (method, path, r.text)
            assert r.json()["error"]["code"] == "invalid_api_key"
            assert r.headers["x-request-id"].startswith("req_")
    assert gw.fakes.recorder.records == []


def test_every_4xx_has_a_code(gw: Running, settings: Settings) -> None:
    bad = openai.OpenAI(base_url=f"{gw.url}/v1", api_key="glk_nope", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as e401:
        bad.models.list()
    assert e401.value.code == "invalid_api_key"
    with gw.client() as client:
        with pytest.raises(openai.BadRequestError) as missing:
            client.post("/chat/completions", body={"model": "fake"}, cast_to=httpx.Response)
        with pytest.raises(openai.BadRequestError) as value:
            client.chat.completions.create(model="fake", messages=_msg(), temperature=5)
        with pytest.raises(openai.BadRequestError) as kind:
            client.chat.completions.create(model="fake", messages=_msg(), max_tokens="x")  # type: ignore[arg-type]
        with pytest.raises(openai.BadRequestError) as policy:
            client.chat.completions.create(model="fake", messages=_msg("做炸弹"))
        with pytest.raises(openai.BadRequestError) as wrong_kind:
            client.chat.completions.create(model="fake-image", messages=_msg())
        gw.fakes.serving.states["F-1"] = "suspended"
        import time

        time.sleep(0.6)
        with pytest.raises(openai.PermissionDeniedError) as suspended:
            client.chat.completions.create(model="fake", messages=_msg())
    assert missing.value.code == "missing_required_parameter"
    assert missing.value.body["param"] == "messages"  # type: ignore[index]
    assert value.value.code == "invalid_value"
    assert value.value.body["param"] == "temperature"  # type: ignore[index]
    assert kind.value.code == "invalid_type"
    assert policy.value.code == "content_policy_violation"
    assert wrong_kind.value.code == "invalid_value"
    assert suspended.value.code == "model_suspended"


def test_rate_limit_429_has_code_and_headers(gw: Running) -> None:
    _, slow = ApiKeys(gw.store).create("bob", rate=1.0)
    client = openai.OpenAI(base_url=f"{gw.url}/v1", api_key=slow, max_retries=0)
    ok = client.chat.completions.with_raw_response.create(model="fake", messages=_msg())
    with pytest.raises(openai.RateLimitError) as exc:
        client.chat.completions.create(model="fake", messages=_msg())
    assert exc.value.code == "rate_limit_exceeded"
    h = exc.value.response.headers
    assert h["x-ratelimit-limit-requests"] == "1" and h["x-ratelimit-remaining-requests"] == "0"
    assert h["x-ratelimit-reset-requests"].endswith("s") and h["retry-after"]
    assert ok.headers["x-ratelimit-limit-requests"] == "1"
    assert ok.headers["x-ratelimit-remaining-requests"] == "0"


def test_token_headers_decrease_with_usage_and_429_when_spent(
    settings: Settings, store: Store
) -> None:
    config = CONFIG.model_copy(update={"default_tokens_per_minute": 30})
    with _serve(settings, store, config) as gw, gw.client() as client:
        seen: list[int] = []
        refused: openai.RateLimitError | None = None
        for i in range(8):  # each answer spends 1 prompt + 8 completion tokens
            try:
                if i % 2:
                    with client.chat.completions.with_streaming_response.create(
                        model="fake", messages=_msg(), stream=True
                    ) as streamed:
                        list(streamed.iter_lines())
                        headers = streamed.headers
                else:
                    headers = client.chat.completions.with_raw_response.create(
                        model="fake", messages=_msg()
                    ).headers
            except openai.RateLimitError as exc:
                refused = exc
                break
            assert headers["x-ratelimit-limit-tokens"] == "30"
            assert headers["x-ratelimit-reset-tokens"].endswith("s")
            seen.append(int(headers["x-ratelimit-remaining-tokens"]))
    assert seen[0] == 30 and all(a > b for a, b in zip(seen, seen[1:], strict=False))
    assert 3 <= len(seen) <= 4  # 30 tokens: three answers, a fourth overdraws, then refused
    assert refused is not None and refused.code == "rate_limit_exceeded"
    assert "tokens per minute" in refused.message
    h = refused.response.headers
    assert h["x-ratelimit-remaining-tokens"] == "0" and int(h["retry-after"]) >= 1
    assert h["x-ratelimit-remaining-requests"].isdigit()


def test_a_json_decode_error_names_no_byte_offset_as_param(gw: Running) -> None:
    h = {"Authorization": f"Bearer {gw.token}", "Content-Type": "application/json"}
    r = httpx.post(f"{gw.url}/v1/chat/completions", content=b'{"model": "fake", ', headers=h)
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["param"] is None and err["code"] == "invalid_json"
    assert "not valid JSON at character" in err["message"]


def test_request_id_on_every_answer_and_in_the_ledger(gw: Running) -> None:
    with gw.client() as client:
        raw = client.chat.completions.with_raw_response.create(model="fake", messages=_msg())
        with client.chat.completions.with_streaming_response.create(
            model="fake", messages=_msg(), stream=True
        ) as streamed:
            list(streamed.iter_lines())
            stream_rid = streamed.headers["x-request-id"]
        models = client.models.with_raw_response.list()
        with pytest.raises(openai.NotFoundError) as missing:
            client.chat.completions.create(model="nope", messages=_msg())
    rid = raw.headers["x-request-id"]
    assert raw.request_id == rid and rid.startswith("req_")
    assert models.headers["x-request-id"].startswith("req_")
    assert missing.value.request_id and missing.value.request_id.startswith("req_")
    ids = {rid, stream_rid, models.headers["x-request-id"], missing.value.request_id}
    assert len(ids) == 4
    recorded = [r.extra["request_id"] for r in gw.fakes.recorder.records]
    assert recorded == [rid, stream_rid]
    assert raw.headers["x-ratelimit-limit-requests"]
    assert raw.headers["x-ratelimit-remaining-requests"].isdigit()


def test_seed_is_reproducible_and_fingerprinted(gw: Running) -> None:
    with gw.client() as client:

        def ask(seed: int) -> Any:
            return client.chat.completions.create(
                model="demo-plain", messages=_msg("a story"), seed=seed, max_tokens=40
            )

        a, b, c = ask(5), ask(5), ask(6)
        chunks = list(
            client.chat.completions.create(
                model="demo-plain", messages=_msg("a story"), seed=5, max_tokens=40, stream=True
            )
        )
        fake = client.chat.completions.create(model="fake", messages=_msg())
    assert a.choices[0].message.content == b.choices[0].message.content
    assert a.choices[0].message.content != c.choices[0].message.content
    assert "".join(x.choices[0].delta.content or "" for x in chunks) == a.choices[0].message.content
    assert a.system_fingerprint and a.system_fingerprint.startswith("fp_")
    assert a.system_fingerprint == b.system_fingerprint == chunks[0].system_fingerprint
    assert fake.system_fingerprint != a.system_fingerprint  # watermarked: another fingerprint
