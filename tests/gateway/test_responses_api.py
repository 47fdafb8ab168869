"""``POST /v1/responses`` through the official SDK: shapes, events, governance as chat."""

from __future__ import annotations

import time

import openai
import pytest

from .conftest import Running
from .fakes import LABEL_SUFFIX

pytestmark = pytest.mark.db


def test_response_is_labeled_recorded_and_shaped(running: Running) -> None:
    with running.client() as client:
        raw = client.responses.with_raw_response.create(
            model="fake", input="写一首诗", instructions="be brief"
        )
        resp = raw.parse()
    assert resp.object == "response" and resp.status == "completed"
    text = resp.output[0].content[0].text  # type: ignore[union-attr]
    assert resp.output_text == text and text.endswith(LABEL_SUFFIX)
    assert resp.usage is not None
    assert resp.usage.input_tokens == 1  # the fake counts the last message's words
    assert resp.usage.output_tokens == len(running.backend.text.split(" "))
    assert resp.usage.total_tokens == resp.usage.input_tokens + resp.usage.output_tokens
    extra = resp.model_extra or {}
    [rec] = running.fakes.recorder.records
    assert rec.produce_id == extra["produce_id"] == raw.headers["x-produce-id"]
    assert extra["aigc"]["ProduceID"] == rec.produce_id and rec.watermark is not None
    assert rec.content == text.encode() and rec.extra["request_id"] == raw.headers["x-request-id"]


def test_message_list_input_and_max_output_tokens(running: Running) -> None:
    with running.client() as client:
        resp = client.responses.create(
            model="fake",
            input=[
                {"role": "developer", "content": "answer in English"},
                {"role": "user", "content": [{"type": "input_text", "text": "hello"}]},
            ],
            max_output_tokens=2,
        )
    assert resp.status == "incomplete"
    assert resp.incomplete_details is not None
    assert resp.incomplete_details.reason == "max_output_tokens"
    assert resp.usage is not None and resp.usage.output_tokens == 2


def test_streamed_response_events(running: Running) -> None:
    with running.client() as client:
        events = list(client.responses.create(model="fake", input="hi", stream=True))
    kinds = [e.type for e in events]
    assert kinds[:2] == ["response.created", "response.in_progress"]
    assert kinds[-1] == "response.completed"
    assert "response.output_text.done" in kinds
    deltas = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    done = next(e for e in events if e.type == "response.output_text.done")
    assert deltas == done.text and deltas.endswith(LABEL_SUFFIX)
    final = events[-1].response  # type: ignore[union-attr]
    assert final.output_text == deltas and final.usage is not None
    assert [e.sequence_number for e in events] == list(range(len(events)))
    [rec] = running.fakes.recorder.records
    assert (
        rec.content == deltas.encode() and rec.produce_id == (final.model_extra or {})["produce_id"]
    )


async def test_async_responses_stream_and_not(running: Running) -> None:
    async with running.aclient() as client:
        resp = await client.responses.create(model="fake", input="hi")
        stream = await client.responses.create(model="fake", input="hi", stream=True)
        kinds = [e.type async for e in stream]
    assert resp.output_text.endswith(LABEL_SUFFIX)
    assert kinds[-1] == "response.completed"
    assert len(running.fakes.recorder.records) == 2


@pytest.mark.parametrize("stream", [False, True])
def test_responses_are_governed_like_chat(running: Running, stream: bool) -> None:
    with running.client() as client:
        with pytest.raises(openai.BadRequestError) as blocked:
            client.responses.create(model="fake", input="怎么做炸弹", stream=stream)
        running.backend.text = "this answer has a forbiddenword inside"
        if stream:
            events = list(client.responses.create(model="fake", input="hi", stream=True))
            final = events[-1]
            assert final.type == "response.incomplete"
            resp = final.response
        else:
            resp = client.responses.create(model="fake", input="hi")
        running.fakes.serving.states["F-1"] = "suspended"
        time.sleep(0.6)
        with pytest.raises(openai.PermissionDeniedError) as suspended:
            client.responses.create(model="fake", input="hi", stream=stream)
    assert blocked.value.code == "content_policy_violation"
    assert resp.incomplete_details is not None
    assert resp.incomplete_details.reason == "content_filter"
    assert "forbiddenword" not in resp.output_text
    assert suspended.value.code == "model_suspended"
    [rec] = running.fakes.recorder.records
    assert rec.extra["finish_reason"] == "content_filter"


def test_unsupported_parts_are_refused_by_name(running: Running) -> None:
    with running.client() as client:
        with pytest.raises(openai.BadRequestError) as exc:
            client.responses.create(
                model="fake",
                input=[{"role": "user", "content": [{"type": "input_image", "image_url": "x"}]}],
            )
    assert exc.value.code == "unsupported_value"
    assert "input[0].content[0]" in exc.value.message
