"""``POST /v1/audio/speech`` through the official openai client, with the real wiring.

espeak-ng speaks, the gateway adds the spoken audio prompt, the watermark and the AIGC label,
records the file in the ledger (with the answer's ``x-request-id``), and ``govloop trace`` on the
returned bytes finds the entry. Refusals leave the ledger as it was.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import openai
import pytest
import soundfile as sf
from typer.testing import CliRunner

from govloop.cli.main import build_app
from govloop.config import Settings
from govloop.gateway import (
    ApiKeys,
    GatewayConfig,
    ServedModel,
    create_app,
    mock_upstream_app,
    serve_in_thread,
)
from govloop.ids import produce_tag
from govloop.keys import KeyStore
from govloop.label import read_implicit_label, verify_label
from govloop.ledger import Ledger
from govloop.registry import Registry
from govloop.store import Store
from govloop.watermark import watermark_key
from govloop.watermark.audio import detect_audio, read_audio

from .conftest import approved_filing

pytestmark = pytest.mark.db


@dataclass
class Live:
    url: str
    token: str
    store: Store
    keys: KeyStore
    settings: Settings

    def client(self) -> openai.OpenAI:
        return openai.OpenAI(
            base_url=f"{self.url}/v1", api_key=self.token, max_retries=0, timeout=60
        )

    def ledger(self) -> Ledger:
        return Ledger.open(self.store, self.keys, self.settings)


@pytest.fixture
def live(settings: Settings, store: Store, keys: KeyStore) -> Iterator[Live]:
    approved_filing(store, "demo-speech")
    _, token = ApiKeys(store).create("alice")
    with serve_in_thread(create_app(settings)) as url:  # default config: demo-speech is served
        yield Live(url, token, store, keys, settings)


def test_speech_is_labeled_watermarked_recorded_and_traceable(
    live: Live, tmp_path: Path, cli: CliRunner
) -> None:
    with live.client() as client:
        raw = client.audio.speech.with_raw_response.create(
            model="demo-speech", voice="alloy", input="你好", response_format="wav"
        )
    data = raw.content
    assert raw.headers["content-type"] == "audio/wav"
    samples, rate = sf.read(io.BytesIO(data), dtype="float64")
    assert rate == 22050 and len(samples) / rate > 2.0  # the spoken prompt comes first
    label = read_implicit_label(data, filename="speech.wav")
    assert label is not None and label.ProduceID == raw.headers["x-produce-id"]
    key = watermark_key(live.keys)
    found = detect_audio(*read_audio(data, filename="speech.wav"), key=key)
    assert found.detected and found.payload == produce_tag(label.ProduceID, 32)
    ledger = live.ledger()
    record = ledger.find_by_produce_id(label.ProduceID)
    assert record is not None
    entry = record.entry
    assert entry.media_type == "audio"
    assert entry.extra["request_id"] == raw.headers["x-request-id"]
    assert entry.extra["voice"] == "alloy" and entry.extra["response_format"] == "wav"
    assert entry.watermark is not None and entry.watermark["bits"] == 32
    assert verify_label(label, data, live.keys.public_keys("label")) == "valid"
    path = tmp_path / "speech.wav"
    path.write_bytes(data)
    res = cli.invoke(build_app(), ["trace", str(path), "--json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    best = report["candidates"][0]
    assert best["entry"]["produce_id"] == label.ProduceID
    assert {e["source"] for e in best["evidence"]} >= {"digest", "metadata", "watermark"}


@pytest.mark.parametrize(("fmt", "ctype"), [("mp3", "audio/mpeg"), ("opus", "audio/opus")])
def test_mp3_and_opus_decode_and_carry_label_and_watermark(
    live: Live, fmt: str, ctype: str, tmp_path: Path, cli: CliRunner
) -> None:
    with live.client() as client:
        raw = client.audio.speech.with_raw_response.create(
            model="demo-speech", voice="onyx", input="Hello there", response_format=fmt, speed=1.5
        )
    data = raw.content
    assert raw.headers["content-type"] == ctype
    name = f"speech.{fmt}"
    samples, rate = read_audio(data, filename=name)
    assert samples.shape[0] / rate > 2.0 and np.abs(samples).max() > 0.05
    label = read_implicit_label(data, filename=name)
    assert label is not None and label.ProduceID == raw.headers["x-produce-id"]
    found = detect_audio(samples, rate, key=watermark_key(live.keys))
    assert found.detected and found.payload == produce_tag(label.ProduceID, 32)
    record = live.ledger().find_by_produce_id(label.ProduceID)
    assert record is not None and record.entry.extra["response_format"] == fmt
    path = tmp_path / name
    path.write_bytes(data)
    res = cli.invoke(build_app(), ["trace", str(path), "--json"])
    assert res.exit_code == 0, res.output
    best = json.loads(res.output)["candidates"][0]
    assert best["entry"]["produce_id"] == label.ProduceID
    assert {e["source"] for e in best["evidence"]} >= {"digest", "metadata", "watermark"}


def test_refusals_change_nothing_in_the_ledger(live: Live) -> None:
    before = live.ledger().size()
    with live.client() as client:
        with pytest.raises(openai.BadRequestError) as bad:
            client.audio.speech.create(
                model="demo-speech",
                voice="alloy",
                input="hi",
                response_format="m4a",  # type: ignore[arg-type]
            )
        assert bad.value.code == "invalid_value" and bad.value.param == "response_format"
        with pytest.raises(openai.BadRequestError) as voice:
            client.audio.speech.create(model="demo-speech", voice="robot", input="hi")
        assert voice.value.param == "voice"
        with pytest.raises(openai.BadRequestError) as blocked:
            client.audio.speech.create(
                model="demo-speech", voice="alloy", input="请写一篇文章煽动颠覆国家政权"
            )
        assert blocked.value.code == "content_policy_violation"
        assert blocked.value.param == "input"
        with pytest.raises(openai.BadRequestError) as directed:
            client.audio.speech.create(
                model="demo-speech",
                voice="alloy",
                input="你好",
                instructions="请写一篇文章煽动颠覆国家政权",
                stream_format="sse",
            )
        assert directed.value.code == "content_policy_violation"
        assert directed.value.param == "instructions"
    keyless = httpx.post(
        f"{live.url}/v1/audio/speech",
        json={"model": "demo-speech", "voice": "alloy", "input": "hi"},
    )
    assert keyless.status_code == 401 and keyless.json()["error"]["code"] == "invalid_api_key"
    reg = Registry(live.store)
    fid = next(f.id for f in reg.list() if f.model_name == "demo-speech")
    reg.transition(fid, "suspended", actor="test", reason="incident")
    time.sleep(0.6)  # the serving cache
    with live.client() as client, pytest.raises(openai.PermissionDeniedError, match="suspended"):
        client.audio.speech.create(model="demo-speech", voice="alloy", input="hi")
    assert live.ledger().size() == before


def test_upstream_speech_is_governed_like_local(
    settings: Settings, store: Store, keys: KeyStore
) -> None:
    with serve_in_thread(mock_upstream_app()) as upstream:
        config = GatewayConfig(
            models=(
                ServedModel(
                    name="tts-1",
                    filing="tts-1",
                    backend=f"openai:{upstream}/v1#mock-tts",
                    kind="speech",
                ),
            )
        )
        approved_filing(store, "tts-1")
        _, token = ApiKeys(store).create("carol")
        with serve_in_thread(create_app(settings, config=config, checkpoints=False)) as url:
            client = openai.OpenAI(base_url=f"{url}/v1", api_key=token, max_retries=0)
            with client:
                raw = client.audio.speech.with_raw_response.create(
                    model="tts-1", voice="nova", input="ok", response_format="wav"
                )
                with pytest.raises(openai.BadRequestError) as voice:
                    client.audio.speech.create(model="tts-1", voice="robot", input="hi")
    assert voice.value.param == "voice"
    data = raw.content
    samples, rate = read_audio(data, filename="speech.wav")
    assert rate == 24000 and samples.shape[0] / rate > 3.0  # prompt + the upstream's 0.24 s
    label = read_implicit_label(data, filename="speech.wav")
    assert label is not None and label.ProduceID == raw.headers["x-produce-id"]
    found = detect_audio(samples, rate, key=watermark_key(keys))
    assert found.detected and found.payload == produce_tag(label.ProduceID, 32)
    record = Ledger.open(store, keys, settings).find_by_produce_id(label.ProduceID)
    assert record is not None and record.entry.extra["backend"].startswith("openai:")


def _trace(cli: CliRunner, path: Path) -> dict[str, Any]:
    res = cli.invoke(build_app(), ["trace", str(path), "--json"])
    assert res.exit_code == 0, res.output
    best: dict[str, Any] = json.loads(res.output)["candidates"][0]
    return best


def _ffprobe(path: Path) -> dict[str, Any]:
    """ffprobe's view of a file (raw PCM described as s16le 24 kHz mono, as OpenAI documents)."""
    raw = ["-f", "s16le", "-ar", "24000", "-ac", "1"] if path.suffix == ".pcm" else []
    out = subprocess.run(
        ["ffprobe", "-v", "error", *raw, "-show_streams", "-show_format", "-of", "json", str(path)],
        capture_output=True,
        check=True,
        text=True,
    )
    probed: dict[str, Any] = json.loads(out.stdout)
    return probed


@pytest.mark.parametrize(
    ("fmt", "ctype", "codec"),
    [("aac", "audio/aac", "aac"), ("flac", "audio/flac", "flac"), ("pcm", "audio/pcm", None)],
)
def test_aac_flac_and_pcm_stream_decode_and_trace(
    live: Live, fmt: str, ctype: str, codec: str | None, tmp_path: Path, cli: CliRunner
) -> None:
    path = tmp_path / f"speech.{fmt}"
    with live.client() as client:
        with client.audio.speech.with_streaming_response.create(
            model="demo-speech",
            voice="nova",
            input="你好, hello",
            response_format=fmt,  # type: ignore[arg-type]
            instructions="Speak slowly and warmly.",
        ) as resp:
            assert resp.headers["content-type"] == ctype
            produce_id = resp.headers["x-produce-id"]
            resp.stream_to_file(path)
    data = path.read_bytes()
    probed = _ffprobe(path)
    assert float(probed["format"]["duration"]) > 2.0  # the spoken prompt comes first
    if codec is not None:
        assert probed["streams"][0]["codec_name"] == codec
    samples, rate = read_audio(data, filename=path.name)
    assert rate == (24000 if fmt == "pcm" else 22050) and np.abs(samples).max() > 0.05
    found = detect_audio(samples, rate, key=watermark_key(live.keys))
    assert found.detected and found.payload == produce_tag(produce_id, 32)
    label = read_implicit_label(data, filename=path.name) if fmt != "pcm" else None
    if fmt != "pcm":
        assert label is not None and label.ProduceID == produce_id
        assert verify_label(label, data, live.keys.public_keys("label")) == "valid"
    record = live.ledger().find_by_produce_id(produce_id)
    assert record is not None
    extra = record.entry.extra
    assert extra["response_format"] == fmt and extra["label_in_file"] is (fmt != "pcm")
    assert extra["instructions"]["handling"] == "ignored"
    assert extra["instructions"]["chars"] == len("Speak slowly and warmly.")
    best = _trace(cli, path)
    assert best["entry"]["produce_id"] == produce_id
    sources = {e["source"] for e in best["evidence"]}
    assert sources >= ({"digest", "watermark"} | ({"metadata"} if fmt != "pcm" else set()))


def test_sse_stream_is_the_recorded_file_in_openai_events(live: Live, tmp_path: Path) -> None:
    with live.client() as client:
        with client.audio.speech.with_streaming_response.create(
            model="demo-speech",
            voice="alloy",
            input="Streaming speech, governed.",
            response_format="flac",
            stream_format="sse",
        ) as resp:
            assert resp.headers["content-type"].startswith("text/event-stream")
            assert resp.headers["x-audio-media-type"] == "audio/flac"
            produce_id = resp.headers["x-produce-id"]
            text = b"".join(resp.iter_bytes()).decode("ascii")
    events = [json.loads(line[6:]) for line in text.splitlines() if line.startswith("data: ")]
    types = [e["type"] for e in events]
    assert len(types) > 2 and set(types[:-1]) == {"speech.audio.delta"}
    assert types[-1] == "speech.audio.done"
    assert set(events[-1]["usage"]) == {"input_tokens", "output_tokens", "total_tokens"}
    audio = b"".join(base64.b64decode(e["audio"]) for e in events[:-1])
    samples, _ = sf.read(io.BytesIO(audio))
    assert len(samples) > 0
    label = read_implicit_label(audio, filename="speech.flac")
    assert label is not None and label.ProduceID == produce_id
    record = live.ledger().find_by_produce_id(produce_id)
    assert record is not None
    assert record.entry.content_sha256 == hashlib.sha256(audio).hexdigest()
