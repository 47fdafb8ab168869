"""OpenAI-compatible request bodies and response shapes.

Requests accept (and ignore) the many optional OpenAI fields that have no meaning here
(``top_p``, ``presence_penalty``, ``user``...): clients send them, and refusing them would break
compatibility. The govloop extra is ``govloop_unlabeled`` (or the header
``X-Govloop-Unlabeled: 1``). Responses are plain dicts shaped as OpenAI's, plus ``produce_id``
and ``aigc``.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from govloop.gateway._config import ServedModel
from govloop.gateway._governor import ImageOutcome, TextOutcome
from govloop.gateway._textfields import part_fields, strings_in, tool_call_fields
from govloop.models import ChatMessage, GenerationRequest


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")

    model: str
    """Served model name."""
    govloop_unlabeled: bool = False
    """Ask for delivery without explicit labels (only for keys whose agreement allows it)."""


class MessageIn(BaseModel):
    """One chat message; content may be a string or a list of text parts."""

    model_config = ConfigDict(extra="ignore")

    role: str
    """Message role."""
    content: str | list[dict[str, Any]] | None = None
    """Text, or parts of which the ``text`` ones are used."""
    name: str | None = None
    """Participant name (screened, not given to the model)."""
    refusal: str | None = None
    """An earlier assistant refusal (screened)."""
    tool_calls: list[dict[str, Any]] | None = None
    """Earlier assistant tool calls (their names and arguments are screened)."""
    function_call: dict[str, Any] | None = None
    """The legacy single function call (screened like ``tool_calls``)."""

    def text_fields(self, path: str) -> Iterator[tuple[str, str]]:
        """Every text-bearing field of the message (see :mod:`govloop.gateway._textfields`)."""
        if self.name:
            yield f"{path}.name", self.name
        if isinstance(self.content, list):
            yield from part_fields(self.content, f"{path}.content")
        elif self.content:
            yield f"{path}.content", self.content
        if self.refusal:
            yield f"{path}.refusal", self.refusal
        if self.tool_calls:
            yield from tool_call_fields(self.tool_calls, f"{path}.tool_calls")
        if self.function_call:
            yield from tool_call_fields(self.function_call, f"{path}.function_call")

    def text(self) -> str:
        """The message's text."""
        if isinstance(self.content, list):
            return "".join(str(p.get("text", "")) for p in self.content if p.get("type") == "text")
        return self.content or ""


class StreamOptions(BaseModel):
    """``stream_options`` of a streamed request."""

    model_config = ConfigDict(extra="ignore")

    include_usage: bool = False
    """Send a last chunk with empty ``choices`` and the ``usage`` (the others carry null)."""


def _stop(stop: str | list[str] | None) -> tuple[str, ...]:
    if stop is None:
        return ()
    return (stop,) if isinstance(stop, str) else tuple(stop)


class ChatRequest(_Body):
    """``POST /v1/chat/completions``."""

    messages: list[MessageIn] = Field(min_length=1)
    """The conversation."""
    max_tokens: int | None = Field(default=None, ge=1, le=8192)
    """Token limit (legacy name)."""
    max_completion_tokens: int | None = Field(default=None, ge=1, le=8192)
    """Token limit."""
    temperature: float = Field(default=1.0, ge=0, le=2)
    """Sampling temperature."""
    seed: int | None = None
    """Sampling seed."""
    stop: str | list[str] | None = None
    """Stop strings."""
    stream: bool = False
    """Server-sent events."""
    stream_options: StreamOptions | None = None
    """``include_usage`` for a usage chunk at the end of a stream."""
    n: int = Field(default=1, ge=1, le=1)
    """Only one choice is generated."""
    tools: list[dict[str, Any]] | None = None
    """Tool definitions: not used by the models here, but screened (names, descriptions)."""
    functions: list[dict[str, Any]] | None = None
    """Legacy function definitions: screened like ``tools``."""
    response_format: dict[str, Any] | None = None
    """Accepted; a JSON schema's names and descriptions are screened."""

    def text_fields(self) -> Iterator[tuple[str, str]]:
        """Every text-bearing field: messages, then tool and function definitions."""
        for i, m in enumerate(self.messages):
            yield from m.text_fields(f"messages[{i}]")
        for name in ("tools", "functions", "response_format"):
            value = getattr(self, name)
            if value:
                yield from strings_in(value, name)

    def generation(self) -> GenerationRequest:
        """The model-level request."""
        return GenerationRequest(
            messages=tuple(ChatMessage(m.role, m.text()) for m in self.messages),
            max_tokens=self.max_completion_tokens or self.max_tokens or 256,
            temperature=self.temperature,
            seed=self.seed,
            stop=_stop(self.stop),
        )


class CompletionRequest(_Body):
    """``POST /v1/completions``."""

    prompt: str | list[str]
    """The prompt (a list is joined)."""
    suffix: str | None = None
    """Accepted, not used by the models here; screened."""
    max_tokens: int = Field(default=256, ge=1, le=8192)
    """Token limit."""
    temperature: float = Field(default=1.0, ge=0, le=2)
    """Sampling temperature."""
    seed: int | None = None
    """Sampling seed."""
    stop: str | list[str] | None = None
    """Stop strings."""
    stream: bool = False
    """Server-sent events."""
    stream_options: StreamOptions | None = None
    """``include_usage`` for a usage chunk at the end of a stream."""

    def text_fields(self) -> Iterator[tuple[str, str]]:
        """The prompt (each item of a list) and the suffix."""
        if isinstance(self.prompt, str):
            yield "prompt", self.prompt
        else:
            yield from ((f"prompt[{i}]", p) for i, p in enumerate(self.prompt))
        if self.suffix:
            yield "suffix", self.suffix

    def generation(self) -> GenerationRequest:
        """The model-level request."""
        prompt = self.prompt if isinstance(self.prompt, str) else "".join(self.prompt)
        return GenerationRequest.from_prompt(
            prompt,
            max_tokens=self.max_tokens,
            temperature=self.temperature,
            seed=self.seed,
            stop=_stop(self.stop),
        )


class ImageRequest(_Body):
    """``POST /v1/images/generations``."""

    prompt: str = Field(min_length=1)
    """What to draw."""
    model: str = "demo-image"
    """Served image model."""
    n: int = Field(default=1, ge=1, le=4)
    """Number of images."""
    size: str = Field(default="512x512", pattern=r"^\d{2,4}x\d{2,4}$")
    """``WIDTHxHEIGHT``."""
    response_format: str = Field(default="b64_json", pattern=r"^b64_json$")
    """Only ``b64_json`` (no URLs are hosted)."""
    seed: int | None = None
    """Generation seed."""

    def text_fields(self) -> Iterator[tuple[str, str]]:
        """The prompt."""
        yield "prompt", self.prompt

    def dimensions(self) -> tuple[int, int]:
        """(width, height), each 256 to 2048 (the image watermark needs 256 pixels a side)."""
        w, h = (int(v) for v in self.size.split("x"))
        return max(256, min(w, 2048)), max(256, min(h, 2048))


def system_fingerprint(model: ServedModel) -> str:
    """OpenAI's ``system_fingerprint``: changes whenever what answers a seeded request changes.

    A digest of the served model's backend, version and watermark setting and of govloop's
    version: the same seed gives the same answer only under the same fingerprint (and, for a
    watermarked model, never exactly, since each answer's watermark carries its ProduceID).
    """
    return _fingerprint_of(model.backend, model.version, model.watermark)


@functools.lru_cache(maxsize=256)
def _fingerprint_of(backend: str, version: str | None, watermark: bool) -> str:
    """Memoised per served configuration (a gateway serves a few; 1.8 us -> 0.4 us a call)."""
    from govloop import __version__

    spec = f"{backend}|{version or ''}|{watermark}|{__version__}"
    return "fp_" + hashlib.sha256(spec.encode("utf-8")).hexdigest()[:10]


def chat_body(model: str, out: TextOutcome, fingerprint: str | None = None) -> dict[str, Any]:
    """A ``chat.completion`` object."""
    return {
        "id": f"chatcmpl-{out.produce_id}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "system_fingerprint": fingerprint,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": out.text},
                "finish_reason": out.finish_reason,
                "logprobs": None,
            }
        ],
        "usage": _usage(out),
        "produce_id": out.produce_id,
        "aigc": out.aigc,
    }


def completion_body(model: str, out: TextOutcome, fingerprint: str | None = None) -> dict[str, Any]:
    """A ``text_completion`` object."""
    return {
        "id": f"cmpl-{out.produce_id}",
        "object": "text_completion",
        "created": int(time.time()),
        "model": model,
        "system_fingerprint": fingerprint,
        "choices": [
            {"index": 0, "text": out.text, "finish_reason": out.finish_reason, "logprobs": None}
        ],
        "usage": _usage(out),
        "produce_id": out.produce_id,
        "aigc": out.aigc,
    }


def _usage(out: TextOutcome) -> dict[str, int]:
    return usage_of(out.prompt_tokens, out.completion_tokens)


def usage_of(prompt_tokens: int, completion_tokens: int) -> dict[str, int]:
    """OpenAI's ``usage``: generated tokens actually returned, prompt tokens, their sum."""
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def chunk_body(
    model: str,
    produce_id: str,
    *,
    chat: bool,
    text: str | None,
    finish: str | None,
    created: int,
    first: bool = False,
    fingerprint: str | None = None,
) -> dict[str, Any]:
    """One streamed chunk (``chat.completion.chunk`` or ``text_completion``)."""
    if chat:
        delta: dict[str, Any] = {}
        if first:
            delta["role"] = "assistant"
        if text is not None:
            delta["content"] = text
        choice: dict[str, Any] = {
            "index": 0,
            "delta": delta,
            "finish_reason": finish,
            "logprobs": None,
        }
        return {
            "id": f"chatcmpl-{produce_id}",
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "system_fingerprint": fingerprint,
            "choices": [choice],
        }
    return {
        "id": f"cmpl-{produce_id}",
        "object": "text_completion",
        "created": created,
        "model": model,
        "system_fingerprint": fingerprint,
        "choices": [{"index": 0, "text": text or "", "finish_reason": finish, "logprobs": None}],
    }


def images_body(outs: list[ImageOutcome], b64: list[str]) -> dict[str, Any]:
    """An images response: ``data`` items with ``b64_json``, ``produce_id`` and ``aigc``."""
    return {
        "created": int(time.time()),
        "data": [
            {"b64_json": b, "revised_prompt": None, "produce_id": o.produce_id, "aigc": o.aigc}
            for o, b in zip(outs, b64, strict=True)
        ],
        "produce_id": outs[0].produce_id,
        "aigc": outs[0].aigc,
    }


class SpeechRequest(_Body):
    """``POST /v1/audio/speech``."""

    input: str = Field(min_length=1, max_length=4096)
    """What to say (OpenAI's limit: 4096 characters)."""
    model: str = "demo-speech"
    """Served speech model."""
    voice: str = Field(min_length=1, max_length=64)
    """A voice the model has (OpenAI's names: ``alloy``, ``echo``, ...)."""
    response_format: Literal["wav", "mp3", "opus", "aac", "flac", "pcm"] = "mp3"
    """Audio container (``pcm``: headerless 24 kHz s16le mono, so no label in the file)."""
    instructions: str | None = Field(default=None, max_length=4096)
    """Voice directions: screened and recorded; espeak-ng cannot act on them (upstreams can)."""
    stream_format: Literal["audio", "sse"] = "audio"
    """``sse``: the recorded file as ``speech.audio.delta`` events, then ``speech.audio.done``."""
    speed: float = Field(default=1.0, ge=0.25, le=4.0)
    """Pace, 1.0 normal."""
