"""RFC 9457 problem documents: every error the web app answers, in one shape.

The status and code of a library error come from :func:`govloop.problems.problem_for`, the
mapping the gateway uses too; this module only renders it. API clients get
``application/problem+json``; a browser asking for a page (``Accept: text/html`` outside
``/api/``) gets an HTML error page, from the pages package when it provides one. No traceback
ever reaches a client: an unexpected exception is logged and answered as ``internal_error``.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, JSONResponse, Response

from govloop.errors import GovloopError
from govloop.problems import PROBLEM_BASE, problem_for

log = logging.getLogger("govloop.web")

PROBLEM_JSON = "application/problem+json"
"""Media type of problem documents (RFC 9457 section 3)."""

ErrorPage = Callable[[Request, int, str, str], Response]
"""Renders an HTML error page: (request, status, title, detail) -> response."""

_HTTP_CODES: dict[int, tuple[str, str]] = {
    400: ("bad_request", "Bad request"),
    401: ("unauthenticated", "Authentication required"),
    403: ("forbidden", "Not allowed"),
    404: ("not_found", "Not found"),
    405: ("method_not_allowed", "Method not allowed"),
    406: ("not_acceptable", "Not acceptable"),
    409: ("conflict", "Not allowed in the current state"),
    413: ("too_large", "Request body too large"),
    415: ("unsupported_media_type", "Unsupported media type"),
    422: ("invalid_request", "Invalid request"),
    429: ("too_many_requests", "Too many requests"),
    500: ("internal_error", "Internal error"),
}


class ProblemError(Exception):
    """An error answer raised by the web layer itself (authentication, CSRF, limits, types)."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        code: str | None = None,
        title: str | None = None,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        default_code, default_title = _HTTP_CODES.get(status, ("error", "Error"))
        self.status = status
        self.detail = detail
        self.code = code or default_code
        self.title = title or default_title
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})


def problem_body(
    status: int, code: str, title: str, detail: str, *, instance: str | None = None, **extra: Any
) -> dict[str, Any]:
    """The JSON members of a problem document."""
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if instance:
        body["instance"] = instance
    body.update(extra)
    return body


def wants_html(request: Request) -> bool:
    """A browser asking for a page, not an API client."""
    if request.url.path.startswith("/api/"):
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept


def _fallback_page(request: Request, status: int, title: str, detail: str) -> Response:
    del request
    body = (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<title>{status} {html.escape(title)}</title></head><body>"
        f"<h1>{status} {html.escape(title)}</h1><p>{html.escape(detail)}</p>"
        "<p><a href='/'>返回首页 / Home</a></p></body></html>"
    )
    return HTMLResponse(body, status_code=status)


def _error_page(request: Request) -> ErrorPage:
    """The app's error page (the pages package installs one), else a plain bilingual page."""
    page = getattr(request.app.state, "error_page", None)
    return page if callable(page) else _fallback_page


def render_problem(
    request: Request,
    status: int,
    code: str,
    title: str,
    detail: str,
    *,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> Response:
    """Answer with a problem document (or an HTML page for a browser)."""
    if wants_html(request):
        response = _error_page(request)(request, status, title, detail)
        response.headers.update(dict(headers or {}))
        return response
    body = problem_body(status, code, title, detail, instance=request.url.path, **extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _validation_errors(errors: Sequence[Any]) -> list[dict[str, str]]:
    out = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ())]
        out.append(
            {"pointer": "/" + "/".join(loc[1:]) if len(loc) > 1 else "/", "detail": err["msg"]}
        )
    return out


def install(app: FastAPI, *, error_page: ErrorPage | None = None) -> None:
    """Register the handlers that turn every error into a problem document.

    ``error_page`` renders errors for browsers (the pages package's); it is passed in rather
    than imported so that this module, which the pages use, does not import them.
    """
    app.state.error_page = error_page

    @app.exception_handler(ProblemError)
    async def _problem(request: Request, exc: ProblemError) -> Response:
        return render_problem(
            request, exc.status, exc.code, exc.title, exc.detail, headers=exc.headers, **exc.extra
        )

    @app.exception_handler(GovloopError)
    async def _library(request: Request, exc: GovloopError) -> Response:
        p = problem_for(exc)
        if p.server_side:
            log.error("request %s failed: %s", request.url.path, p.detail, exc_info=exc)
        return render_problem(request, p.status, p.code, p.title, p.detail)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = list(exc.errors())
        if any(e.get("type") == "json_invalid" for e in errors):
            return render_problem(
                request, 400, "malformed_json", "Malformed JSON", "the request body is not JSON"
            )
        items = _validation_errors(errors)
        first = items[0] if items else {"pointer": "/", "detail": "invalid request"}
        detail = f"{first['pointer']}: {first['detail']}"
        return render_problem(
            request, 422, "invalid_request", "Invalid request", detail, errors=items
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code, title = _HTTP_CODES.get(exc.status_code, ("error", "Error"))
        detail = exc.detail if isinstance(exc.detail, str) else title
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"nothing at {request.url.path}"
        return render_problem(
            request, exc.status_code, code, title, detail, headers=dict(exc.headers or {})
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.error("unexpected error on %s", request.url.path, exc_info=exc)
        return render_problem(
            request, 500, "internal_error", "Internal error", "an unexpected error occurred"
        )
