"""Streaming answers: output filter on the fly, labels, and the ledger before the final chunk.

Two modes (``stream_buffering`` in the gateway config):

``live`` (default)
    Deltas go out as they are generated, minus a hold-back tail as long as the longest blocked
    term, so a term that the output filter would stop never leaves half-sent. The ledger append
    happens before the final chunk (the one with ``finish_reason``, ``produce_id`` and ``aigc``);
    if it fails the stream ends with an error event instead. Trade-off: the text already sent
    is then unrecorded; the client is told the answer is void. If the client disconnects, what
    was sent is still recorded.
``full``
    Nothing is sent until the whole answer is generated, filtered and recorded: no unrecorded
    byte ever leaves, at the cost of the time-to-first-token.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from govloop.errors import GovloopError, ModelError
from govloop.gateway._errors import ApiError, from_govloop, upstream_failure
from govloop.gateway._governor import FILTERED_NOTICE, Governor, RequestContext, TextOutcome
from govloop.gateway._ports import FilterVerdict
from govloop.models import Generation, GenerationRequest


@dataclass(frozen=True)
class StreamDelta:
    """A piece of text to send."""

    text: str
    """The delta."""


@dataclass(frozen=True)
class StreamEnd:
    """The answer is complete and recorded."""

    outcome: TextOutcome
    """The delivered answer."""


@dataclass(frozen=True)
class StreamFailure:
    """The stream ends with an error event."""

    error: ApiError
    """What to tell the client."""


StreamEvent = StreamDelta | StreamEnd | StreamFailure


async def stream_text(
    gov: Governor, ctx: RequestContext, request: GenerationRequest
) -> AsyncIterator[StreamEvent]:
    """Generate, filter, label and record one streamed answer."""
    backend = gov.text_backend(ctx.model)
    flt = gov.ports.output_filter
    hold = max(0, flt.holdback)
    live = gov.config.stream_buffering == "live"
    payload = gov.ports.watermarker.text_payload(ctx.produce_id) if backend.watermarked else 0
    prefix, suffix = gov.affixes(ctx)
    delivered: list[str] = []
    acc, sent, first = "", 0, True
    blocked: FilterVerdict | None = None
    failure: ApiError | None = None
    recorded = False
    end: Generation | None = None
    try:
        try:
            async for delta in backend.stream(request, payload=payload):
                if isinstance(delta, Generation):
                    end = delta  # the finish reason and token counts; its text was streamed
                    continue
                acc += delta
                verdict = flt.check(acc[max(0, sent - hold) :])
                if verdict.blocked:
                    blocked = verdict
                    break
                safe = len(acc) - hold
                if safe > sent:
                    piece = (prefix if first else "") + acc[sent:safe]
                    sent, first = safe, False
                    delivered.append(piece)
                    if live:
                        yield StreamDelta(piece)
        except ModelError as exc:
            failure = upstream_failure(exc, ctx.produce_id)
        if failure is None and blocked is None and acc:
            # The windows above see ``hold`` characters back; an obfuscated term (HTML
            # references, stacked marks) can spread wider. One check of the whole answer.
            whole = flt.check(acc)
            if whole.blocked:
                blocked = whole
                if not live:  # nothing was sent: the notice replaces all of it
                    delivered, first = [], True
        if end is not None:
            gov.charge(ctx, end.prompt_tokens, end.completion_tokens)
        # The same finish reason as the non-streamed answer: the model's (``length`` when
        # max_tokens cut it, ``stop`` at a stop string or a natural end), unless filtered.
        finish = end.finish_reason if end is not None else "stop"
        extra: dict[str, Any] = {"stream": True}
        if failure is None:
            tail = acc[sent:]
            if blocked is not None:
                await gov.record_output_violation(ctx, blocked, acc)
                tail = ("\n" if delivered else "") + FILTERED_NOTICE
                finish = "content_filter"
                extra["filtered"] = list(blocked.risks)
            piece = (prefix if first else "") + tail + suffix
            if piece:
                delivered.append(piece)
                if live:
                    yield StreamDelta(piece)
        elif not live or not delivered:
            yield StreamFailure(failure)
            return
        else:
            extra["error"] = failure.message
            finish = "error"
        extra["finish_reason"] = finish
        text = "".join(delivered)
        watermark = None
        if backend.watermarked and blocked is None and failure is None:
            watermark = gov.ports.watermarker.describe_text(payload)
        try:
            aigc = await gov.record_text(ctx, text, watermark=watermark, extra=extra)
        except (ApiError, GovloopError) as exc:
            recorded = True  # nothing more to try
            yield StreamFailure(exc if isinstance(exc, ApiError) else from_govloop(exc))
            return
        recorded = True
        if failure is not None:
            yield StreamFailure(failure)
            return
        if not live:
            for piece in delivered:
                yield StreamDelta(piece)
        prompt_tokens = end.prompt_tokens if end is not None else 0
        completion_tokens = end.completion_tokens if end is not None else 0
        yield StreamEnd(
            TextOutcome(ctx.produce_id, text, finish, aigc, prompt_tokens, completion_tokens)
        )
    finally:
        if live and delivered and not recorded:
            # The client went away mid-stream: what it received is still recorded.
            task = asyncio.get_running_loop().create_task(
                _record_quietly(
                    gov, ctx, "".join(delivered), {"stream": True, "finish_reason": "disconnected"}
                )
            )
            gov.background.add(task)
            task.add_done_callback(gov.background.discard)


async def _record_quietly(
    gov: Governor, ctx: RequestContext, text: str, extra: dict[str, Any]
) -> None:
    try:
        await gov.record_text(ctx, text, watermark=None, extra=extra)
    except (ApiError, GovloopError):
        return
