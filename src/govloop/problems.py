"""One mapping from govloop's exception tree to HTTP answers, shared by every HTTP face.

The gateway answers in OpenAI's error shape and the web app in RFC 9457 problem documents, but
both must agree on *which* status a library error means, or the same refusal would read as a 400
on one door and a 500 on the other. This module holds that decision and imports no HTTP library,
so the library layers stay free of web frameworks; each face only renders a :class:`Problem`.
"""

from __future__ import annotations

from dataclasses import dataclass

from govloop.errors import (
    AccessError,
    AuthenticationError,
    ConfigError,
    GovloopError,
    InputError,
    KeyStoreError,
    ModelError,
    NotFoundError,
    RateLimitError,
    StateError,
    StoreError,
    VerificationError,
    WatermarkError,
)

__all__ = ["PROBLEM_BASE", "Problem", "problem_for"]

PROBLEM_BASE = "https://govloop.dev/problems/"
"""Prefix of the ``type`` URIs of problem documents (RFC 9457 section 3.1.1)."""


@dataclass(frozen=True)
class Problem:
    """What an HTTP face should answer for an error: status, a stable code and a title."""

    status: int
    """HTTP status code."""
    code: str
    """Stable machine-readable code (the last segment of the problem type URI)."""
    title: str
    """Short, human-readable summary of the problem type (the same for every instance)."""
    detail: str
    """This occurrence, for a person: the error's diagnostics."""
    server_side: bool = False
    """True when the fault is govloop's or a dependency's, not the caller's."""
    param: str | None = None
    """The request field at fault, when the error names one."""

    @property
    def type_uri(self) -> str:
        """The problem type URI."""
        return PROBLEM_BASE + self.code


# Most specific first: the first class an error is an instance of decides.
_TABLE: tuple[tuple[type[GovloopError], int, str, str, bool], ...] = (
    (NotFoundError, 404, "not_found", "Not found", False),
    (AuthenticationError, 401, "unauthenticated", "Not authenticated", False),
    (RateLimitError, 429, "rate_limit_exceeded", "Too many requests", False),
    (AccessError, 403, "forbidden", "Not allowed", False),
    (InputError, 400, "invalid_value", "Invalid input", False),
    (StateError, 409, "conflict", "Not allowed in the current state", False),
    (VerificationError, 422, "verification_failed", "Does not verify", False),
    (WatermarkError, 422, "watermark_failed", "Watermark could not be processed", False),
    (ModelError, 502, "upstream_failed", "Model backend failed", True),
    (StoreError, 503, "store_unavailable", "Storage unavailable", True),
    (KeyStoreError, 500, "keys_unavailable", "Signing keys unavailable", True),
    (ConfigError, 500, "misconfigured", "Server misconfigured", True),
)


def problem_for(exc: GovloopError) -> Problem:
    """The HTTP answer for a library error; unknown subclasses are a 500 ``internal_error``.

    The class decides the status; an error's own ``code`` (when set) refines the table's.
    """
    detail = exc.diagnostics()
    for cls, status, code, title, server in _TABLE:
        if isinstance(exc, cls):
            return Problem(status, exc.code or code, title, detail, server, exc.param)
    return Problem(500, "internal_error", "Internal error", detail, True)
