"""Fakes for the gateway's ports and backends: the HTTP layer is tested against these."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image

from govloop.gateway import FilterVerdict, GatewayPorts, OutputRecord
from govloop.models import Generation, GenerationRequest, LogitsModel, Speech
from govloop.registry import FilingState, Servability

LABEL_PREFIX = ""
LABEL_SUFFIX = "\n[AI生成 / AI-generated]"


@dataclass
class FakeServing:
    states: dict[str, str] = field(default_factory=dict)
    calls: int = 0

    def is_servable(self, filing: str) -> Servability:
        self.calls += 1
        state = FilingState(self.states.get(filing, "approved"))
        ok = state == FilingState.APPROVED
        return Servability(ok, state, "" if ok else f"filing is {state}")


@dataclass
class FakeFilter:
    terms: dict[str, str] = field(
        default_factory=lambda: {"炸弹": "A.1.1", "forbiddenword": "A.1.5"}
    )

    @property
    def holdback(self) -> int:
        return max(len(t) for t in self.terms) - 1

    def check(self, text: str) -> FilterVerdict:
        hits = [(t, r) for t, r in self.terms.items() if t in text.lower()]
        if not hits:
            return FilterVerdict.clean()
        return FilterVerdict(True, tuple(r for _, r in hits), tuple(t for t, _ in hits))


class FakeLabeler:
    def __init__(self) -> None:
        self.languages: list[str | None] = []
        """The label language asked for with each explicit label (None: configured)."""

    def text_affixes(self, language: str | None = None) -> tuple[str, str]:
        self.languages.append(language)
        return LABEL_PREFIX, LABEL_SUFFIX

    def explicit_image(self, image: Image.Image, language: str | None = None) -> Image.Image:
        self.languages.append(language)
        out = image.copy()
        out.putpixel((0, 0), (255, 0, 0))
        return out

    def explicit_audio(
        self, samples: np.ndarray, rate: int, language: str | None = None
    ) -> np.ndarray:
        self.languages.append(language)
        return np.concatenate([np.full(rate // 10, 0.5, dtype=np.float32), samples])

    def content_digest(
        self, content: bytes, *, filename: str, media_type: str | None = None
    ) -> bytes:
        del filename, media_type
        return hashlib.sha256(content).digest()

    def implicit(
        self, content: bytes, *, produce_id: str, filename: str, digest: bytes | None = None
    ) -> dict[str, str]:
        del filename, digest
        return {
            "Label": "1",
            "ContentProducer": "001191440300708461136T1GOVL",
            "ProduceID": produce_id,
            "ReservedCode1": hashlib.sha256(content).hexdigest()[:16],
            "ContentPropagator": "",
            "PropagateID": "",
            "ReservedCode2": "",
        }

    def embed_implicit(self, data: bytes, label: dict[str, str], *, filename: str) -> bytes:
        del label, filename
        return data


class FakeWatermarker:
    def text_payload(self, produce_id: str) -> int:
        return int(hashlib.sha256(produce_id.encode()).hexdigest()[:8], 16)

    def image_payload(self, produce_id: str) -> int:
        return self.text_payload(produce_id)

    def audio_payload(self, produce_id: str) -> int:
        return self.text_payload(produce_id)

    def embed_audio(
        self, samples: np.ndarray, rate: int, *, payload: int
    ) -> tuple[np.ndarray, dict[str, Any]]:
        return samples, {"scheme": "fake-audio", "payload": f"{payload:08x}", "bits": 32}

    def describe_text(self, payload: int) -> dict[str, Any]:
        return {"scheme": "fake", "payload": f"{payload:08x}", "bits": 32, "key_id": 1}

    def generate_text(
        self, model: LogitsModel, request: GenerationRequest, *, payload: int
    ) -> Generation:
        raise AssertionError("fake backends do not call the watermarker")

    def embed_image(
        self, image: Image.Image, *, payload: int
    ) -> tuple[Image.Image, dict[str, Any]]:
        return image, {"scheme": "fake-image", "payload": f"{payload:08x}", "bits": 48, "key_id": 1}


@dataclass
class FakeRecorder:
    records: list[OutputRecord] = field(default_factory=list)
    fail: bool = False
    checkpoints: int = 0

    async def append(self, record: OutputRecord) -> str:
        if self.fail:
            raise RuntimeError("ledger is down")
        self.records.append(record)
        return record.content_sha256

    async def checkpoint(self) -> None:
        self.checkpoints += 1

    async def aclose(self) -> None:
        return None


@dataclass
class FakeTextBackend:
    """Answers with ``text`` (the prompt's 'echo:' suffix if present), word by word."""

    text: str = "春天来了，花开了。 Spring is here and the flowers bloom."
    delay: float = 0.0
    watermarked: bool = True

    def _answer(self, request: GenerationRequest) -> Generation:
        """One "token" per space-separated word; max_tokens and stop strings cut as a model's."""
        prompt = request.messages[-1].content
        text = prompt.split("echo:", 1)[1] if "echo:" in prompt else self.text
        words = text.split(" ")
        finish = "stop"
        if len(words) > request.max_tokens:
            words, finish = words[: request.max_tokens], "length"
        text = " ".join(words)
        cuts = [i for i in (text.find(s) for s in request.stop if s) if i >= 0]
        if cuts:
            text, finish = text[: min(cuts)], "stop"
        used = len(text.split(" ")) if text else 0
        return Generation(
            text=text,
            model="fake",
            finish_reason=finish,
            prompt_tokens=len(prompt.split()),
            completion_tokens=used,
        )

    async def complete(self, request: GenerationRequest, *, payload: int) -> Generation:
        del payload
        return self._answer(request)

    async def stream(
        self, request: GenerationRequest, *, payload: int
    ) -> AsyncIterator[str | Generation]:
        del payload
        gen = self._answer(request)
        words = gen.text.split(" ")
        for i, word in enumerate(words):
            if self.delay:
                await asyncio.sleep(self.delay)
            yield word + (" " if i < len(words) - 1 else "")
        yield gen


class FakeImageBackend:
    async def generate(
        self, prompt: str, *, size: tuple[int, int], seed: int | None
    ) -> Image.Image:
        del prompt, seed
        return Image.new("RGB", size, (10, 120, 200))


@dataclass
class FakeSpeechBackend:
    """One second of a 220 Hz tone per request, whatever the text."""

    voices: tuple[str, ...] = ("alloy", "nova")
    calls: list[str] = field(default_factory=list)
    instructions: str = "ignored"

    async def synthesize(
        self, text: str, *, voice: str, speed: float, instructions: str | None = None
    ) -> Speech:
        del voice, speed, instructions
        self.calls.append(text)
        t = np.arange(16000) / 16000
        return Speech((0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), 16000)


@dataclass
class Fakes:
    serving: FakeServing = field(default_factory=FakeServing)
    filter: FakeFilter = field(default_factory=FakeFilter)
    labeler: FakeLabeler = field(default_factory=FakeLabeler)
    watermarker: FakeWatermarker = field(default_factory=FakeWatermarker)
    recorder: FakeRecorder = field(default_factory=FakeRecorder)

    def ports(self) -> GatewayPorts:
        return GatewayPorts(
            serving=self.serving,
            input_filter=self.filter,
            output_filter=self.filter,
            labeler=self.labeler,
            watermarker=self.watermarker,
            recorder=self.recorder,
        )
