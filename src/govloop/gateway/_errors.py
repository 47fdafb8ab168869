"""OpenAI-style errors: ``{"error": {"message", "type", "param", "code"}}`` with a status code.

Routes raise :class:`ApiError`; one handler in the app turns it (and any
:class:`~govloop.errors.GovloopError` that escapes) into the JSON body the ``openai`` client
parses into its own exception classes.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from govloop.errors import GovloopError, ModelError
from govloop.problems import problem_for


class ApiError(Exception):
    """An error answer of the gateway."""

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
        self.code = code
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


_OPENAI_TYPES = {
    "upstream_failed": "upstream_error",
}


def from_govloop(exc: GovloopError) -> ApiError:
    """Render the shared :func:`govloop.problems.problem_for` decision in OpenAI's error shape."""
    problem = problem_for(exc)
    kind = _OPENAI_TYPES.get(
        problem.code, "server_error" if problem.server_side else "invalid_request_error"
    )
    return ApiError(problem.status, problem.detail, type=kind, code=problem.code)


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


def internal_error(where: str) -> ApiError:
    """A generic 500 whose request id appears in the log beside the traceback."""
    rid = request_id()
    log.exception("unhandled error answering %s (%s)", where, rid)
    return ApiError(
        500, f"internal error; quote request {rid} to the operator", type="server_error"
    )
