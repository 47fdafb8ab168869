"""Who is calling: a signed session cookie (browsers) or an ``Authorization: Bearer`` token.

Sessions are stateless cookies signed with itsdangerous under a secret kept in the govloop home
(``web/session.key``, made on first use, mode 0600), so every worker of a deployment accepts
the same cookies and a restart keeps people signed in. The cookie is ``HttpOnly`` and
``SameSite=Lax``, and ``Secure`` whenever the request came over https; it carries the account
id, the session's CSRF nonce and its issue time, and expires after :data:`SESSION_MAX_AGE_S`.
Every request re-reads the account, so a deactivated account loses access at once.

Tokens are checked by :mod:`govloop.accounts` (hashed at rest); a presented token that does not
authenticate is a 401, never a silent fall-back to anonymous.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import HTTPConnection
from starlette.responses import Response

from govloop.errors import GovloopError
from govloop.web._nonce import sign_nonce
from govloop.web._problems import ProblemError

if TYPE_CHECKING:
    from govloop.accounts import User
    from govloop.web._services import Services

SESSION_COOKIE = "govloop_session"
"""Name of the session cookie."""
SESSION_MAX_AGE_S = 8 * 3600
"""How long a session lasts after sign-in (a working day)."""
_SESSION_SALT = "govloop.web.session"


def load_secret(home: Path) -> bytes:
    """The deployment's cookie-signing secret, made (0600) on first use."""
    path = home / "web" / "session.key"
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        pass
    except ValueError as exc:
        from govloop.errors import ConfigError

        raise ConfigError(f"{path}: not a hex secret; delete it to make a new one") from exc
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(32)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secret.hex())
    try:
        os.link(tmp, path)  # atomic and never overwrites another worker's secret
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


@dataclass(frozen=True)
class Session:
    """A decoded session cookie."""

    user_id: str
    """The signed-in account."""
    nonce: str
    """The session's CSRF nonce."""


class SessionCodec:
    """Signs and reads session cookies."""

    def __init__(self, secret: bytes) -> None:
        self._s = URLSafeTimedSerializer(secret, salt=_SESSION_SALT)

    def dumps(self, session: Session) -> str:
        """The cookie value."""
        return self._s.dumps({"u": session.user_id, "n": session.nonce})

    def loads(self, value: str) -> Session | None:
        """The session in a cookie value, or None when forged, expired or malformed."""
        try:
            data = self._s.loads(value, max_age=SESSION_MAX_AGE_S)
        except BadSignature:
            return None
        if not isinstance(data, dict):
            return None
        uid, nonce = data.get("u"), data.get("n")
        if not isinstance(uid, str) or not isinstance(nonce, str):
            return None
        return Session(uid, nonce)


def read_session(conn: HTTPConnection) -> Session | None:
    """The request's valid session, if any (decoded once per request)."""
    cached = conn.scope.setdefault("state", {})
    if "govloop_session" not in cached:
        value = conn.cookies.get(SESSION_COOKIE)
        codec: SessionCodec = conn.app.state.session_codec
        cached["govloop_session"] = codec.loads(value) if value else None
    found: Session | None = cached["govloop_session"]
    return found


def bearer_token(conn: HTTPConnection) -> str | None:
    """The token of an ``Authorization: Bearer`` header, if one is sent."""
    header = conn.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ProblemError(
            401,
            "the Authorization header must be 'Bearer <token>'",
            headers={"WWW-Authenticate": 'Bearer realm="govloop"'},
        )
    return token.strip()


def authenticate(services: Services, conn: HTTPConnection) -> User | None:
    """The account behind the request's token or session; None for an anonymous request."""
    token = bearer_token(conn)
    accounts = services.accounts
    if token is not None:
        try:
            user = accounts.user_for_token(token)
        except GovloopError:
            user = None
        if user is None or not user.active:
            raise ProblemError(
                401,
                "the API token is not valid (unknown, revoked or its account is inactive)",
                code="invalid_token",
                headers={"WWW-Authenticate": 'Bearer realm="govloop", error="invalid_token"'},
            )
        return user
    session = read_session(conn)
    if session is None:
        return None
    try:
        user = accounts.get(session.user_id)
    except GovloopError:
        return None
    return user if user.active else None


def _secure(conn: HTTPConnection) -> bool:
    return conn.url.scheme == "https"


def start_session(conn: HTTPConnection, response: Response, user: User) -> str:
    """Sign ``user`` in on ``response``; returns the new session's CSRF token.

    A fresh nonce each time, so a token seen before sign-in is worthless after it.
    """
    nonce = secrets.token_urlsafe(24)
    codec: SessionCodec = conn.app.state.session_codec
    response.set_cookie(
        SESSION_COOKIE,
        codec.dumps(Session(user.id, nonce)),
        max_age=SESSION_MAX_AGE_S,
        httponly=True,
        samesite="lax",
        secure=_secure(conn),
        path="/",
    )
    state = conn.scope.setdefault("state", {})
    state["govloop_session"] = Session(user.id, nonce)
    return sign_nonce(conn, nonce)


def end_session(conn: HTTPConnection, response: Response) -> None:
    """Sign out: the cookie is cleared."""
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=_secure(conn)
    )
