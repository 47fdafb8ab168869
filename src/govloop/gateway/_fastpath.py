"""A lean ASGI path for non-streamed text completions (the gateway's hot path).

Per request, FastAPI's routing, dependency solving, body re-validation and exception middleware
cost about as much CPU as the whole governance pipeline. :class:`FastTextPath` sits in front of
the routes and answers valid, non-streamed ``POST /v1/chat/completions`` and ``/v1/completions``
itself, running **exactly the same governance** (:func:`~govloop.gateway._routes_text.answer_text`:
key, rate limit, filing state, input filter, generation, output filter, labels, ledger append,
delivery log). Everything else — streams, bodies that do not validate, other routes, a worker
that is still starting — is handed to FastAPI unchanged (the body it already read is replayed),
so errors keep FastAPI's exact shapes.

It runs *outside* FastAPI (:class:`GatewayApp` calls it before Starlette's middleware stack):
that stack's exception and telemetry middleware cost more per request than the filters. An
exception that escapes the governance code is therefore answered here, with the same 500
``server_error`` body the FastAPI app would give, and logged.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson
from pydantic import BaseModel, ValidationError

from govloop.errors import GovloopError
from govloop.gateway._deps import UNLABELED_HEADER, principal_from, unlabeled_header
from govloop.gateway._errors import ApiError, from_govloop, internal_error
from govloop.gateway._governor import Governor
from govloop.gateway._requestid import add_header_pairs, request_id_of
from govloop.gateway._routes_text import answer_text
from govloop.gateway._schemas import ChatRequest, CompletionRequest

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

ROUTES: dict[str, tuple[type[ChatRequest] | type[CompletionRequest], bool]] = {
    "/v1/chat/completions": (ChatRequest, True),
    "/v1/completions": (CompletionRequest, False),
}
"""Path -> (request schema, chat shape) answered by the lean path."""

MAX_FAST_BODY = 1 << 20
"""Bodies larger than this (bytes) go to FastAPI, which applies its own limits."""

_AUTH = b"authorization"
_UNLABELED = UNLABELED_HEADER.encode("ascii")
_JSON = (b"content-type", b"application/json")
log = logging.getLogger("govloop.gateway")


class FastTextPath:
    """ASGI front answering valid non-streamed text requests without FastAPI's stack.

    ``app`` gets every other request; ``governor`` returns the worker's governor, or None while
    the worker is starting (then FastAPI answers, with its "starting" error).
    """

    def __init__(self, app: ASGIApp, governor: Callable[[], object]) -> None:
        self.app = app
        self.governor = governor

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer the hot routes here; pass everything else on."""
        route = ROUTES.get(scope["path"]) if scope["type"] == "http" else None
        if route is None or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        body, complete = await _read(receive)
        gov = self.governor()
        parsed: BaseModel | None = None
        if complete and isinstance(gov, Governor):
            try:
                parsed = route[0].model_validate_json(body)
            except ValidationError:
                parsed = None  # FastAPI answers with its usual 400
        if parsed is None or getattr(parsed, "stream", False):
            await self.app(scope, _replay(body, complete, receive), send)
            return
        assert isinstance(gov, Governor)
        assert isinstance(parsed, ChatRequest | CompletionRequest)
        auth, unlabeled = "", False
        for name, value in scope["headers"]:
            if name == _AUTH:
                auth = value.decode("latin-1")
            elif name == _UNLABELED:
                unlabeled = unlabeled_header(value.decode("latin-1"))
        rid = request_id_of(scope)
        try:
            principal = await principal_from(gov, auth)
            add_header_pairs(scope, gov.limiter.header_pairs(principal.key_id))
            data, headers = await answer_text(
                gov,
                principal,
                parsed,
                chat=route[1],
                unlabeled=parsed.govloop_unlabeled or unlabeled,
                request_id=rid,
            )
            status = 200
        except ApiError as exc:
            status, data, headers = exc.status, orjson.dumps(exc.body()), exc.headers
        except GovloopError as exc:
            err = from_govloop(exc)
            status, data, headers = err.status, orjson.dumps(err.body()), err.headers
        except Exception:  # what FastAPI's ServerErrorMiddleware would turn into a 500
            err = internal_error(scope["path"], rid)
            status, data, headers = err.status, orjson.dumps(err.body()), err.headers
        raw = [_JSON, (b"content-length", str(len(data)).encode("ascii"))]
        raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": data})


async def _read(receive: Receive) -> tuple[bytes, bool]:
    """The request body, and whether it was read whole (False past MAX_FAST_BODY)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        msg = await receive()
        if msg["type"] != "http.request":
            return b"".join(chunks), False  # disconnect: let FastAPI see it
        chunk = msg.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not msg.get("more_body", False):
            return b"".join(chunks), True
        if size > MAX_FAST_BODY:
            return b"".join(chunks), False


def _replay(body: bytes, complete: bool, receive: Receive) -> Receive:
    """A receive callable that first hands back the body already read."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": not complete}
        return await receive()

    return replay
