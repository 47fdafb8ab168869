"""``x-request-id`` on every answer, and headers that the governance adds to any answer.

OpenAI sends ``x-request-id`` with every response, streamed or not, success or error; clients
log it and quote it to support. :func:`with_request_id` wraps the whole app (before the guard,
so refusals carry it too): it makes the id, keeps it in the ASGI scope for the routes (the
ledger entry stores it in ``extra.request_id``) and adds it, with any headers the routes put in
the scope's list (the ``x-ratelimit-*`` headers of the caller's key), to the response start.
"""

from __future__ import annotations

import os
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID = "govloop.request_id"
"""Scope key of the request's id."""
EXTRA_HEADERS = "govloop.headers"
"""Scope key of the list of ``(name, value)`` byte pairs added to the answer."""


def new_request_id() -> str:
    """``req_`` and 24 hex digits (96 random bits from the OS, as ``secrets`` uses)."""
    return "req_" + os.urandom(12).hex()


def request_id_of(scope: Any) -> str:
    """The id of the request whose scope this is ("" outside :func:`with_request_id`)."""
    found = scope.get(REQUEST_ID, "") if isinstance(scope, dict) else ""
    return found if isinstance(found, str) else ""


def add_headers(scope: Any, headers: dict[str, str]) -> None:
    """Headers to send with this request's answer, whatever route answers it."""
    extra = scope.get(EXTRA_HEADERS) if isinstance(scope, dict) else None
    if isinstance(extra, list):
        extra.extend((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items())


def add_header_pairs(scope: Any, pairs: list[tuple[bytes, bytes]]) -> None:
    """:func:`add_headers` for names and values already lower-case latin-1 bytes."""
    extra = scope.get(EXTRA_HEADERS) if isinstance(scope, dict) else None
    if isinstance(extra, list):
        extra += pairs


async def with_request_id(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Run ``app`` for one request; its answer gets ``x-request-id`` and the scope's headers."""
    if scope["type"] != "http":
        await app(scope, receive, send)
        return
    rid = new_request_id()
    extra: list[tuple[bytes, bytes]] = []
    scope[REQUEST_ID] = rid
    scope[EXTRA_HEADERS] = extra
    own = (b"x-request-id", rid.encode("ascii"))

    async def stamped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [*message.get("headers", ()), own]
            if extra:
                names = {name for name, _ in headers}
                headers += [h for h in extra if h[0] not in names]
            message = {**message, "headers": headers}
        await send(message)

    await app(scope, receive, stamped)
