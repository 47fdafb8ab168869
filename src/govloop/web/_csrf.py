"""CSRF protection for every state-changing request a browser's cookies could authenticate.

The token is a nonce signed with the deployment's secret. A signed-in browser's nonce lives in
its session cookie (new at every sign-in); an anonymous browser gets one in the ``govloop_csrf``
cookie (``HttpOnly``, ``SameSite=Lax``) the first time a page asks for a token. A state-changing
request must send the token back, in the ``csrf_token`` form field or the ``X-CSRF-Token``
header, and it must match the nonce of the cookie the browser sent: a page on another site can
make the browser send the cookies but cannot read the token.

Exempt, because no cookie authenticates them: calls with ``Authorization: Bearer`` and calls to
``/api/`` that carry no session cookie (the public API for machines).
"""

from __future__ import annotations

import hmac
import re
import secrets

from itsdangerous import BadSignature
from starlette.requests import HTTPConnection, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from govloop.web._auth import SESSION_COOKIE, read_session
from govloop.web._nonce import nonce_serializer, sign_nonce
from govloop.web._problems import ProblemError

CSRF_COOKIE = "govloop_csrf"
"""Cookie holding an anonymous browser's nonce."""
CSRF_FIELD = "csrf_token"
"""Form field carrying the token."""
CSRF_HEADER = "x-csrf-token"
"""Header carrying the token (JavaScript and API clients using the session cookie)."""
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_STATE_NEW = "govloop_csrf_new"
_NONCE = re.compile(r"[A-Za-z0-9_-]{20,64}")


def _cookie_nonce(conn: HTTPConnection) -> str | None:
    value = conn.cookies.get(CSRF_COOKIE, "")
    return value if _NONCE.fullmatch(value) else None


def _expected_nonce(conn: HTTPConnection) -> str | None:
    session = read_session(conn)
    if session is not None:
        return session.nonce
    state = conn.scope.setdefault("state", {})
    return _cookie_nonce(conn) or state.get(_STATE_NEW)


def csrf_token(request: HTTPConnection) -> str:
    """The token a page puts in its forms (hidden field ``csrf_token``)."""
    nonce = _expected_nonce(request)
    if nonce is None:
        nonce = secrets.token_urlsafe(24)
        request.scope.setdefault("state", {})[_STATE_NEW] = nonce
    return sign_nonce(request, nonce)


def _exempt(request: Request) -> bool:
    if request.method in SAFE_METHODS:
        return True
    if request.headers.get("authorization"):
        return True  # token (or a malformed header, refused by authentication)
    return request.url.path.startswith("/api/") and SESSION_COOKIE not in request.cookies


async def verify_csrf(request: Request) -> None:
    """Dependency: refuse a state-changing request without a valid CSRF token (403)."""
    if _exempt(request):
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            field = form.get(CSRF_FIELD)
            sent = field if isinstance(field, str) else None
    expected = _expected_nonce(request)
    if not sent or expected is None:
        raise ProblemError(
            403,
            "this form or request has no CSRF token; reload the page and try again",
            code="csrf_failed",
            title="CSRF check failed",
        )
    try:
        nonce = nonce_serializer(request).loads(sent)
    except BadSignature:
        nonce = None
    if not isinstance(nonce, str) or not hmac.compare_digest(nonce, expected):
        raise ProblemError(
            403,
            "the CSRF token does not match this browser's session; reload the page and try again",
            code="csrf_failed",
            title="CSRF check failed",
        )


class CsrfCookieMiddleware:
    """Sets the anonymous nonce cookie on the response when a page made a new one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Add ``Set-Cookie`` for a nonce minted while handling this request."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                nonce = scope.get("state", {}).get(_STATE_NEW)
                if nonce:
                    secure = "; Secure" if scope.get("scheme") == "https" else ""
                    cookie = f"{CSRF_COOKIE}={nonce}; Path=/; HttpOnly; SameSite=Lax{secure}"
                    headers = list(message.get("headers", []))
                    headers.append((b"set-cookie", cookie.encode("latin-1")))
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_cookie)
