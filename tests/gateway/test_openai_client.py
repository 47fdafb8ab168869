"""Every route through the official openai client (sync, async, streaming), fake ports."""

from __future__ import annotations

import base64
import io
import json

import httpx
import openai
import pytest
import soundfile as sf

from .conftest import Running
from .fakes import LABEL_SUFFIX

pytestmark = pytest.mark.db


def test_chat_completion_is_labeled_and_recorded(running: Running) -> None:
    with running.client() as client:
        raw = client.chat.completions.with_raw_response.create(
            model="fake", messages=[{"role": "user", "content": "写一首诗"}]
        )
        chat = raw.parse()
    text = chat.choices[0].message.content or ""
    assert text.endswith(LABEL_SUFFIX)
    extra = chat.model_extra or {}
    pid = extra["produce_id"]
    assert extra["aigc"]["ProduceID"] == pid
    assert raw.headers["x-produce-id"] == pid
    assert json.loads(raw.headers["x-aigc"]) == extra["aigc"]
    [rec] = running.fakes.recorder.records
    assert rec.produce_id == pid and rec.requester == "alice" and rec.filing_id == "F-1"
    assert rec.content == text.encode() and rec.watermark is not None


def test_chat_stream_ends_with_produce_id(running: Running) -> None:
    with running.client() as client:
        chunks = list(
            client.chat.completions.create(
                model="fake", messages=[{"role": "user", "content": "hi"}], stream=True
            )
        )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text.endswith(LABEL_SUFFIX)
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    pid = (last.model_extra or {})["produce_id"]
    [rec] = running.fakes.recorder.records
    assert rec.produce_id == pid and rec.content == text.encode()


async def test_async_chat_and_stream(running: Running) -> None:
    async with running.aclient() as client:
        chat = await client.chat.completions.create(
            model="fake", messages=[{"role": "user", "content": "hi"}]
        )
        stream = await client.chat.completions.create(
            model="fake", messages=[{"role": "user", "content": "hi"}], stream=True
        )
        parts = [c.choices[0].delta.content or "" async for c in stream if c.choices]
        comp = await client.completions.create(model="fake", prompt="hello")
        models = [m.id async for m in client.models.list()]
    assert models == ["fake", "fake-image", "fake-speech"]
    assert (chat.choices[0].message.content or "").endswith(LABEL_SUFFIX)
    assert "".join(parts).endswith(LABEL_SUFFIX)
    assert comp.choices[0].text.endswith(LABEL_SUFFIX)
    assert len({r.produce_id for r in running.fakes.recorder.records}) == 3


def test_completions_sync_and_stream(running: Running) -> None:
    with running.client() as client:
        comp = client.completions.create(model="fake", prompt="hello")
        parts = [
            c.choices[0].text
            for c in client.completions.create(model="fake", prompt="hi", stream=True)
        ]
    assert comp.object == "text_completion"
    assert (comp.model_extra or {})["produce_id"] == running.fakes.recorder.records[0].produce_id
    assert "".join(parts).endswith(LABEL_SUFFIX)


def test_models_list_shows_servable_state(running: Running) -> None:
    running.fakes.serving.states["F-2"] = "suspended"
    with running.client() as client:
        models = {m.id: m.model_extra or {} for m in client.models.list()}
    assert models["fake"]["servable"] is True
    assert models["fake-image"]["servable"] is False
    assert "suspended" in models["fake-image"]["reason"]


def test_image_generation_b64(running: Running) -> None:
    with running.client() as client:
        img = client.images.generate(model="fake-image", prompt="a cat", size="64x64")
    assert img.data
    item = img.data[0]
    png = base64.b64decode(item.b64_json or "")
    assert png.startswith(b"\x89PNG")
    [rec] = running.fakes.recorder.records
    assert rec.media_type == "image" and rec.produce_id == (item.model_extra or {})["produce_id"]
    assert rec.watermark is not None and rec.content == png


async def test_async_image_generation(running: Running) -> None:
    async with running.aclient() as client:
        img = await client.images.generate(model="fake-image", prompt="a dog", size="64x64", n=2)
    assert img.data and len(img.data) == 2
    assert len(running.fakes.recorder.records) == 2


def test_speech_is_recorded_with_its_request_id(running: Running) -> None:
    with running.client() as client:
        raw = client.audio.speech.with_raw_response.create(
            model="fake-speech", voice="nova", input="你好", response_format="wav"
        )
        with pytest.raises(openai.BadRequestError, match="generates text, not speech"):
            client.audio.speech.create(model="fake", voice="nova", input="hi")
    samples, rate = sf.read(io.BytesIO(raw.content))
    assert rate == 16000 and len(samples) == 16000 + 1600  # the fake audio prompt, then speech
    [rec] = running.fakes.recorder.records
    assert rec.media_type == "audio" and rec.filename == "speech.wav"
    assert rec.produce_id == raw.headers["x-produce-id"] and rec.content == raw.content
    assert rec.extra["request_id"] == raw.headers["x-request-id"]
    assert rec.watermark is not None and rec.watermark["scheme"] == "fake-audio"


async def test_async_speech_mp3(running: Running) -> None:
    async with running.aclient() as client:
        resp = await client.audio.speech.create(
            model="fake-speech", voice="alloy", input="hello", response_format="mp3"
        )
    data = resp.read()
    assert data[:3] == b"ID3" or data[:2] == b"\xff\xfb"
    assert [r.media_type for r in running.fakes.recorder.records] == ["audio"]


def test_missing_or_wrong_key_is_401(running: Running) -> None:
    with openai.OpenAI(base_url=f"{running.url}/v1", api_key="glk_wrong", max_retries=0) as client:
        with pytest.raises(openai.AuthenticationError, match="invalid or revoked"):
            client.models.list()
    r = httpx.get(f"{running.url}/v1/models")
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_api_key"


def test_unknown_model_is_404(running: Running) -> None:
    with running.client() as client, pytest.raises(openai.NotFoundError, match="not served here"):
        client.chat.completions.create(model="nope", messages=[{"role": "user", "content": "hi"}])


def test_invalid_body_is_openai_error(running: Running) -> None:
    r = httpx.post(
        f"{running.url}/v1/chat/completions",
        json={"model": "fake", "messages": []},
        headers={"Authorization": f"Bearer {running.token}"},
    )
    assert r.status_code == 400 and r.json()["error"]["param"] == "messages"
