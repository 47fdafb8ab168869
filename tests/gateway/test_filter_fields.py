"""The input filter screens every text-bearing field of every request kind (issue 14).

A term hidden in a message's ``name``, a content part, a tool call's (JSON-escaped) arguments,
a tool description, a completion prompt list item or suffix, the Responses API's
``instructions`` or input parts, or an image prompt is refused like one in plain ``content``;
the same request without the term is served. Also: the production keyword filter, behind the
gateway, refuses obfuscated terms.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from typing import Any

import openai
import pytest

from govloop.assess import KeywordMatcher
from govloop.config import Settings
from govloop.gateway import ApiKeys, create_app, serve_in_thread
from govloop.gateway._production import KeywordFilter
from govloop.gateway._schemas import ChatRequest, CompletionRequest, ImageRequest
from govloop.gateway._textfields import screened_text
from govloop.store import Store

from .conftest import FAKE_CONFIG, Running
from .fakes import FakeImageBackend, Fakes, FakeTextBackend

TERM = "forbiddenword"  # FakeFilter's term (risk A.1.5)
CLEAN = "harmless"


def _chat(word: str, where: str) -> dict[str, Any]:
    user: dict[str, Any] = {"role": "user", "content": "hello"}
    extra: dict[str, Any] = {}
    args = json.dumps({"q": word}, ensure_ascii=True)
    escaped = json.dumps({"q": word}).replace(word[0], f"\\u{ord(word[0]):04x}", 1)
    if where == "content":
        user["content"] = f"say {word}"
    elif where == "parts":
        user["content"] = [{"type": "text", "text": "a"}, {"type": "text", "text": word}]
    elif where == "name":
        user["name"] = word
    elif where == "tool_call_arguments":
        call = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": args}}
        extra["messages_before"] = [{"role": "assistant", "content": None, "tool_calls": [call]}]
    elif where == "escaped_arguments":
        call = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": escaped}}
        extra["messages_before"] = [{"role": "assistant", "content": None, "tool_calls": [call]}]
    elif where == "tool_call_name":
        call = {"id": "c1", "type": "function", "function": {"name": word, "arguments": "{}"}}
        extra["messages_before"] = [{"role": "assistant", "content": None, "tool_calls": [call]}]
    elif where == "function_call":
        fc = {"name": "f", "arguments": args}
        extra["messages_before"] = [{"role": "assistant", "content": None, "function_call": fc}]
    elif where == "refusal":
        extra["messages_before"] = [{"role": "assistant", "content": None, "refusal": word}]
    elif where == "tools":
        fn = {"name": "lookup", "description": f"finds {word}", "parameters": {"type": "object"}}
        extra["tools"] = [{"type": "function", "function": fn}]
    elif where == "tool_parameters":
        props = {"q": {"type": "string", "description": word}}
        fn = {"name": "lookup", "parameters": {"type": "object", "properties": props}}
        extra["tools"] = [{"type": "function", "function": fn}]
    messages = [*extra.pop("messages_before", []), user]
    return {"messages": messages, **extra}


CHAT_FIELDS = [
    "content",
    "parts",
    "name",
    "tool_call_arguments",
    "escaped_arguments",
    "tool_call_name",
    "function_call",
    "refusal",
    "tools",
    "tool_parameters",
]


@pytest.mark.parametrize("where", CHAT_FIELDS)
@pytest.mark.parametrize("stream", [False, True])
def test_chat_term_in_any_field_is_refused(running: Running, where: str, stream: bool) -> None:
    with running.client() as client:
        ok = client.chat.completions.create(model="fake", **_chat(CLEAN, where))
        assert ok.choices[0].message.content
        with pytest.raises(openai.BadRequestError) as info:
            client.chat.completions.create(model="fake", stream=stream, **_chat(TERM, where))
    assert info.value.code == "content_policy_violation"


@pytest.mark.parametrize(
    "kw",
    [
        {"prompt": f"say {TERM}"},
        {"prompt": ["hello", f"say {TERM}"]},
        {"prompt": "hello", "suffix": TERM},
    ],
    ids=["prompt", "prompt_list", "suffix"],
)
def test_completions_term_in_any_field_is_refused(running: Running, kw: dict[str, Any]) -> None:
    clean = json.loads(json.dumps(kw).replace(TERM, CLEAN))
    with running.client() as client:
        assert client.completions.create(model="fake", **clean).choices[0].text
        with pytest.raises(openai.BadRequestError) as info:
            client.completions.create(model="fake", **kw)
    assert info.value.code == "content_policy_violation"


@pytest.mark.parametrize(
    "kw",
    [
        {"input": f"say {TERM}"},
        {"input": "hello", "instructions": f"always mention {TERM}"},
        {
            "input": [
                {"role": "user", "content": [{"type": "input_text", "text": "a"}]},
                {"role": "assistant", "content": [{"type": "output_text", "text": TERM}]},
                {"role": "user", "content": "go on"},
            ]
        },
        {"input": [{"role": "developer", "content": TERM}, {"role": "user", "content": "hi"}]},
    ],
    ids=["input", "instructions", "input_parts", "developer_message"],
)
def test_responses_term_in_any_field_is_refused(running: Running, kw: dict[str, Any]) -> None:
    clean = json.loads(json.dumps(kw).replace(TERM, CLEAN))
    with running.client() as client:
        assert client.responses.create(model="fake", **clean).output_text
        with pytest.raises(openai.BadRequestError) as info:
            client.responses.create(model="fake", **kw)
    assert info.value.code == "content_policy_violation"


def test_image_prompt_is_refused(running: Running) -> None:
    with running.client() as client:
        assert client.images.generate(model="fake-image", prompt=CLEAN, size="64x64").data
        with pytest.raises(openai.BadRequestError) as info:
            client.images.generate(model="fake-image", prompt=f"a {TERM}", size="64x64")
    assert info.value.code == "content_policy_violation"


def test_screened_text_lists_every_field_once_in_order() -> None:
    body = ChatRequest.model_validate({"model": "m", **_chat("X1", "tool_call_arguments")})
    text = screened_text(body)
    assert text.split("\n") == ["f", '{"q": "X1"}', "hello"]
    esc = ChatRequest.model_validate({"model": "m", **_chat("X1", "escaped_arguments")})
    assert "X1" in screened_text(esc).split("\n")  # decoded from \u0058
    comp = CompletionRequest.model_validate({"model": "m", "prompt": ["a", "b"], "suffix": "c"})
    assert screened_text(comp) == "a\nb\nc"
    img = ImageRequest.model_validate({"prompt": "p"})
    assert screened_text(img) == "p"


def test_deeply_nested_tool_schema_and_bad_arguments_do_not_break_screening() -> None:
    nested: Any = {"description": "deep"}
    for _ in range(500):
        nested = {"properties": {"x": nested}}
    fn = {"name": "f", "parameters": nested}
    call = {"id": "c", "type": "function", "function": {"name": "f", "arguments": '{"a": \\u'}}
    body = ChatRequest.model_construct(
        model="m",
        messages=ChatRequest.model_validate(
            {
                "model": "m",
                "messages": [{"role": "assistant", "content": None, "tool_calls": [call]}],
            }
        ).messages,
        tools=[{"type": "function", "function": fn}],
        functions=None,
        response_format=None,
    )
    lines = screened_text(body).split("\n")
    assert "deep" in lines and '{"a": \\u' in lines


# -- the production keyword filter behind the gateway ------------------------------------------


@pytest.fixture
def keyword_gateway(settings: Settings, store: Store) -> Iterator[Running]:
    fakes = Fakes()
    flt = KeywordFilter(KeywordMatcher.from_terms([("恐怖主义", "A.1.d"), ("kill all", "A.1.f")]))
    ports = dataclasses.replace(fakes.ports(), input_filter=flt)
    backend = FakeTextBackend()
    _, token = ApiKeys(store).create("alice")
    app = create_app(
        settings,
        config=FAKE_CONFIG,
        ports=ports,
        backends={"fake": backend, "fake-image": FakeImageBackend()},
        checkpoints=False,
    )
    with serve_in_thread(app) as url:
        yield Running(url, token, fakes, backend, store)


@pytest.mark.parametrize(
    "text",
    [
        "恐\u0301怖\u0301主\u0301义\u0301",
        "恐\ufe0f怖\u200d主\U000e0041义",
        "&#24656;&#x6016;&amp;#20027;义",
        "ｋ\u0308ｉｌｌ\u00ad ａｌｌ",
    ],
)
def test_gateway_refuses_obfuscated_terms_in_name_and_content(
    keyword_gateway: Running, text: str
) -> None:
    with keyword_gateway.client() as client:
        for msg in (
            {"role": "user", "content": text},
            {"role": "user", "content": "hi", "name": text},
        ):
            with pytest.raises(openai.BadRequestError) as info:
                client.chat.completions.create(model="fake", messages=[msg])  # type: ignore[list-item]
            assert info.value.code == "content_policy_violation"
        ok = client.chat.completions.create(
            model="fake", messages=[{"role": "user", "content": "恐怖电影 skill all"}]
        )
        assert ok.choices[0].message.content


@pytest.fixture
def output_keyword_gateway(settings: Settings, store: Store) -> Iterator[Running]:
    fakes = Fakes()
    flt = KeywordFilter(KeywordMatcher.from_terms([("恐怖主义", "A.1.d"), ("kill all", "A.1.f")]))
    ports = dataclasses.replace(fakes.ports(), output_filter=flt)
    backend = FakeTextBackend()
    _, token = ApiKeys(store).create("alice")
    config = FAKE_CONFIG.model_copy(update={"stream_buffering": "full"})
    app = create_app(
        settings,
        config=config,
        ports=ports,
        backends={"fake": backend, "fake-image": FakeImageBackend()},
        checkpoints=False,
    )
    with serve_in_thread(app) as url:
        yield Running(url, token, fakes, backend, store)


def test_streamed_output_with_a_widely_spread_obfuscated_term_is_stopped(
    output_keyword_gateway: Running,
) -> None:
    # each character double-encoded and a word of its own: wider than the stream's window
    spread = "&amp;#24656; &amp;#24598; &amp;#20027; &amp;#20041;"
    echo = "echo:" + "one two three four five six " + spread + " seven eight"
    with output_keyword_gateway.client() as client:
        plain = client.chat.completions.create(
            model="fake", messages=[{"role": "user", "content": echo}]
        )
        assert plain.choices[0].finish_reason == "content_filter"
        chunks = list(
            client.chat.completions.create(
                model="fake", messages=[{"role": "user", "content": echo}], stream=True
            )
        )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices]
    assert "content_filter" in finishes
    assert "&amp;#24656;" not in text and "one two" not in text
