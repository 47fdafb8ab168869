"""Adapter for any OpenAI-compatible chat endpoint (``openai:`` scheme).

Spec: ``openai:http://host:port/v1#model-name``; the API key comes from
``GOVLOOP_OPENAI_API_KEY`` or ``OPENAI_API_KEY`` (none is sent when both are unset).

Requests go through one async httpx client per event loop with bounded concurrency. Timeouts,
connection errors, HTTP 429 and 5xx, and bodies that are not the expected JSON are retried with
exponential backoff and jitter (``Retry-After`` is honoured up to the cap); when the retries run
out, or on any other 4xx, a :class:`~govloop.errors.ModelError` names the endpoint and cause.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx

from govloop.errors import InputError, ModelError
from govloop.models._protocol import Generation, GenerationRequest
from govloop.models._registry import register_text_adapter

_RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})


class _Retryable(Exception):
    """A failure worth another attempt."""


class OpenAIChatModel:
    """A :class:`~govloop.models.TextModel` backed by ``POST {base_url}/chat/completions``."""

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        max_concurrency: int = 64,
        timeout: float = 60.0,
        max_retries: int = 3,
        backoff: float = 0.5,
        backoff_max: float = 8.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise InputError(f"openai endpoint {base_url!r} must start with http:// or https://")
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key
        self.max_concurrency = max_concurrency
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.backoff_max = backoff_max
        self._transport = transport
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: httpx.AsyncClient | None = None
        self._sem: asyncio.Semaphore | None = None

    @property
    def name(self) -> str:
        """The served model name."""
        return self.model

    def _session(self) -> tuple[httpx.AsyncClient, asyncio.Semaphore]:
        loop = asyncio.get_running_loop()
        if self._client is None or self._sem is None or self._loop is not loop:
            headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
            limits = httpx.Limits(
                max_connections=self.max_concurrency, max_keepalive_connections=self.max_concurrency
            )
            self._client = httpx.AsyncClient(
                headers=headers, timeout=self.timeout, limits=limits, transport=self._transport
            )
            self._sem = asyncio.Semaphore(self.max_concurrency)
            self._loop = loop
        return self._client, self._sem

    async def aclose(self) -> None:
        """Close the HTTP client of the current loop."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _body(self, request: GenerationRequest, *, stream: bool = False) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": m.role, "content": m.content} for m in request.messages],
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
        }
        if request.seed is not None:
            body["seed"] = request.seed
        if request.stop:
            body["stop"] = list(request.stop)
        if stream:
            body["stream"] = True
        return body

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        if retry_after:
            try:
                return min(self.backoff_max, max(0.0, float(retry_after)))
            except ValueError:
                pass
        base: float = min(self.backoff_max, self.backoff * 2.0**attempt)
        return base * random.uniform(0.5, 1.0)

    async def _once(self, client: httpx.AsyncClient, body: dict[str, Any]) -> Generation:
        url = f"{self.base_url}/chat/completions"
        t0 = time.perf_counter()
        try:
            resp = await client.post(url, json=body)
        except httpx.TimeoutException as exc:
            raise _Retryable(f"timed out after {self.timeout:g} s") from exc
        except httpx.TransportError as exc:
            raise _Retryable(f"{type(exc).__name__}: {exc}") from exc
        if resp.status_code in _RETRY_STATUS:
            err = _Retryable(f"HTTP {resp.status_code}")
            err.retry_after = resp.headers.get("retry-after")  # type: ignore[attr-defined]
            raise err
        if resp.status_code >= 400:
            raise ModelError(f"{url}: HTTP {resp.status_code}: {resp.text[:200]}")
        try:
            data = resp.json()
            choice = data["choices"][0]
            text = choice["message"].get("content") or ""
            if not isinstance(text, str):
                raise TypeError("message.content is not a string")
        except (json.JSONDecodeError, KeyError, IndexError, TypeError, AttributeError) as exc:
            raise _Retryable(f"malformed response: {type(exc).__name__}: {exc}") from exc
        usage = data.get("usage") or {}
        return Generation(
            text=text,
            model=str(data.get("model") or self.model),
            finish_reason=str(choice.get("finish_reason") or "stop"),
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or 0),
            extra={"id": data.get("id"), "latency_s": round(time.perf_counter() - t0, 4)},
        )

    async def generate(self, request: GenerationRequest) -> Generation:
        """One chat completion, retried on transient failures."""
        client, sem = self._session()
        body = self._body(request)
        async with sem:
            last = ""
            for attempt in range(self.max_retries + 1):
                try:
                    gen = await self._once(client, body)
                except _Retryable as exc:
                    last = str(exc)
                    if attempt < self.max_retries:
                        await asyncio.sleep(self._delay(attempt, getattr(exc, "retry_after", None)))
                    continue
                gen.extra["attempts"] = attempt + 1
                return gen
        raise ModelError(f"{self.base_url}: {last} (after {self.max_retries + 1} attempts)")

    async def stream(self, request: GenerationRequest) -> AsyncIterator[str]:
        """Text deltas of a streamed completion (server-sent events; no retries)."""
        client, sem = self._session()
        url = f"{self.base_url}/chat/completions"
        async with sem:
            try:
                async with client.stream(
                    "POST", url, json=self._body(request, stream=True)
                ) as resp:
                    if resp.status_code >= 400:
                        raise ModelError(f"{url}: HTTP {resp.status_code}")
                    async for line in resp.aiter_lines():
                        if not line.startswith("data:"):
                            continue
                        payload = line[5:].strip()
                        if payload == "[DONE]":
                            return
                        try:
                            delta = (
                                json.loads(payload)["choices"][0].get("delta", {}).get("content")
                            )
                        except (json.JSONDecodeError, KeyError, IndexError, AttributeError) as exc:
                            raise ModelError(
                                f"{url}: malformed stream chunk {payload[:80]!r}"
                            ) from exc
                        if delta:
                            yield str(delta)
            except httpx.HTTPError as exc:
                raise ModelError(f"{url}: {type(exc).__name__}: {exc}") from exc


def parse_spec(rest: str) -> tuple[str, str]:
    """Split ``http://host:port/v1#model`` into the base URL and the model name."""
    url, sep, model = rest.partition("#")
    if not sep or not model or not url:
        raise InputError(
            f"openai model spec 'openai:{rest}' must look like openai:http://host:port/v1#model"
        )
    return url, model


def api_key_from_env() -> str | None:
    """The API key from ``GOVLOOP_OPENAI_API_KEY`` or ``OPENAI_API_KEY``, if either is set."""
    return os.environ.get("GOVLOOP_OPENAI_API_KEY") or os.environ.get("OPENAI_API_KEY") or None


@register_text_adapter("openai")
def _open(rest: str) -> OpenAIChatModel:
    url, model = parse_spec(rest)
    return OpenAIChatModel(url, model, api_key=api_key_from_env())
