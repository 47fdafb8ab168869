"""``/v1/chat/completions`` and ``/v1/completions``, streamed or not."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import orjson
from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse

from govloop.gateway._accounts import Principal
from govloop.gateway._deps import GovernorDep, PrincipalDep, aigc_headers, wants_unlabeled
from govloop.gateway._errors import ApiError
from govloop.gateway._governor import Governor, RequestContext
from govloop.gateway._requestid import request_id_of
from govloop.gateway._schemas import (
    ChatRequest,
    CompletionRequest,
    chat_body,
    chunk_body,
    completion_body,
    system_fingerprint,
    usage_of,
)
from govloop.gateway._streaming import StreamDelta, StreamEnd, stream_text
from govloop.gateway._textfields import screened_text
from govloop.models import GenerationRequest

router = APIRouter(tags=["text"])


def _sse(data: dict[str, Any]) -> bytes:
    return b"data: " + orjson.dumps(data) + b"\n\n"


async def _events(
    gov: Governor,
    ctx: RequestContext,
    req: GenerationRequest,
    *,
    chat: bool,
    include_usage: bool = False,
) -> AsyncIterator[bytes | ApiError]:
    created, name, pid = int(time.time()), ctx.model.name, ctx.produce_id
    fp = system_fingerprint(ctx.model)
    first = True
    async for ev in stream_text(gov, ctx, req):
        if isinstance(ev, StreamDelta):
            chunk = chunk_body(
                name,
                pid,
                chat=chat,
                text=ev.text,
                finish=None,
                created=created,
                first=first,
                fingerprint=fp,
            )
            if include_usage:
                chunk["usage"] = None
            yield _sse(chunk)
            first = False
        elif isinstance(ev, StreamEnd):
            out = ev.outcome
            final = chunk_body(
                name,
                pid,
                chat=chat,
                text=None,
                finish=out.finish_reason,
                created=created,
                first=first,
                fingerprint=fp,
            )
            final["produce_id"], final["aigc"] = pid, out.aigc
            if include_usage:
                final["usage"] = None
            yield _sse(final)
            if include_usage:
                # As OpenAI: one more chunk, with no choices and the whole answer's usage.
                last = {k: v for k, v in final.items() if k not in ("choices", "usage")}
                last["choices"] = []
                last["usage"] = usage_of(out.prompt_tokens, out.completion_tokens)
                yield _sse(last)
            yield b"data: [DONE]\n\n"
        elif first:
            yield ev.error  # nothing sent yet: the route answers with the error's status
            return
        else:
            yield _sse(ev.error.body())


async def _chain(
    first: bytes | ApiError | None, rest: AsyncIterator[bytes | ApiError]
) -> AsyncIterator[bytes]:
    if isinstance(first, bytes):
        yield first
    async for item in rest:
        if isinstance(item, bytes):
            yield item


async def _answer(
    gov: Governor,
    request: Request,
    principal: PrincipalDep,
    body: ChatRequest | CompletionRequest,
    *,
    chat: bool,
) -> Response:
    unlabeled = wants_unlabeled(request, body.govloop_unlabeled)
    rid = request_id_of(request.scope)
    if body.stream:
        ctx, req = await _prepare(gov, principal, body, unlabeled=unlabeled, request_id=rid)
        usage = body.stream_options is not None and body.stream_options.include_usage
        events = _events(gov, ctx, req, chat=chat, include_usage=usage)
        # The first event decides the status: a failure before any text (an upstream 500, a
        # refused ledger append) is an HTTP error, not a 200 carrying an error event.
        first = await anext(events, None)
        if isinstance(first, ApiError):
            return Response(
                orjson.dumps(first.body()),
                status_code=first.status,
                media_type="application/json",
                headers=first.headers,
            )
        return StreamingResponse(
            _chain(first, events),
            media_type="text/event-stream",
            headers={"X-Produce-Id": ctx.produce_id, "Cache-Control": "no-cache"},
        )
    data, headers = await answer_text(
        gov, principal, body, chat=chat, unlabeled=unlabeled, request_id=rid
    )
    return Response(data, media_type="application/json", headers=headers)


async def _prepare(
    gov: Governor,
    principal: Principal,
    body: ChatRequest | CompletionRequest,
    *,
    unlabeled: bool,
    request_id: str = "",
) -> tuple[RequestContext, GenerationRequest]:
    model = await gov.served(body.model)
    ctx = gov.context(principal, model, unlabeled=unlabeled)
    ctx.request_id = request_id
    req = body.generation()
    gov.text_backend(model)
    await gov.screen_prompt(ctx, screened_text(body))
    return ctx, req


async def answer_text(
    gov: Governor,
    principal: Principal,
    body: ChatRequest | CompletionRequest,
    *,
    chat: bool,
    unlabeled: bool,
    request_id: str = "",
) -> tuple[bytes, dict[str, str]]:
    """A non-streamed answer, governed: the JSON body and the ``X-Produce-Id``/``X-AIGC`` headers.

    Shared by the FastAPI route and the lean ASGI path (:mod:`govloop.gateway._fastpath`).
    ``request_id`` (the answer's ``x-request-id``) goes into the ledger entry.
    """
    ctx, req = await _prepare(gov, principal, body, unlabeled=unlabeled, request_id=request_id)
    out = await gov.complete_text(ctx, req)
    fp = system_fingerprint(ctx.model)
    data = (chat_body if chat else completion_body)(ctx.model.name, out, fp)
    return orjson.dumps(data), aigc_headers(out.produce_id, out.aigc)


@router.post("/v1/chat/completions")
async def chat_completions(
    body: ChatRequest, request: Request, gov: GovernorDep, principal: PrincipalDep
) -> Response:
    """Chat completion, governed (filters, labels, watermark, ledger)."""
    return await _answer(gov, request, principal, body, chat=True)


@router.post("/v1/completions")
async def completions(
    body: CompletionRequest, request: Request, gov: GovernorDep, principal: PrincipalDep
) -> Response:
    """Text completion, governed."""
    return await _answer(gov, request, principal, body, chat=False)
