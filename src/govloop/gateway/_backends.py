"""Backends: where a served model's output comes from.

* local text (``demo``, ``hf:/path``): a :class:`~govloop.models.LogitsModel` sampled with the
  provider's watermark (payload = ``produce_tag(produce_id)``); streams are cut from the finished,
  watermarked generation;
* upstream text (``openai:URL#model``): any OpenAI-compatible server through one pooled
  ``httpx.AsyncClient`` with timeouts and retries; upstream text cannot be watermarked, so only
  labels and the ledger apply to it;
* local images (``demo-image``): generated, then labeled and watermarked by the gateway.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import httpx

from govloop.errors import ModelError
from govloop.gateway._config import ServedModel, UpstreamPolicy
from govloop.gateway._ports import Watermarker
from govloop.models import Generation, GenerationRequest, LogitsModel, TextModel

if TYPE_CHECKING:
    from PIL import Image

    from govloop.models import ImageModel

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

    def stream(self, request: GenerationRequest, *, payload: int) -> AsyncIterator[str]:
        """The answer as text deltas."""
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

    async def stream(self, request: GenerationRequest, *, payload: int) -> AsyncIterator[str]:
        """Deltas cut at word boundaries from the finished generation."""
        gen = await self.complete(request, payload=payload)
        for piece in _CHUNK.findall(gen.text):
            yield piece


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


def _retryable(status: int) -> bool:
    return status >= 500 or status == 429


@dataclass
class UpstreamBackend:
    """An OpenAI-compatible upstream (no watermark: labels and ledger only)."""

    base_url: str
    """Base URL ending in ``/v1``."""
    model: str
    """Model name upstream."""
    clients: UpstreamClients
    """The worker's pooled clients."""
    policy: UpstreamPolicy
    """Timeouts and retries."""

    @property
    def watermarked(self) -> bool:
        """Upstream text is never watermarked by the gateway."""
        return False

    def _body(self, request: GenerationRequest, *, stream: bool) -> dict[str, Any]:
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
        return body

    def _headers(self) -> dict[str, str]:
        token = self.policy.api_key or os.environ.get("GOVLOOP_UPSTREAM_API_KEY")
        return {"Authorization": f"Bearer {token}"} if token else {}

    async def complete(self, request: GenerationRequest, *, payload: int) -> Generation:
        """POST ``/chat/completions``, retrying connection errors and 5xx."""
        del payload
        url = f"{self.base_url}/chat/completions"
        last = ""
        for attempt in range(self.policy.retries + 1):
            try:
                resp = await self.clients.get().post(
                    url, json=self._body(request, stream=False), headers=self._headers()
                )
            except httpx.TransportError as exc:
                last = f"{type(exc).__name__}: {exc}"
            else:
                if resp.status_code == 200:
                    return _parse_completion(resp, self.model)
                last = f"HTTP {resp.status_code}: {resp.text[:200]}"
                if not _retryable(resp.status_code):
                    break
            if attempt < self.policy.retries:
                await asyncio.sleep(0.05 * 2**attempt)
        raise ModelError(f"upstream {url} failed: {last}")

    async def stream(self, request: GenerationRequest, *, payload: int) -> AsyncIterator[str]:
        """Stream ``/chat/completions``; retries only before the first delta."""
        del payload
        url = f"{self.base_url}/chat/completions"
        last = ""
        for attempt in range(self.policy.retries + 1):
            started = False
            try:
                async with self.clients.get().stream(
                    "POST", url, json=self._body(request, stream=True), headers=self._headers()
                ) as resp:
                    if resp.status_code != 200:
                        await resp.aread()
                        last = f"HTTP {resp.status_code}: {resp.text[:200]}"
                        if not _retryable(resp.status_code):
                            break
                    else:
                        async for line in resp.aiter_lines():
                            delta = _parse_sse_line(line, url)
                            if delta is None:
                                continue
                            if delta == "\x00DONE":
                                return
                            started = True
                            yield delta
                        return
            except httpx.TransportError as exc:
                if started:
                    raise ModelError(f"upstream {url} broke off the stream: {exc}") from exc
                last = f"{type(exc).__name__}: {exc}"
            if attempt < self.policy.retries:
                await asyncio.sleep(0.05 * 2**attempt)
        raise ModelError(f"upstream {url} failed: {last}")


def _parse_completion(resp: httpx.Response, model: str) -> Generation:
    try:
        data = resp.json()
        choice = data["choices"][0]
        text = choice["message"]["content"] or ""
        usage = data.get("usage") or {}
        return Generation(
            text=text,
            model=str(data.get("model", model)),
            finish_reason=str(choice.get("finish_reason") or "stop"),
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            extra={"upstream_id": data.get("id")},
        )
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise ModelError(
            f"upstream {resp.request.url} answered something that is not a chat completion"
        ) from exc


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


class UpstreamClients:
    """Pooled ``httpx.AsyncClient`` s for upstream calls, used round-robin.

    httpcore's pool scans every connection of a client whenever a request starts or ends
    (encode/httpx#3215), so one client with many concurrent connections costs O(n) per request.
    Spreading the connections over ``pool_shards`` clients keeps each scan short without
    limiting concurrency (long LLM streams must not queue behind each other).
    """

    def __init__(self, policy: UpstreamPolicy) -> None:
        per = max(1, policy.max_connections // policy.pool_shards)
        self._clients = [
            httpx.AsyncClient(
                timeout=httpx.Timeout(policy.timeout_s, connect=policy.connect_timeout_s),
                limits=httpx.Limits(max_connections=per, max_keepalive_connections=per),
            )
            for _ in range(policy.pool_shards)
        ]
        self._next = 0

    def get(self) -> httpx.AsyncClient:
        """The next client."""
        self._next = (self._next + 1) % len(self._clients)
        return self._clients[self._next]

    async def aclose(self) -> None:
        """Close every client."""
        for c in self._clients:
            await c.aclose()


def make_client(policy: UpstreamPolicy) -> UpstreamClients:
    """The pooled upstream clients shared by every upstream backend of one worker."""
    return UpstreamClients(policy)


def build_backends(
    models: tuple[ServedModel, ...],
    *,
    watermarker: Watermarker,
    client: UpstreamClients,
    policy: UpstreamPolicy,
) -> dict[str, TextBackend | ImageBackend]:
    """One backend per served model, from its ``backend`` spec (models open on first use)."""
    from govloop.models import open_image_model, open_text_model

    out: dict[str, TextBackend | ImageBackend] = {}
    for m in models:
        spec = m.backend
        if m.kind == "image":
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
