"""OpenAI-style errors: ``{"error": {"message", "type", "param", "code"}}`` with a status code.

Routes raise :class:`ApiError`; one handler in the app turns it (and any
:class:`~govloop.errors.GovloopError` that escapes) into the JSON body the ``openai`` client
parses into its own exception classes.
"""

from __future__ import annotations

from typing import Any

from govloop.errors import (
    ConfigError,
    GovloopError,
    InputError,
    ModelError,
    NotFoundError,
    StoreError,
)


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


def from_govloop(exc: GovloopError) -> ApiError:
    """Map the project's exception tree to HTTP answers."""
    msg = exc.diagnostics()
    if isinstance(exc, NotFoundError):
        return ApiError(404, msg, code="not_found")
    if isinstance(exc, InputError):
        return ApiError(400, msg, code="invalid_value")
    if isinstance(exc, ModelError):
        return ApiError(502, msg, type="upstream_error", code="upstream_failed")
    if isinstance(exc, StoreError):
        return ApiError(503, msg, type="server_error", code="store_unavailable")
    if isinstance(exc, ConfigError):
        return ApiError(500, msg, type="server_error", code="misconfigured")
    return ApiError(500, msg, type="server_error", code="internal_error")
