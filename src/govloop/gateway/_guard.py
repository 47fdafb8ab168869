"""The gateway's front door: who is asking and how big the request is, before any work.

Before this front, a request's whole body was read into memory before its API key or any size
limit was looked at: a 240 MB body with no key took a worker from about 210 MB to 740 MB before
its 401. :class:`RequestGuard` wraps the whole app (the lean text path and FastAPI) and, for
every ``/v1/`` request, in this order:

1. refuses a missing or unknown API key (401) without reading the body;
2. refuses a declared ``Content-Length`` above the limit (413) without reading it;
3. reads the body while counting (413 as soon as it passes the limit, so memory per connection
   is bounded by the limit) and with a timeout per piece (408 for a client that stalls);
4. refuses JSON that would only fail later: a lone UTF-16 surrogate escaped in a string (such
   as U+DC80) cannot be encoded as UTF-8 and used to surface as a plain-text 500 (or an empty
   streamed 200);
5. hands the inner app the body it read.

Every refusal is an OpenAI-shaped JSON error. Slow headers are bounded at the HTTP protocol
level (:func:`govloop.gateway._server.uvicorn_options`), since no ASGI app sees a request
before its headers are complete.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from govloop.gateway._config import ConnectionLimits
from govloop.gateway._errors import ApiError

_AUTH = b"authorization"
_LENGTH = b"content-length"
_LONE_SURROGATE_HINT = re.compile(rb"\\u[dD][89a-fA-F]")
"""A JSON escape of a UTF-16 surrogate; only then is the (rarer) full check worth running."""


class RequestGuard:
    """ASGI front that authenticates and bounds every ``/v1/`` request before it is read.

    ``governor`` returns the worker's governor (None while starting: the key check is then
    left to the routes, which answer "starting"); ``limits`` returns the current
    :class:`ConnectionLimits`.
    """

    def __init__(
        self,
        app: ASGIApp,
        governor: Callable[[], Any],
        limits: Callable[[], ConnectionLimits],
    ) -> None:
        self.app = app
        self.governor = governor
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check, read and pass on (or refuse) one request."""
        if scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        try:
            await self._authenticate(scope)
            limits = self.limits()
            declared = _declared_length(scope)
            if declared is not None and declared > limits.max_body_bytes:
                raise _too_large(limits)
            body = await _read_bounded(receive, limits)
            _check_text(scope, body)
        except ApiError as exc:
            await _refuse(send, exc)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _authenticate(self, scope: Scope) -> None:
        auth = b""
        for name, value in scope["headers"]:
            if name == _AUTH:
                auth = value
                break
        scheme, _, token = auth.decode("latin-1").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(
                401, "missing API key: send 'Authorization: Bearer <key>'", code="invalid_api_key"
            )
        gov = self.governor()
        known = getattr(gov, "known_key", None)
        if known is not None and not await known(token.strip()):
            raise ApiError(401, "invalid or revoked API key", code="invalid_api_key")


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == _LENGTH:
            try:
                return int(value)
            except ValueError:
                raise ApiError(400, "Content-Length is not a number") from None
    return None


def _too_large(limits: ConnectionLimits) -> ApiError:
    return ApiError(
        413,
        f"request body is larger than {limits.max_body_bytes} bytes",
        code="request_too_large",
    )


async def _receive_within(receive: Receive, timeout_s: float) -> Message:
    """``await receive()``, or TimeoutError after ``timeout_s``.

    What ``asyncio.timeout()`` does (a timer that cancels this task, the cancellation turned
    into TimeoutError only when it was the timer's), with one loop timer and no context
    manager: ``asyncio.timeout()``'s set-up and rescheduling had come back on every request of
    the hot path with this guard (design/0003 removed it once from the upstream client).
    """
    task = asyncio.current_task()
    assert task is not None  # an ASGI app runs in a task
    cancelling = task.cancelling()
    fired = False

    def expire() -> None:
        nonlocal fired
        fired = True
        task.cancel()

    timer = asyncio.get_running_loop().call_later(timeout_s, expire)
    try:
        return await receive()
    except asyncio.CancelledError:
        # ours only when no one else cancelled the task meanwhile (as asyncio.timeout decides)
        if fired and task.uncancel() <= cancelling:
            raise TimeoutError from None
        raise
    finally:
        timer.cancel()


async def _read_bounded(receive: Receive, limits: ConnectionLimits) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        try:
            message = await _receive_within(receive, limits.body_timeout_s)
        except TimeoutError:
            raise ApiError(
                408,
                f"the request body stalled for more than {limits.body_timeout_s:g} s",
                code="request_timeout",
            ) from None
        if message["type"] == "http.disconnect":
            raise ApiError(400, "the client disconnected before sending the whole body")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limits.max_body_bytes:
            raise _too_large(limits)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _check_text(scope: Scope, body: bytes) -> None:
    """Refuse JSON bodies whose strings cannot be encoded (lone surrogates)."""
    if scope["method"] != "POST" or not _LONE_SURROGATE_HINT.search(body):
        return
    try:
        orjson.loads(body)  # orjson refuses lone surrogates; paired ones (emoji) are fine
    except orjson.JSONDecodeError as exc:
        raise ApiError(
            400,
            f"body: not valid JSON text ({str(exc).split(':', 1)[0]}); strings must be valid "
            "Unicode (a lone surrogate such as \\udc80 is not)",
            code="invalid_body",
        ) from None


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again


async def _refuse(send: Send, exc: ApiError) -> None:
    data = orjson.dumps(exc.body())
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(data)).encode("ascii")),
        (b"connection", b"close"),
    ]
    headers += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in exc.headers.items()]
    await send({"type": "http.response.start", "status": exc.status, "headers": headers})
    await send({"type": "http.response.body", "body": data})
