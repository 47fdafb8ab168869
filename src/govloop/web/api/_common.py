"""What the API routers share: the checked route class and small response helpers."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from govloop.web._limits import is_json
from govloop.web._problems import ProblemError

_JSON_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class JsonRoute(APIRoute):
    """A route whose body, when it declares one as JSON, must be sent as JSON (else 415).

    FastAPI would otherwise validate a text body against the model and answer 422, which hides
    the real mistake (the wrong type) from the caller.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Check the Content-Type before FastAPI reads the body."""
        handler = super().get_route_handler()
        body = self.body_field
        form = body is not None and _is_form(body)
        if body is None or form:
            return handler

        async def checked(request: Request) -> Response:
            if request.method in _JSON_BODY_METHODS:
                ctype = request.headers.get("content-type", "")
                if not is_json(ctype):
                    raise ProblemError(
                        415, f"send this body as application/json, not {ctype or 'no type'}"
                    )
            return await handler(request)

        return checked


def _is_form(field: Any) -> bool:
    from fastapi import params

    info = getattr(field, "field_info", None)
    return isinstance(info, params.Form | params.File)
