"""OpenAI-style errors: ``{"error": {"message", "type", "param", "code"}}`` with a status code.

Routes raise :class:`ApiError`; one handler in the app turns it (and any
:class:`~govloop.errors.GovloopError` that escapes) into the JSON body the ``openai`` client
parses into its own exception classes.
"""

from __future__ import annotations

from typing import Any

from govloop.errors import GovloopError
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
