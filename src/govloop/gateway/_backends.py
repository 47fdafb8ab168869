"""Backends: where a served model's output comes from.

* local text (``demo``, ``hf:/path``): a :class:`~govloop.models.LogitsModel` sampled with the
  provider's watermark (payload = ``produce_tag(produce_id)``); streams are cut from the finished,
  watermarked generation;
* upstream text (``openai:URL#model``): any OpenAI-compatible server through one pooled
  ``aiohttp.ClientSession`` per worker, with timeouts and retries; upstream text cannot be
  watermarked, so only labels and the ledger apply to it;
* local images (``demo-image``): generated, then labeled and watermarked by the gateway;
* speech (``espeak``, or ``openai:URL#model`` with ``kind: speech``): samples from the local
  model or decoded from the upstream's WAV, then labeled, watermarked and encoded by the gateway.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import os
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import aiohttp
import orjson

from govloop.errors import ModelError
from govloop.gateway._config import ServedModel, UpstreamPolicy
from govloop.gateway._http1 import Http1Pool, HttpError
from govloop.gateway._ports import Watermarker
from govloop.models import Generation, GenerationRequest, LogitsModel, Speech, TextModel

if TYPE_CHECKING:
    from PIL import Image

    from govloop.models import ImageModel, SpeechModel

OPENAI_VOICES = (
    "alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse",
)  # fmt: skip
"""The voice names OpenAI's ``audio.speech`` takes (what an upstream is sent)."""

_CHUNK = re.compile(r"\S+\s*|\s+")


class TextBackend(Protocol):
    """A text generator as the gateway uses it."""

    @property
    def watermarked(self) -> bool:
        """True when outputs carry a generation-time watermark."""
        ...

    async def complete(self, request: GenerationRequest, *, payload: int) -> Generation:
        """A full answer (``payload`` is the watermark payload, when watermarked)."""
        ...

    def stream(
        self, request: GenerationRequest, *, payload: int
    ) -> AsyncIterator[str | Generation]:
        """The answer as text deltas, optionally ending with the finished :class:`Generation`.

        The final ``Generation`` (its text is not sent again) tells the finish reason and the
        token counts; a backend that yields none is taken to have stopped naturally.
        """
        ...


class ImageBackend(Protocol):
    """An image generator as the gateway uses it."""

    async def generate(
        self, prompt: str, *, size: tuple[int, int], seed: int | None
    ) -> Image.Image:
        """One RGB image."""
        ...


@dataclass
class LocalTextBackend:
    """A local model; watermarked at sampling time when it exposes logits."""

    opener: Callable[[], TextModel]
    """Opens the model (lazily, on first use)."""
    watermarker: Watermarker | None
    """None to serve unwatermarked."""
    _model: TextModel | None = field(default=None, init=False)

    def _get(self) -> TextModel:
        if self._model is None:
            self._model = self.opener()
        return self._model

    @property
    def watermarked(self) -> bool:
        """True when a watermarker is set."""
        return self.watermarker is not None

    async def complete(self, request: GenerationRequest, *, payload: int) -> Generation:
        """Generate in a worker thread (sampling is CPU-bound)."""
        model = await asyncio.to_thread(self._get)
        if self.watermarker is not None:
            if not isinstance(model, LogitsModel):
                raise ModelError(
                    f"model {model.name!r} exposes no logits and cannot be watermarked"
                )
            wm = self.watermarker
            return await asyncio.to_thread(wm.generate_text, model, request, payload=payload)
        return await model.generate(request)

    async def stream(
        self, request: GenerationRequest, *, payload: int
    ) -> AsyncIterator[str | Generation]:
        """Deltas cut at word boundaries from the finished generation, then the generation."""
        gen = await self.complete(request, payload=payload)
        for piece in _CHUNK.findall(gen.text):
            yield piece
        yield gen


@dataclass
class LocalImageBackend:
    """A local image model (the demo one ships)."""

    opener: Callable[[], ImageModel]
    """Opens the model on first use."""
    _model: ImageModel | None = field(default=None, init=False)

    async def generate(
        self, prompt: str, *, size: tuple[int, int], seed: int | None
    ) -> Image.Image:
        """Generate in a worker thread."""
        if self._model is None:
            self._model = self.opener()
        model = self._model
        return await asyncio.to_thread(model.generate_image, prompt, size=size, seed=seed)


class SpeechBackend(Protocol):
    """A speech generator as the gateway uses it."""

    @property
    def voices(self) -> tuple[str, ...]:
        """Voice names it accepts."""
        ...

    @property
    def instructions(self) -> str:
        """What it does with ``instructions``: ``ignored`` (cannot act on them) or ``forwarded``."""
        ...

    async def synthesize(
        self, text: str, *, voice: str, speed: float, instructions: str | None = None
    ) -> Speech:
        """Mono speech for ``text``."""
        ...


@dataclass
class LocalSpeechBackend:
    """A local speech model (``espeak`` ships)."""

    opener: Callable[[], SpeechModel]
    """Opens the model on first use."""
    _model: SpeechModel | None = field(default=None, init=False)

    def _get(self) -> SpeechModel:
        if self._model is None:
            self._model = self.opener()
        return self._model

    @property
    def voices(self) -> tuple[str, ...]:
        """The model's voices."""
        return self._get().voices

    @property
    def instructions(self) -> str:
        """A local model (espeak-ng) has no way to act on voice directions."""
        return "ignored"

    async def synthesize(
        self, text: str, *, voice: str, speed: float, instructions: str | None = None
    ) -> Speech:
        """Synthesise in a worker thread (``instructions`` cannot be acted on: see above)."""
        del instructions
        model = self._get()
        return await asyncio.to_thread(model.synthesize, text, voice=voice, speed=speed)


def _retryable(status: int) -> bool:
    return status >= 500 or status == 429


class UpstreamTransportError(Exception):
    """The upstream could not be reached or broke the connection (retryable)."""


@dataclass
class UpstreamBackend:
    """An OpenAI-compatible upstream (no watermark: labels and ledger only)."""

    base_url: str
    """Base URL ending in ``/v1``."""
    model: str
    """Model name upstream."""
    clients: UpstreamClients
    """The worker's pooled client."""
    policy: UpstreamPolicy
    """Timeouts and retries."""
    _headers_cache: dict[str, str] | None = field(default=None, init=False, repr=False)

    @property
    def watermarked(self) -> bool:
        """Upstream text is never watermarked by the gateway."""
        return False

    def _body(self, request: GenerationRequest, *, stream: bool) -> bytes:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": m.role, "content": m.content} for m in request.messages],
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "stream": stream,
        }
        if request.seed is not None:
            body["seed"] = request.seed
        if request.stop:
            body["stop"] = list(request.stop)
        if stream:
            body["stream_options"] = {"include_usage": True}
        return orjson.dumps(body)

    def _headers(self) -> dict[str, str]:
        """Request headers, built once (``$GOVLOOP_UPSTREAM_API_KEY`` is read on first use)."""
        if self._headers_cache is None:
            token = self.policy.api_key or os.environ.get("GOVLOOP_UPSTREAM_API_KEY")
            headers = {"Content-Type": "application/json"}
            if token:
                headers["Authorization"] = f"Bearer {token}"
            self._headers_cache = headers
        return self._headers_cache

    async def complete(self, request: GenerationRequest, *, payload: int) -> Generation:
        """POST ``/chat/completions``, retrying connection errors, 429 and 5xx."""
        del payload
        url = f"{self.base_url}/chat/completions"
        body, headers = self._body(request, stream=False), self._headers()
        last = ""
        for attempt in range(self.policy.retries + 1):
            try:
                status, data = await self.clients.post(url, body, headers)
            except UpstreamTransportError as exc:
                last = str(exc)
            else:
                if status == 200:
                    return _parse_completion(data, url, self.model)
                last = f"HTTP {status}: {data[:200].decode('utf-8', 'replace')}"
                if not _retryable(status):
                    break
            if attempt < self.policy.retries:
                await asyncio.sleep(0.05 * 2**attempt)
        raise ModelError(f"upstream {url} failed: {last}")

    async def stream(
        self, request: GenerationRequest, *, payload: int
    ) -> AsyncIterator[str | Generation]:
        """Stream ``/chat/completions``; retries only before the first delta.

        Asks for the usage chunk (``stream_options.include_usage``) and ends with a
        :class:`Generation` holding the upstream's finish reason and token counts.
        """
        del payload
        url = f"{self.base_url}/chat/completions"
        body, headers = self._body(request, stream=True), self._headers()
        last = ""
        for attempt in range(self.policy.retries + 1):
            started = False
            try:
                async with self.clients.stream(url, body, headers) as (status, lines):
                    if status != 200:
                        data = b"".join([line async for line in lines])
                        last = f"HTTP {status}: {data[:200].decode('utf-8', 'replace')}"
                        if not _retryable(status):
                            break
                    else:
                        end = StreamTail()
                        async for raw in lines:
                            line = raw.decode("utf-8").rstrip("\r\n")
                            delta = _parse_sse_line(line, url)
                            end.see(line)
                            if delta is None:
                                continue
                            if delta == "\x00DONE":
                                break
                            started = True
                            yield delta
                        yield end.generation(self.model)
                        return
            except UpstreamTransportError as exc:
                if started:
                    raise ModelError(f"upstream {url} broke off the stream: {exc}") from exc
                last = str(exc)
            if attempt < self.policy.retries:
                await asyncio.sleep(0.05 * 2**attempt)
        raise ModelError(f"upstream {url} failed: {last}")


@dataclass
class UpstreamSpeechBackend:
    """``POST /audio/speech`` on an OpenAI-compatible upstream, asked for WAV.

    WAV because the gateway decodes the audio to add the audio prompt and the watermark and
    then encodes the format the client asked for; upstream audio is then as governed as local.
    """

    base_url: str
    """Base URL ending in ``/v1``."""
    model: str
    """Model name upstream."""
    clients: UpstreamClients
    """The worker's pooled client."""
    policy: UpstreamPolicy
    """Timeouts and retries."""

    @property
    def voices(self) -> tuple[str, ...]:
        """OpenAI's voices."""
        return OPENAI_VOICES

    @property
    def instructions(self) -> str:
        """Sent on to the upstream model, which may act on them."""
        return "forwarded"

    async def synthesize(
        self, text: str, *, voice: str, speed: float, instructions: str | None = None
    ) -> Speech:
        """The upstream's speech, decoded (retries connection errors, 429 and 5xx)."""
        url = f"{self.base_url}/audio/speech"
        fields: dict[str, object] = {
            "model": self.model,
            "input": text,
            "voice": voice,
            "speed": speed,
            "response_format": "wav",
        }
        if instructions:
            fields["instructions"] = instructions
        body = orjson.dumps(fields)
        token = self.policy.api_key or os.environ.get("GOVLOOP_UPSTREAM_API_KEY")
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        last = ""
        for attempt in range(self.policy.retries + 1):
            try:
                status, data = await self.clients.post(url, body, headers)
            except UpstreamTransportError as exc:
                last = str(exc)
            else:
                if status == 200:
                    return await asyncio.to_thread(_decode_speech, data, url)
                last = f"HTTP {status}: {data[:200].decode('utf-8', 'replace')}"
                if not _retryable(status):
                    break
            if attempt < self.policy.retries:
                await asyncio.sleep(0.05 * 2**attempt)
        raise ModelError(f"upstream {url} failed: {last}")


def _decode_speech(data: bytes, url: str) -> Speech:
    import numpy as np

    from govloop.errors import FormatError
    from govloop.watermark.audio import read_audio

    try:
        samples, rate = read_audio(data, filename="speech.wav")
    except FormatError as exc:
        raise ModelError(f"upstream {url} answered audio that does not decode: {exc}") from exc
    return Speech(np.asarray(samples.mean(axis=1), dtype=np.float32), rate)


def _parse_completion(data: bytes, url: str, model: str) -> Generation:
    try:
        obj = orjson.loads(data)
        choice = obj["choices"][0]
        text = choice["message"]["content"] or ""
        usage = obj.get("usage") or {}
        return Generation(
            text=text,
            model=str(obj.get("model", model)),
            finish_reason=str(choice.get("finish_reason") or "stop"),
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            extra={"upstream_id": obj.get("id")},
        )
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        raise ModelError(
            f"upstream {url} answered something that is not a chat completion"
        ) from exc


@dataclass
class StreamTail:
    """The finish reason and usage an upstream stream reports in its last chunks."""

    finish_reason: str = "stop"
    """The last ``finish_reason`` seen (``stop`` when the upstream sent none)."""
    prompt_tokens: int = 0
    """From the usage chunk, when the upstream sent one."""
    completion_tokens: int = 0
    """From the usage chunk, when the upstream sent one."""

    def see(self, line: str) -> None:
        """Note what a ``data:`` line says about the end (cheap test before parsing)."""
        if not line.startswith("data:") or (
            '"finish_reason"' not in line and '"usage"' not in line
        ):
            return
        try:
            obj = json.loads(line[5:])
        except ValueError:
            return
        if not isinstance(obj, dict):
            return
        choices = obj.get("choices")
        if isinstance(choices, list) and choices and isinstance(choices[0], dict):
            reason = choices[0].get("finish_reason")
            if isinstance(reason, str) and reason:
                self.finish_reason = reason
        usage = obj.get("usage")
        if isinstance(usage, dict):
            self.prompt_tokens = int(usage.get("prompt_tokens") or 0)
            self.completion_tokens = int(usage.get("completion_tokens") or 0)

    def generation(self, model: str) -> Generation:
        """The end of the stream as a :class:`Generation` (text already sent)."""
        return Generation(
            text="",
            model=model,
            finish_reason=self.finish_reason,
            prompt_tokens=self.prompt_tokens,
            completion_tokens=self.completion_tokens,
        )


def _parse_sse_line(line: str, url: str) -> str | None:
    """A content delta, the DONE marker at the end, or None for lines without content."""
    if not line.startswith("data:"):
        return None
    data = line[5:].strip()
    if data == "[DONE]":
        return "\x00DONE"
    try:
        obj = json.loads(data)
    except ValueError as exc:
        raise ModelError(f"upstream {url} sent an unreadable stream event") from exc
    if isinstance(obj, dict) and obj.get("error"):
        raise ModelError(f"upstream {url} failed mid-stream: {obj['error']}")
    try:
        content = obj["choices"][0].get("delta", {}).get("content")
    except (KeyError, IndexError, TypeError, AttributeError):
        return None
    return content if isinstance(content, str) and content else None


_TRANSPORT_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError, OSError)


class UpstreamClients:
    """One pooled ``aiohttp.ClientSession`` per worker for every upstream call.

    aiohttp keeps idle keep-alive connections in per-host deques, so taking and returning a
    connection costs O(1) whatever the pool size (httpx/httpcore scans every pooled connection
    per request, encode/httpx#3215, which made it the gateway's largest CPU cost under load).
    The session is made on first use, inside the worker's event loop. Timeouts: ``connect``
    bounds connecting, ``timeout_s`` bounds every wait for upstream bytes (a long stream that
    keeps sending never times out).
    """

    def __init__(self, policy: UpstreamPolicy) -> None:
        self.policy = policy
        self._session: aiohttp.ClientSession | None = None
        self._pool: Http1Pool | None = None

    def pool(self) -> Http1Pool:
        """The worker's lean keep-alive pool for non-streamed calls (made on first use)."""
        if self._pool is None:
            p = self.policy
            self._pool = Http1Pool(
                max_connections=p.max_connections,
                connect_timeout=p.connect_timeout_s,
                read_timeout=p.timeout_s,
            )
        return self._pool

    def session(self) -> aiohttp.ClientSession:
        """The worker's session (made on first use)."""
        if self._session is None or self._session.closed:
            p = self.policy
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    limit=p.max_connections, limit_per_host=0, keepalive_timeout=30.0
                ),
                timeout=aiohttp.ClientTimeout(
                    total=None, sock_connect=p.connect_timeout_s, sock_read=p.timeout_s
                ),
                auto_decompress=True,
                skip_auto_headers=("User-Agent",),
                cookie_jar=aiohttp.DummyCookieJar(),  # upstream APIs set no cookies we keep
            )
        return self._session

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        """POST ``body``; the status and the whole answer. Raises UpstreamTransportError.

        Goes through the lean pool (:mod:`govloop.gateway._http1`): on the hot path it costs a
        fifth of aiohttp's CPU per call.
        """
        try:
            return await self.pool().post(url, body, headers)
        except HttpError as exc:
            raise UpstreamTransportError(str(exc)) from exc

    @contextlib.asynccontextmanager
    async def stream(
        self, url: str, body: bytes, headers: dict[str, str]
    ) -> AsyncIterator[tuple[int, AsyncIterator[bytes]]]:
        """POST ``body``; the status and the answer's lines as they arrive."""
        try:
            async with self.session().post(url, data=body, headers=headers) as resp:
                yield resp.status, _lines(resp)
        except _TRANSPORT_ERRORS as exc:
            raise UpstreamTransportError(f"{type(exc).__name__}: {exc}") from exc

    async def aclose(self) -> None:
        """Close the session, the pool and their connections."""
        if self._pool is not None:
            await self._pool.aclose()
            self._pool = None
        if self._session is not None:
            await self._session.close()
            self._session = None


async def _lines(resp: aiohttp.ClientResponse) -> AsyncIterator[bytes]:
    async for line in resp.content:
        yield line


Backend = TextBackend | ImageBackend | SpeechBackend
"""Any served model's backend."""


def make_client(policy: UpstreamPolicy) -> UpstreamClients:
    """The pooled upstream clients shared by every upstream backend of one worker."""
    return UpstreamClients(policy)


def build_backends(
    models: tuple[ServedModel, ...],
    *,
    watermarker: Watermarker,
    client: UpstreamClients,
    policy: UpstreamPolicy,
) -> dict[str, Backend]:
    """One backend per served model, from its ``backend`` spec (models open on first use)."""
    from govloop.models import open_image_model, open_speech_model, open_text_model

    out: dict[str, Backend] = {}
    for m in models:
        spec = m.backend
        if m.kind == "speech" and m.is_upstream:
            url, _, upstream_model = spec[len("openai:") :].partition("#")
            out[m.name] = UpstreamSpeechBackend(
                url.rstrip("/"), upstream_model or m.name, client, policy
            )
        elif m.kind == "speech":
            out[m.name] = LocalSpeechBackend(opener=functools.partial(open_speech_model, spec))
        elif m.kind == "image":
            out[m.name] = LocalImageBackend(opener=functools.partial(open_image_model, spec))
        elif m.is_upstream:
            url, _, upstream_model = spec[len("openai:") :].partition("#")
            out[m.name] = UpstreamBackend(url.rstrip("/"), upstream_model or m.name, client, policy)
        else:
            out[m.name] = LocalTextBackend(
                opener=functools.partial(open_text_model, spec),
                watermarker=watermarker if m.watermark else None,
            )
    return out
