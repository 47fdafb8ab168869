"""``POST /v1/responses``: OpenAI's Responses API, governed exactly like chat.

The same pipeline as ``/v1/chat/completions`` (:meth:`Governor.served` refuses a suspended model,
the input filter screens the input, the output filter, the explicit and implicit labels, the
watermark and the ledger append happen in :meth:`Governor.complete_text` and
:func:`~govloop.gateway._streaming.stream_text`); only the shapes differ. ``input`` is a string
or a list of messages, ``instructions`` becomes the system message, ``max_output_tokens`` bounds
the answer. Streamed, the events are ``response.created``, ``response.in_progress``,
``response.output_item.added``, ``response.content_part.added``,
``response.output_text.delta`` ..., ``response.output_text.done``, ``response.content_part.done``,
``response.output_item.done`` and ``response.completed`` (``response.incomplete`` when
``max_output_tokens`` or the output filter cut the answer). Tools, files, images, reasoning and
stored conversations (``previous_response_id``) are not supported and are refused by name.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import orjson
from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from govloop.gateway._deps import GovernorDep, PrincipalDep, aigc_headers, wants_unlabeled
from govloop.gateway._errors import ApiError
from govloop.gateway._governor import Governor, RequestContext, TextOutcome
from govloop.gateway._requestid import request_id_of
from govloop.gateway._streaming import StreamDelta, StreamEnd, stream_text
from govloop.gateway._textfields import part_fields, screened_text
from govloop.models import ChatMessage, GenerationRequest

router = APIRouter(tags=["responses"])

_ROLES = frozenset({"system", "developer", "user", "assistant"})
_TEXT_PARTS = frozenset({"input_text", "output_text", "text"})


class InputMessage(BaseModel):
    """One message of ``input`` (text content only)."""

    model_config = ConfigDict(extra="ignore")

    role: str
    """``user``, ``assistant``, ``system`` or ``developer``."""
    content: str | list[dict[str, Any]]
    """Text, or parts of type ``input_text``/``output_text``."""
    type: str = "message"
    """Only ``message`` items are supported."""

    def text_fields(self, path: str) -> Iterator[tuple[str, str]]:
        """The message's text (each part's)."""
        if isinstance(self.content, str):
            yield f"{path}.content", self.content
        else:
            yield from part_fields(self.content, f"{path}.content")

    def as_chat(self, index: int) -> ChatMessage:
        """The message as the models take it; refuses what has no meaning here."""
        if self.type != "message" or self.role not in _ROLES:
            raise ApiError(
                400,
                f"input[{index}]: only text messages are supported (got {self.type}/{self.role})",
                code="unsupported_value",
                param=f"input[{index}]",
            )
        if isinstance(self.content, str):
            return ChatMessage(_role(self.role), self.content)
        for j, part in enumerate(self.content):
            if part.get("type") not in _TEXT_PARTS:
                raise ApiError(
                    400,
                    f"input[{index}].content[{j}]: type {part.get('type')!r} is not supported "
                    "(text only)",
                    code="unsupported_value",
                    param=f"input[{index}].content[{j}]",
                )
        text = "".join(str(p.get("text", "")) for p in self.content)
        return ChatMessage(_role(self.role), text)


def _role(role: str) -> str:
    return "system" if role == "developer" else role


class ResponsesRequest(BaseModel):
    """``POST /v1/responses``."""

    model_config = ConfigDict(extra="ignore")

    model: str
    """Served model name."""
    input: str | list[InputMessage]
    """A prompt, or the conversation."""
    instructions: str | None = None
    """System instructions, put before the input."""
    max_output_tokens: int | None = Field(default=None, ge=1, le=8192)
    """Token limit of the answer."""
    temperature: float | None = Field(default=None, ge=0, le=2)
    """Sampling temperature (1 when unset)."""
    top_p: float | None = None
    """Accepted, not used."""
    stream: bool = False
    """Server-sent events."""
    tools: list[dict[str, Any]] | None = None
    """Refused unless empty: the gateway has no tools."""
    previous_response_id: str | None = None
    """Refused: responses are not stored for continuation."""
    metadata: dict[str, str] | None = None
    """Echoed back."""
    govloop_unlabeled: bool = False
    """Delivery without explicit labels (keys whose agreement allows it)."""

    def text_fields(self) -> Iterator[tuple[str, str]]:
        """``instructions``, then ``input`` (a string, or each message's text)."""
        if self.instructions:
            yield "instructions", self.instructions
        if isinstance(self.input, str):
            yield "input", self.input
        else:
            for i, m in enumerate(self.input):
                yield from m.text_fields(f"input[{i}]")

    def generation(self) -> GenerationRequest:
        """The model-level request."""
        if self.tools:
            raise ApiError(
                400, "tools are not supported here", code="unsupported_parameter", param="tools"
            )
        if self.previous_response_id:
            raise ApiError(
                400,
                "previous_response_id is not supported: send the conversation in input",
                code="unsupported_parameter",
                param="previous_response_id",
            )
        messages: list[ChatMessage] = []
        if self.instructions:
            messages.append(ChatMessage("system", self.instructions))
        if isinstance(self.input, str):
            messages.append(ChatMessage("user", self.input))
        else:
            messages += [m.as_chat(i) for i, m in enumerate(self.input)]
        if not messages:
            raise ApiError(
                400, "input: no message", code="missing_required_parameter", param="input"
            )
        return GenerationRequest(
            messages=tuple(messages),
            max_tokens=self.max_output_tokens or 256,
            temperature=1.0 if self.temperature is None else self.temperature,
        )


_INCOMPLETE = {"length": "max_output_tokens", "content_filter": "content_filter"}


def response_object(
    body: ResponsesRequest,
    ctx: RequestContext,
    created: int,
    out: TextOutcome | None,
) -> dict[str, Any]:
    """A ``response`` object: in progress (``out`` None) or finished."""
    pid = ctx.produce_id
    status, incomplete, output, usage = "in_progress", None, [], None
    if out is not None:
        reason = _INCOMPLETE.get(out.finish_reason)
        status = "incomplete" if reason else "completed"
        incomplete = {"reason": reason} if reason else None
        output = [_message(pid, out.text, "completed" if reason is None else "incomplete")]
        usage = {
            "input_tokens": out.prompt_tokens,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": out.completion_tokens,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": out.prompt_tokens + out.completion_tokens,
        }
    obj: dict[str, Any] = {
        "id": f"resp_{pid}",
        "object": "response",
        "created_at": created,
        "status": status,
        "error": None,
        "incomplete_details": incomplete,
        "instructions": body.instructions,
        "max_output_tokens": body.max_output_tokens,
        "model": ctx.model.name,
        "output": output,
        "parallel_tool_calls": False,
        "previous_response_id": None,
        "temperature": body.temperature,
        "text": {"format": {"type": "text"}},
        "tool_choice": "none",
        "tools": [],
        "top_p": body.top_p,
        "truncation": "disabled",
        "usage": usage,
        "metadata": body.metadata or {},
        "produce_id": pid,
    }
    if out is not None:
        obj["aigc"] = out.aigc
    return obj


def _message(pid: str, text: str | None, status: str) -> dict[str, Any]:
    content = [] if text is None else [_part(text)]
    return {
        "type": "message",
        "id": f"msg_{pid}",
        "status": status,
        "role": "assistant",
        "content": content,
    }


def _part(text: str) -> dict[str, Any]:
    return {"type": "output_text", "text": text, "annotations": [], "logprobs": []}


async def _prepare(
    gov: Governor, request: Request, principal: PrincipalDep, body: ResponsesRequest
) -> tuple[RequestContext, GenerationRequest]:
    model = await gov.served(body.model)
    ctx = gov.context(principal, model, unlabeled=wants_unlabeled(request, body.govloop_unlabeled))
    ctx.request_id = request_id_of(request.scope)
    req = body.generation()
    gov.text_backend(model)
    await gov.screen_prompt(ctx, screened_text(body))
    return ctx, req


class _Events:
    """Numbers the events of one streamed response (``sequence_number``)."""

    def __init__(self) -> None:
        self.seq = 0

    def __call__(self, kind: str, **fields: Any) -> bytes:
        data = {"type": kind, "sequence_number": self.seq, **fields}
        self.seq += 1
        return b"event: " + kind.encode("ascii") + b"\ndata: " + orjson.dumps(data) + b"\n\n"


async def _stream(
    gov: Governor, ctx: RequestContext, req: GenerationRequest, body: ResponsesRequest
) -> AsyncIterator[bytes | ApiError]:
    created, ev = int(time.time()), _Events()
    item = {"item_id": f"msg_{ctx.produce_id}", "output_index": 0, "content_index": 0}
    started = False
    async for event in stream_text(gov, ctx, req):
        if not started and not isinstance(event, StreamDelta | StreamEnd):
            yield event.error  # nothing sent yet: the route answers with the error's status
            return
        if not started:
            started = True
            head = response_object(body, ctx, created, None)
            yield ev("response.created", response=head)
            yield ev("response.in_progress", response=head)
            yield ev(
                "response.output_item.added",
                output_index=0,
                item=_message(ctx.produce_id, None, "in_progress"),
            )
            yield ev("response.content_part.added", part=_part(""), **item)
        if isinstance(event, StreamDelta):
            yield ev("response.output_text.delta", delta=event.text, logprobs=[], **item)
        elif isinstance(event, StreamEnd):
            out = event.outcome
            final = response_object(body, ctx, created, out)
            yield ev("response.output_text.done", text=out.text, logprobs=[], **item)
            yield ev("response.content_part.done", part=_part(out.text), **item)
            yield ev("response.output_item.done", output_index=0, item=final["output"][0])
            kind = "response.completed" if final["status"] == "completed" else "response.incomplete"
            yield ev(kind, response=final)
            return
        else:
            err = event.error.body()["error"]
            yield ev("error", code=err["code"], message=err["message"], param=err["param"])
            return


async def _chain(
    first: bytes | ApiError | None, rest: AsyncIterator[bytes | ApiError]
) -> AsyncIterator[bytes]:
    if isinstance(first, bytes):
        yield first
    async for piece in rest:
        if isinstance(piece, bytes):
            yield piece


@router.post("/v1/responses")
async def create_response(
    body: ResponsesRequest, request: Request, gov: GovernorDep, principal: PrincipalDep
) -> Response:
    """A response, governed (filters, labels, watermark, ledger), streamed or not."""
    ctx, req = await _prepare(gov, request, principal, body)
    if body.stream:
        events = _stream(gov, ctx, req, body)
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
    created = int(time.time())
    out = await gov.complete_text(ctx, req)
    data = orjson.dumps(response_object(body, ctx, created, out))
    return Response(
        data, media_type="application/json", headers=aigc_headers(out.produce_id, out.aigc)
    )
