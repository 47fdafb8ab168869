"""Signing CSRF nonces: the one piece that sign-in and the CSRF check both need.

Kept apart so the session module (which signs a fresh nonce at sign-in) and the CSRF module
(which reads the session to find the expected nonce) do not import each other.
"""

from __future__ import annotations

from itsdangerous import URLSafeSerializer
from starlette.requests import HTTPConnection

_SALT = "govloop.web.csrf"


def nonce_serializer(conn: HTTPConnection) -> URLSafeSerializer:
    """The deployment's serializer for CSRF tokens."""
    secret: bytes = conn.app.state.web_secret
    return URLSafeSerializer(secret, salt=_SALT)


def sign_nonce(conn: HTTPConnection, nonce: str) -> str:
    """The token for ``nonce``."""
    return str(nonce_serializer(conn).dumps(nonce))
