"""Token sampling shared by the local adapters (demo, HF) and generation-time watermarking.

The loop asks a :class:`~govloop.models.LogitsModel` for next-token logits, lets an optional
:data:`~govloop.models.LogitsProcessor` adjust them (a watermark), and samples with a seeded
NumPy generator, so the same seed gives the same text on every machine.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from govloop.models._protocol import (
    Generation,
    GenerationRequest,
    LogitsModel,
    LogitsProcessor,
    Tokenizer,
)


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Probabilities from logits at ``temperature`` (> 0); ``-inf`` logits get probability 0."""
    z = np.asarray(logits, dtype=np.float64) / temperature
    z = z - np.max(z)
    e = np.exp(z)
    return e / e.sum()  # type: ignore[no-any-return]


def entropy(logits: np.ndarray, temperature: float = 1.0) -> float:
    """Shannon entropy in nats of the distribution the logits define."""
    p = softmax(logits, temperature)
    nz = p[p > 0]
    return float(-(nz * np.log(nz)).sum())


def sample_token(logits: np.ndarray, *, temperature: float, rng: np.random.Generator) -> int:
    """Sample one token id; ``temperature <= 0`` means greedy."""
    if temperature <= 0:
        return int(np.argmax(logits))
    p = softmax(logits, temperature)
    return int(rng.choice(p.shape[0], p=p))


@dataclass
class SamplingRun:
    """One generation: settings in, token ids and finish reason out."""

    prompt_ids: list[int]
    """Token ids of the prompt (the context of the first generated token)."""
    max_tokens: int = 256
    """Upper bound on generated tokens."""
    temperature: float = 1.0
    """Sampling temperature; 0 is greedy."""
    seed: int | None = None
    """Seed of the NumPy generator; None draws fresh entropy."""
    processor: LogitsProcessor | None = None
    """Adjusts each step's logits (for example a watermark)."""
    eos_id: int | None = None
    """Token that ends the answer (not included in the output)."""
    ids: list[int] = field(default_factory=list)
    """Generated token ids."""
    finish_reason: str = "length"
    """``stop`` when the EOS token ended the answer, else ``length``."""

    def tokens(self, model: LogitsModel) -> Iterator[int]:
        """Generate, yielding each token id as it is chosen."""
        rng = np.random.default_rng(self.seed)
        context = list(self.prompt_ids)
        for _ in range(self.max_tokens):
            logits = model.next_logits(context)
            if self.processor is not None:
                logits = self.processor(context, logits)
            token = sample_token(logits, temperature=self.temperature, rng=rng)
            if self.eos_id is not None and token == self.eos_id:
                self.finish_reason = "stop"
                return
            context.append(token)
            self.ids.append(token)
            yield token


def cut_at_stop(text: str, stop: Sequence[str]) -> tuple[str, bool]:
    """``text`` up to the first stop string, and whether one was found."""
    cut = min((i for i in (text.find(s) for s in stop if s) if i >= 0), default=-1)
    return (text[:cut], True) if cut >= 0 else (text, False)


def returned_tokens(ids: Sequence[int], text: str, decode: Callable[[Sequence[int]], str]) -> int:
    """How many of the generated ``ids`` it took to produce ``text`` (the answer after a stop cut).

    Usage is what clients are billed on: tokens sampled past a stop string were never returned,
    so they are not counted. The count is the shortest prefix of ``ids`` whose decoding covers
    ``text`` (a token cut in the middle by the stop string counts, as it was generated).
    """
    if len(decode(ids)) <= len(text):
        return len(ids)
    lo, hi = 0, len(ids)
    while lo < hi:
        mid = (lo + hi) // 2
        if len(decode(ids[:mid])) >= len(text):
            hi = mid
        else:
            lo = mid + 1
    return lo


class LocalTextModel:
    """Base of adapters that sample locally from :meth:`next_logits` (demo, HF).

    Subclasses provide ``name``, ``tokenizer``, ``next_logits`` and ``encode_prompt``; this class
    turns them into the :class:`~govloop.models.TextModel` methods. ``offload`` runs the loop in
    a worker thread (for heavy models) instead of on the event loop.
    """

    eos_id: int | None = None
    offload: bool = False

    @property
    def name(self) -> str:
        """Model name."""
        raise NotImplementedError

    @property
    def tokenizer(self) -> Tokenizer:
        """The model's tokenizer."""
        raise NotImplementedError

    def next_logits(self, context: Sequence[int]) -> np.ndarray:
        """Logits of the token after ``context``."""
        raise NotImplementedError

    def encode_prompt(self, request: GenerationRequest) -> list[int]:
        """Token ids of the prompt, the context of the first generated token."""
        return self.tokenizer.encode(request.prompt_text)

    def run(
        self, request: GenerationRequest, processor: LogitsProcessor | None = None
    ) -> SamplingRun:
        """A sampling run for ``request`` (``processor`` may watermark it)."""
        return SamplingRun(
            prompt_ids=self.encode_prompt(request),
            max_tokens=request.max_tokens,
            temperature=request.temperature,
            seed=request.seed,
            processor=processor,
            eos_id=self.eos_id,
        )

    def text_of(self, ids: Sequence[int]) -> str:
        """The answer text of generated ids."""
        return self.tokenizer.decode(ids).lstrip()

    def finish(self, request: GenerationRequest, run: SamplingRun, **fields: Any) -> Generation:
        """The :class:`Generation` for a finished run (stop strings applied)."""
        text, stopped = cut_at_stop(self.text_of(run.ids), request.stop)
        return Generation(
            text=text,
            model=self.name,
            finish_reason="stop" if stopped else run.finish_reason,
            prompt_tokens=len(run.prompt_ids),
            completion_tokens=returned_tokens(run.ids, text, self.text_of),
            **fields,
        )

    def generate_sync(
        self, request: GenerationRequest, processor: LogitsProcessor | None = None, **fields: Any
    ) -> Generation:
        """Generate a full answer, blocking."""
        run = self.run(request, processor)
        for _ in run.tokens(self):
            pass
        return self.finish(request, run, **fields)

    async def generate(self, request: GenerationRequest) -> Generation:
        """Generate a full answer."""
        if self.offload:
            return await asyncio.to_thread(self.generate_sync, request)
        return self.generate_sync(request)

    async def stream(self, request: GenerationRequest) -> AsyncIterator[str]:
        """Generate an answer as text deltas (a stop string ends the stream)."""
        run = self.run(request)
        sent = ""
        for _ in run.tokens(self):
            text, stopped = cut_at_stop(self.text_of(run.ids), request.stop)
            if text.startswith(sent) and len(text) > len(sent):
                yield text[len(sent) :]
                sent = text
            if stopped:
                return
            if self.offload:
                await asyncio.sleep(0)
