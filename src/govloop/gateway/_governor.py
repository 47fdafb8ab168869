"""The governance pipeline every request goes through, independent of the HTTP shapes.

authenticate → rate limit → filing servable? → input filter → generate (watermarked when local)
→ output filter → explicit label → implicit AIGC label → ledger append → delivery log → answer.

A ledger append that fails turns into an error answer: content never leaves unrecorded (for
live streams, the deltas already sent are recorded before the final chunk; see ``_streaming``).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from govloop.config import Settings
from govloop.errors import (
    AccessError,
    AuthenticationError,
    GovloopError,
    InputError,
    ModelError,
    NotFoundError,
    RateLimitError,
    StoreError,
)
from govloop.gateway._accounts import ApiKeys, Principal
from govloop.gateway._backends import Backend, ImageBackend, SpeechBackend, TextBackend
from govloop.gateway._batch import GroupCommit
from govloop.gateway._cache import TTLCache
from govloop.gateway._config import GatewayConfig, ServedModel
from govloop.gateway._errors import upstream_failure
from govloop.gateway._logs import Delivery, GatewayLog
from govloop.gateway._ports import FilterVerdict, GatewayPorts, OutputRecord
from govloop.gateway._ratelimit import RateLimiter
from govloop.gateway._redislimit import RedisRateLimiter
from govloop.gateway._sharedlimit import SharedRateLimiter
from govloop.ids import new_produce_id
from govloop.models import GenerationRequest
from govloop.registry import Servability
from govloop.store import Store

FILTERED_NOTICE = (
    "[本回答因违反内容安全要求已被停止 / This answer was stopped by the output filter "
    "(Interim Measures Art. 14(1))]"
)
"""What replaces filtered output."""

log = logging.getLogger("govloop.gateway")

KEY_CACHE_S = 1.0
"""How long a worker trusts an API key lookup (revocations apply within this)."""

DELIVERY_LINGER_S = 0.05
"""How long delivery-log rows gather before one transaction writes them (flushed on shutdown)."""


@dataclass(frozen=True)
class TextOutcome:
    """A delivered text answer."""

    produce_id: str
    """ProduceID of the output."""
    text: str
    """The delivered text (labels included)."""
    finish_reason: str
    """``stop``, ``length`` or ``content_filter``."""
    aigc: dict[str, str]
    """The implicit label object."""
    prompt_tokens: int = 0
    """Prompt tokens, as the backend counted them."""
    completion_tokens: int = 0
    """Generated tokens."""


@dataclass(frozen=True)
class ImageOutcome:
    """A delivered image."""

    produce_id: str
    """ProduceID of the image."""
    png: bytes
    """PNG file with implicit label, explicit label and watermark."""
    aigc: dict[str, str]
    """The implicit label object."""


@dataclass(frozen=True)
class SpeechOutcome:
    """Delivered speech."""

    produce_id: str
    """ProduceID of the audio."""
    audio: bytes
    """The file: audio prompt, watermark and implicit label (WAV chunk, ID3 or Opus tag)."""
    content_type: str
    """Its media type (``audio/wav``, ``audio/mpeg``, ``audio/opus``)."""
    aigc: dict[str, str]
    """The implicit label object."""


@dataclass
class RequestContext:
    """One authorised request for one model."""

    principal: Principal
    """Caller."""
    model: ServedModel
    """Served model."""
    unlabeled: bool
    """Deliver without explicit labels (agreement allows it)."""
    produce_id: str = field(default_factory=new_produce_id)
    """ProduceID of the (first) output."""
    request_id: str = ""
    """The answer's ``x-request-id`` (kept in the ledger entry's ``extra.request_id``)."""
    label_language: str | None = None
    """Explicit-label language of this request (``labels.language: auto``: the detected
    language of its first screened prompt); None is the configured language."""


def _log_failure(fut: asyncio.Future[None]) -> None:
    if not fut.cancelled() and fut.exception() is not None:
        log.error("delivery log write failed: %s", fut.exception())


class Governor:
    """Holds the ports, backends and caches of one worker and runs the pipeline."""

    def __init__(
        self,
        settings: Settings,
        config: GatewayConfig,
        ports: GatewayPorts,
        backends: dict[str, Backend],
        store: Store,
    ) -> None:
        self.settings = settings
        self.config = config
        self.ports = ports
        self.backends = backends
        self.store = store
        self.keys = ApiKeys(store)
        self.log = GatewayLog(store, config.violations)
        self.limiter: RateLimiter | SharedRateLimiter | RedisRateLimiter
        if config.rate_limits == "database":
            self.limiter = SharedRateLimiter(store)
        elif config.rate_limits == "redis" and config.redis_url:
            self.limiter = RedisRateLimiter.from_url(config.redis_url)
        else:
            self.limiter = RateLimiter(share=1.0 / config.workers)
        self._key_cache: TTLCache[str, Principal | None] = TTLCache(
            self.keys.authenticate, ttl=KEY_CACHE_S
        )
        self._serving_cache: TTLCache[str, Servability] = TTLCache(
            self._servable_now, ttl=config.serving_cache_s
        )
        self._models = {m.name: m for m in config.models}
        self.background: set[asyncio.Task[None]] = set()
        self._deliveries: GroupCommit[Delivery, None] = GroupCommit(
            self.log.log_deliveries,
            max_batch=1024,
            linger=DELIVERY_LINGER_S,
            try_write=functools.partial(self.log.log_deliveries, nowait=True),
        )

    # -- authorisation -------------------------------------------------------------------
    async def authenticate(self, token: str) -> Principal:
        """The caller behind a bearer token; 401 when unknown or revoked, 403 when suspended."""
        principal = await self._key_cache.get(token)
        if principal is None:
            raise AuthenticationError("invalid or revoked API key", code="invalid_api_key")
        if principal.status == "suspended":
            raise AccessError(
                f"requester {principal.requester!r} is suspended ({principal.reason}; "
                "Interim Measures Art. 14(2))",
                code="requester_suspended",
            )
        rate = principal.rate or self.config.default_rate
        if principal.status == "throttled":
            rate = min(rate, self.config.violations.throttle_rate)
        wait = await self._limit(self.limiter.take, principal.key_id, rate)
        if wait > 0:
            raise RateLimitError(
                f"rate limit of {rate:g} requests/s for key {principal.key_id} exceeded",
                retry_after=wait,
                quota=self.limiter.headers(principal.key_id),
                code="rate_limit_exceeded",
            )
        per_minute = self.config.default_tokens_per_minute
        wait = await self._limit(self.limiter.token_wait, principal.key_id, per_minute)
        if wait > 0:
            raise RateLimitError(
                f"rate limit of {per_minute} tokens per minute for key {principal.key_id} "
                f"exceeded; tokens are available again in {wait:.1f} s",
                retry_after=wait,
                quota=self.limiter.headers(principal.key_id),
                code="rate_limit_exceeded",
            )
        return principal

    async def _limit(self, check: Callable[[str, float], float], key: str, rate: float) -> float:
        """Run a limiter check: inline for worker buckets, in a thread for database ones."""
        if not isinstance(self.limiter, RateLimiter):  # shared: the database or Redis
            return await asyncio.to_thread(check, key, rate)
        return check(key, rate)

    def charge(self, ctx: RequestContext, prompt_tokens: int, completion_tokens: int) -> None:
        """Spend an answer's usage from its key's token bucket (``x-ratelimit-*-tokens``).

        Shared (database or Redis) buckets are charged behind the answer (a background task,
        awaited on shutdown): the answer is already made, and the next request sees the charge.
        """
        key, used = ctx.principal.key_id, prompt_tokens + completion_tokens
        if isinstance(self.limiter, RateLimiter):
            self.limiter.spend_tokens(key, used)
            return
        task = asyncio.get_running_loop().create_task(
            asyncio.to_thread(self.limiter.spend_tokens, key, used)
        )
        self.background.add(task)
        task.add_done_callback(self._charged)

    def _charged(self, task: asyncio.Task[None]) -> None:
        self.background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("charging the shared token bucket failed: %s", task.exception())

    async def known_key(self, token: str) -> bool:
        """Whether a bearer token is a live key (cached; no rate limit is taken)."""
        return await self._key_cache.get(token) is not None

    def forget(self, token: str) -> None:
        """Drop a cached key lookup (after its requester's standing changed)."""
        self._key_cache.invalidate(token)

    def _servable_now(self, filing: str) -> Servability:
        try:
            return self.ports.serving.is_servable(filing)
        except GovloopError as exc:
            return Servability.unknown(exc.diagnostics())

    async def served(self, name: str) -> ServedModel:
        """The served model ``name`` if its filing is approved now, else an error with why."""
        model = self._models.get(name)
        if model is None:
            raise NotFoundError(
                f"model {name!r} is not served here", code="model_not_found", param="model"
            )
        answer = await self._serving_cache.get(model.filing)
        if not answer.servable:
            raise AccessError(
                f"model {name!r} is not served: filing {model.filing!r}: {answer.reason}",
                code=f"model_{answer.refusal}",
                param="model",
            )
        return model

    def context(
        self, principal: Principal, model: ServedModel, *, unlabeled: bool
    ) -> RequestContext:
        """A request context; refuses unlabeled delivery the key's agreement does not allow."""
        if unlabeled and not principal.allow_unlabeled:
            raise AccessError(
                f"key {principal.key_id}: the agreement does not allow content without "
                "explicit labels (Labeling Measures Art. 9)",
                code="unlabeled_not_allowed",
            )
        return RequestContext(principal, model, unlabeled)

    # -- filters ---------------------------------------------------------------------------
    async def screen_prompt(
        self, ctx: RequestContext, text: str, *, param: str = "messages"
    ) -> None:
        """Input filter; a blocked prompt is recorded and answered with a policy error.

        ``param`` names the request field the prompt came from (``input`` for speech).
        """
        if len(text) > self.config.max_prompt_chars:
            raise InputError(
                f"prompt has {len(text)} characters, at most {self.config.max_prompt_chars}"
            )
        verdict = self.ports.input_filter.check(text)
        if not verdict.blocked:
            if ctx.label_language is None and self.config.labels.language == "auto":
                from govloop.label import AUTO_LANGUAGE, resolve_language

                # before generation, so a label at the start of a stream is in it too
                ctx.label_language = resolve_language(AUTO_LANGUAGE, content=text)
            return
        outcome = await asyncio.to_thread(
            self.log.record_violation,
            ctx.principal,
            model=ctx.model.name,
            stage="input",
            verdict=verdict,
            text=text,
        )
        if outcome.action in ("throttle", "suspend"):
            self._key_cache = TTLCache(self.keys.authenticate, ttl=KEY_CACHE_S)
        notice = outcome.notice(self.config.violations)
        risks = ", ".join(verdict.risks) or "policy"
        raise InputError(
            f"prompt blocked by the input filter (risk {risks})"
            + (f"; {notice}" if notice else ""),
            code="content_policy_violation",
            param=param,
        )

    async def record_output_violation(
        self, ctx: RequestContext, verdict: FilterVerdict, text: str
    ) -> None:
        """Keep a record of generated text the output filter stopped."""
        await asyncio.to_thread(
            self.log.record_violation,
            ctx.principal,
            model=ctx.model.name,
            stage="output",
            verdict=verdict,
            text=text,
            produce_id=ctx.produce_id,
        )

    # -- recording -------------------------------------------------------------------------
    def affixes(self, ctx: RequestContext) -> tuple[str, str]:
        """Explicit label text around an answer (none for allowed unlabeled deliveries)."""
        return ("", "") if ctx.unlabeled else self.ports.labeler.text_affixes(ctx.label_language)

    async def record_text(
        self,
        ctx: RequestContext,
        text: str,
        *,
        watermark: dict[str, Any] | None,
        extra: dict[str, Any],
    ) -> dict[str, str]:
        """Sign the implicit label of a delivered text and record it; returns the label."""
        content = text.encode("utf-8")
        labeler = self.ports.labeler
        # one digest for the label's signature and the ledger entry (the format is sniffed once)
        digest = labeler.content_digest(content, filename="output.txt", media_type="text")
        aigc = labeler.implicit(
            content, produce_id=ctx.produce_id, filename="output.txt", digest=digest
        )
        await self.record(
            ctx,
            produce_id=ctx.produce_id,
            content=content,
            media_type="text",
            aigc=aigc,
            watermark=watermark,
            extra=extra,
            digest=digest,
        )
        return aigc

    async def record(
        self,
        ctx: RequestContext,
        *,
        produce_id: str,
        content: bytes,
        media_type: str,
        aigc: dict[str, str],
        watermark: dict[str, Any] | None,
        extra: dict[str, Any],
        filename: str | None = None,
        digest: bytes | None = None,
    ) -> None:
        """Append to the ledger and the delivery log; raise a 503 when either fails.

        ``filename`` tells the content's format (default ``image.png`` or ``output.txt``);
        ``digest`` is the content digest the label signed, when the caller has it.
        """
        m = ctx.model
        record = OutputRecord(
            produce_id=produce_id,
            content_sha256=hashlib.sha256(content).hexdigest(),
            media_type=media_type,
            model=m.name,
            filing_id=m.filing,
            model_version=m.version,
            requester=ctx.principal.requester,
            label=aigc,
            watermark=watermark,
            content=content,
            filename=filename or ("image.png" if media_type == "image" else "output.txt"),
            extra={
                "unlabeled": ctx.unlabeled,
                "backend": m.backend.split("#")[0],
                **({"request_id": ctx.request_id} if ctx.request_id else {}),
                **extra,
            },
            content_digest=digest,
        )
        try:
            await self.ports.recorder.append(record)
        except Exception as exc:  # any failure: the content must not be delivered
            raise StoreError(
                f"the output could not be recorded in the ledger and was not delivered ({exc})",
                code="ledger_unavailable",
            ) from exc
        # The delivery log is written behind the answer (batched; flushed on shutdown): the
        # ledger entry just committed already holds the ProduceID, the requester's pseudonym
        # and the unlabeled flag, so the durable record exists before delivery.
        fut = self._deliveries.post(
            Delivery(
                ctx.principal.key_id,
                ctx.principal.requester,
                m.name,
                produce_id,
                media_type,
                ctx.unlabeled,
            )
        )
        fut.add_done_callback(_log_failure)

    # -- generation ------------------------------------------------------------------------
    def text_backend(self, model: ServedModel) -> TextBackend:
        """The text backend of ``model``."""
        if model.kind != "text":
            raise wrong_kind(model, "text")
        return cast(TextBackend, self.backends[model.name])

    async def complete_text(self, ctx: RequestContext, request: GenerationRequest) -> TextOutcome:
        """A full (non-streamed) answer, governed."""
        backend = self.text_backend(ctx.model)
        payload = self.ports.watermarker.text_payload(ctx.produce_id) if backend.watermarked else 0
        try:
            gen = await backend.complete(request, payload=payload)
        except ModelError as exc:
            raise upstream_failure(exc, ctx.produce_id) from exc
        self.charge(ctx, gen.prompt_tokens, gen.completion_tokens)
        raw, finish = gen.text, gen.finish_reason
        watermark = None
        if backend.watermarked:
            watermark = gen.watermark or self.ports.watermarker.describe_text(payload)
        verdict = self.ports.output_filter.check(raw)
        extra: dict[str, Any] = {"finish_reason": finish}
        if verdict.blocked:
            await self.record_output_violation(ctx, verdict, raw)
            raw, finish, watermark = FILTERED_NOTICE, "content_filter", None
            extra = {"finish_reason": finish, "filtered": list(verdict.risks)}
        prefix, suffix = self.affixes(ctx)
        text = prefix + raw + suffix
        aigc = await self.record_text(ctx, text, watermark=watermark, extra=extra)
        return TextOutcome(
            ctx.produce_id, text, finish, aigc, gen.prompt_tokens, gen.completion_tokens
        )

    async def images(
        self, ctx: RequestContext, prompt: str, *, n: int, size: tuple[int, int], seed: int | None
    ) -> list[ImageOutcome]:
        """``n`` images, each labeled (explicit and implicit), watermarked and recorded."""
        import io

        if ctx.model.kind != "image":
            raise wrong_kind(ctx.model, "image")
        backend = cast(ImageBackend, self.backends[ctx.model.name])
        labeler, wm = self.ports.labeler, self.ports.watermarker
        out: list[ImageOutcome] = []
        for i in range(n):
            pid = ctx.produce_id if i == 0 else new_produce_id()
            image = await backend.generate(
                prompt, size=size, seed=None if seed is None else seed + i
            )
            if not ctx.unlabeled:
                image = await asyncio.to_thread(labeler.explicit_image, image, ctx.label_language)
            watermark: dict[str, Any] | None = None
            if ctx.model.watermark:
                image, watermark = await asyncio.to_thread(
                    wm.embed_image, image, payload=wm.image_payload(pid)
                )
            buf = io.BytesIO()
            await asyncio.to_thread(image.save, buf, format="PNG")
            aigc = labeler.implicit(buf.getvalue(), produce_id=pid, filename="image.png")
            png = labeler.embed_implicit(buf.getvalue(), aigc, filename="image.png")
            await self.record(
                ctx,
                produce_id=pid,
                content=png,
                media_type="image",
                aigc=aigc,
                watermark=watermark,
                extra={},
            )
            out.append(ImageOutcome(pid, png, aigc))
        return out

    def speech_backend(self, model: ServedModel) -> SpeechBackend:
        """The speech backend of ``model``."""
        if model.kind != "speech":
            raise wrong_kind(model, "speech")
        return cast(SpeechBackend, self.backends[model.name])

    async def speech(
        self,
        ctx: RequestContext,
        text: str,
        *,
        voice: str,
        speed: float,
        response_format: str,
        instructions: str | None = None,
    ) -> SpeechOutcome:
        """Speech, with the audio prompt, the watermark and the implicit label, recorded.

        The same pipeline for local and upstream speech: samples, audio prompt (unless the
        key's agreement allows unlabeled delivery), watermark (payload = the produce tag), the
        container the client asked for, the AIGC label in its metadata (``pcm`` has none: the
        entry says so), the ledger. ``instructions`` go to the backend, which acts on them or
        not; the entry records their digest and which it was.
        """
        from govloop.gateway._audio import FORMATS, encode

        backend = self.speech_backend(ctx.model)
        fmt = FORMATS[response_format]
        if voice not in backend.voices:
            raise InputError(
                f"voice {voice!r} is not one of {', '.join(backend.voices)}",
                code="invalid_value",
                param="voice",
            )
        try:
            if instructions:
                speech = await backend.synthesize(
                    text, voice=voice, speed=speed, instructions=instructions
                )
            else:  # a backend written before ``instructions`` existed still works
                speech = await backend.synthesize(text, voice=voice, speed=speed)
        except ModelError as exc:
            raise upstream_failure(exc, ctx.produce_id) from exc
        labeler, wm = self.ports.labeler, self.ports.watermarker
        samples, rate = speech.samples, speech.rate
        if not ctx.unlabeled:
            samples = await asyncio.to_thread(
                labeler.explicit_audio, samples, rate, ctx.label_language
            )
        watermark: dict[str, Any] | None = None
        if ctx.model.watermark:
            samples = _at_least(samples, rate, MIN_MARKED_S)
            samples, watermark = await asyncio.to_thread(
                wm.embed_audio, samples, rate, payload=wm.audio_payload(ctx.produce_id)
            )
        plain = await asyncio.to_thread(encode, samples, rate, fmt)
        aigc = labeler.implicit(plain, produce_id=ctx.produce_id, filename=fmt.filename)
        audio = plain
        if fmt.metadata:
            audio = labeler.embed_implicit(plain, aigc, filename=fmt.filename)
        extra: dict[str, Any] = {
            "voice": voice,
            "speed": speed,
            "response_format": fmt.name,
            "label_in_file": fmt.metadata,
        }
        if instructions:
            extra["instructions"] = {
                "sha256": hashlib.sha256(instructions.encode("utf-8")).hexdigest(),
                "chars": len(instructions),
                "handling": getattr(backend, "instructions", "ignored"),
            }
        await self.record(
            ctx,
            produce_id=ctx.produce_id,
            content=audio,
            media_type="audio",
            aigc=aigc,
            watermark=watermark,
            extra=extra,
            filename=fmt.filename,
        )
        return SpeechOutcome(ctx.produce_id, audio, fmt.content_type, aigc)

    async def aclose(self) -> None:
        """Flush the delivery log and close the ports."""
        if self.background:
            await asyncio.gather(*self.background, return_exceptions=True)
        await self._deliveries.aclose()
        await self.ports.recorder.aclose()
        for obj in self.ports.close:
            obj.close()


MIN_MARKED_S = 1.0
"""Shortest audio the watermark embeds in; shorter speech is padded with silence."""


def _at_least(samples: Any, rate: int, seconds: float) -> Any:
    import numpy as np

    short = int(rate * seconds) - len(samples)
    return np.concatenate([samples, np.zeros(short, dtype=np.float32)]) if short > 0 else samples


_MAKES = {"text": "text", "image": "images", "speech": "speech"}


def wrong_kind(model: ServedModel, wanted: str) -> InputError:
    """The 400 for a model asked for what it does not make (speech from a text model, ...)."""
    return InputError(
        f"model {model.name!r} generates {_MAKES[model.kind]}, not {_MAKES[wanted]}",
        code="invalid_value",
        param="model",
    )
