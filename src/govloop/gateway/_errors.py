"""OpenAI-style errors: ``{"error": {"message", "type", "param", "code"}}`` with a status code.

Routes raise :class:`ApiError`; one handler in the app turns it (and any
:class:`~govloop.errors.GovloopError` that escapes) into the JSON body the ``openai`` client
parses into its own exception classes.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from typing import Any

from govloop.errors import GovloopError, ModelError, RateLimitError
from govloop.problems import problem_for

DEFAULT_CODES = {
    400: "invalid_value",
    401: "invalid_api_key",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    409: "conflict",
    413: "request_too_large",
    415: "unsupported_media_type",
    422: "invalid_value",
    429: "rate_limit_exceeded",
}
"""The ``code`` of a 4xx raised without one: every client error names a machine-readable code."""


class ApiError(Exception):
    """An error answer of the gateway (every 4xx carries a ``code``, see :data:`DEFAULT_CODES`)."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",  # noqa: A002 - OpenAI's field name
        code: str | None = None,
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.code = (
            code
            if code is not None or status >= 500
            else DEFAULT_CODES.get(status, "invalid_request")
        )
        self.param = param
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        """The JSON body."""
        return {
            "error": {
                "message": self.message,
                "type": self.type,
                "param": self.param,
                "code": self.code,
            }
        }


_OPENAI_TYPES = {401: "invalid_request_error", 403: "permission_error", 429: "rate_limit_error"}
"""OpenAI's error ``type`` by status (4xx not listed are ``invalid_request_error``)."""


def from_govloop(exc: GovloopError) -> ApiError:
    """Render the shared :func:`govloop.problems.problem_for` decision in OpenAI's error shape."""
    problem = problem_for(exc)
    if problem.code == "upstream_failed":
        kind = "upstream_error"
    elif problem.server_side:
        kind = "server_error"
    else:
        kind = _OPENAI_TYPES.get(problem.status, "invalid_request_error")
    headers: dict[str, str] = {}
    if isinstance(exc, RateLimitError):
        headers = {"Retry-After": f"{max(1, round(exc.retry_after))}", **exc.quota}
    return ApiError(
        problem.status,
        problem.detail,
        type=kind,
        code=problem.code,
        param=problem.param,
        headers=headers,
    )


log = logging.getLogger("govloop.gateway")


def request_id() -> str:
    """A short id that ties an error a client saw to the log line with its detail."""
    return "req_" + secrets.token_hex(8)


def upstream_failure(exc: ModelError, produce_id: str) -> ApiError:
    """A stable, generic 502 for a failed upstream; the detail goes to the log only.

    The upstream's URL, the HTTP client's exception text and the upstream's own error body are
    internal: clients get the request's ProduceID to quote, operators find the cause by it.
    """
    log.warning("upstream failed for %s: %s", produce_id, exc.diagnostics())
    return ApiError(
        502,
        f"the model's upstream failed; quote request {produce_id} to the operator",
        type="upstream_error",
        code="upstream_failed",
    )


def internal_error(where: str, rid: str | None = None) -> ApiError:
    """A generic 500 whose request id appears in the log beside the traceback.

    ``rid`` is the request's ``x-request-id`` when known (a fresh id otherwise).
    """
    rid = rid or request_id()
    log.exception("unhandled error answering %s (%s)", where, rid)
    return ApiError(
        500, f"internal error; quote request {rid} to the operator", type="server_error"
    )


_VALIDATION_CODES = {
    "missing": "missing_required_parameter",
    "extra_forbidden": "unknown_parameter",
}
"""Pydantic error types with their own OpenAI code; other type errors are ``invalid_type``."""
_VALUE_ERRORS = (
    "greater_than",
    "less_than",
    "too_short",
    "too_long",
    "literal_error",
    "string_pattern_mismatch",
    "enum",
    "value_error",
    "multiple_of",
)


def validation_error(errors: Sequence[Any]) -> ApiError:
    """A 400 for the first error of a body that did not validate, with OpenAI's codes.

    ``param`` names the field (dotted path) that failed; a JSON syntax error names no field
    (the location pydantic gives is a character offset, which is not a parameter), and its
    message says where the JSON broke instead.
    """
    first: dict[str, Any] = dict(errors[0]) if errors else {}
    kind = str(first.get("type", ""))
    loc = [str(p) for p in first.get("loc", ())[1:]]
    if kind == "json_invalid":
        where = f" at character {loc[0]}" if loc else ""
        why = str((first.get("ctx") or {}).get("error", "")) or "JSON decode error"
        return ApiError(400, f"body: not valid JSON{where} ({why})", code="invalid_json")
    param = ".".join(loc) or None
    if kind in _VALIDATION_CODES:
        code = _VALIDATION_CODES[kind]
    elif kind.startswith(_VALUE_ERRORS):
        code = "invalid_value"
    else:
        code = "invalid_type"
    return ApiError(
        400, f"{param or 'body'}: {first.get('msg', 'invalid request')}", code=code, param=param
    )
