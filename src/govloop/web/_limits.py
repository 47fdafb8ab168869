"""Request body limits, enforced before a byte of an oversized body is read.

Two checks, in one ASGI middleware in front of everything: a declared ``Content-Length`` over the
limit is refused at once (413) without reading the body; a body sent without a length (chunked)
is counted as it streams and refused the moment it passes the limit, so no handler ever holds
more than the limit in memory. Multipart bodies (uploads) get the larger upload limit; every
other body gets the small one. Which file types an upload may be is a route's business
(:data:`UPLOAD_TYPES`), checked after the size.
"""

from __future__ import annotations

import email.message
import mimetypes
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from govloop.web._problems import ProblemError, render_problem

MiB = 1024 * 1024

UPLOAD_TYPES = frozenset(
    {
        "text/plain",
        "text/markdown",
        "text/html",
        "image/png",
        "image/jpeg",
        "image/webp",
        "image/gif",
        "image/tiff",
        "audio/mpeg",
        "audio/wav",
        "audio/x-wav",
        "audio/flac",
        "audio/ogg",
        "video/mp4",
        "application/pdf",
    }
)
"""Media types an uploaded file (verify, complaint evidence) may have."""


@dataclass(frozen=True)
class WebLimits:
    """Size limits of request bodies."""

    max_body: int = 1 * MiB
    """Largest JSON or form body without files, in bytes."""
    max_upload: int = 16 * MiB
    """Largest multipart body (an uploaded file and its form), in bytes."""

    def for_content_type(self, content_type: str) -> int:
        """The limit for a body of this type."""
        return self.max_upload if content_type.startswith("multipart/") else self.max_body


def upload_type(content_type: str | None, filename: str) -> str:
    """The media type of an uploaded file, refusing types not in :data:`UPLOAD_TYPES` (415).

    A generic declared type (none, or ``application/octet-stream``) is read from the file name.
    """
    declared = (content_type or "").split(";")[0].strip().lower()
    if declared in ("", "application/octet-stream"):
        declared = (mimetypes.guess_type(filename)[0] or "") if filename else ""
    if declared not in UPLOAD_TYPES:
        shown = declared or "unknown"
        raise ProblemError(
            415,
            f"file {filename or '(unnamed)'!r} has type {shown}; accepted: "
            + ", ".join(sorted(UPLOAD_TYPES)),
        )
    return declared


class _TooLarge(Exception):
    """Raised into the app when a streamed body passes its limit (the 413 is already sent)."""


class BodyLimitMiddleware:
    """Refuse bodies over the limit: by ``Content-Length`` first, then while streaming."""

    def __init__(self, app: ASGIApp, limits: WebLimits) -> None:
        self.app = app
        self.limits = limits

    async def _refuse(self, scope: Scope, send: Send, limit: int, why: str) -> None:
        request = Request(scope)
        response = render_problem(
            request,
            413,
            "too_large",
            "Request body too large",
            f"{why}; the limit for this request is {limit} bytes",
            limit=limit,
        )
        await response(scope, _no_receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the declared length, then count the streamed body."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        ctype = headers.get(b"content-type", b"").decode("latin-1").lower()
        limit = self.limits.for_content_type(ctype)
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                length = -1
            if length > limit:
                await self._refuse(scope, send, limit, f"the body declares {length} bytes")
                return
        seen = 0
        refused = False
        started = False

        async def counting_receive() -> Message:
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    if not started and not refused:
                        refused = True
                        await self._refuse(scope, send, limit, f"the body passed {limit} bytes")
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 went out; the app's own answer is dropped
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not refused:
                raise


async def _no_receive() -> dict[str, Any]:
    return {"type": "http.disconnect"}


def is_json(content_type: str) -> bool:
    """Whether a Content-Type names JSON (``application/json`` or ``application/*+json``)."""
    msg = email.message.Message()
    msg["content-type"] = content_type
    sub = msg.get_content_subtype()
    return msg.get_content_maintype() == "application" and (sub == "json" or sub.endswith("+json"))
