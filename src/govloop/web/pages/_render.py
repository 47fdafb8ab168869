"""Rendering a page: one Jinja2 environment, the request's language and the shared context.

Templates are autoescaped (``.html``), so any text from filings, complaints or uploads is
escaped unless a view wraps trusted markup (charts) in :class:`markupsafe.Markup`. Every page
gets ``_`` for its language, the signed-in user, a CSRF token for its forms and the URLs of
the language switch. An explicit ``?lang=`` is remembered in a cookie.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from govloop.accounts import User
from govloop.web._csrf import csrf_token
from govloop.web._i18n import (
    DIRECTION,
    HTML_LANG,
    LANG_COOKIE,
    LANGS,
    SWITCH,
    choose_language,
    gettext_for,
    ngettext_for,
    normalise,
)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
"""The package's templates."""
STATIC = Path(__file__).resolve().parent.parent / "static"
"""The package's style sheet and scripts."""

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _when(value: dt.datetime | str | None) -> str:
    """A UTC time as ``2026-12-06 04:15 UTC``."""
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        value = parsed
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


_env.filters["when"] = _when


def lang_urls(request: Request) -> dict[str, str]:
    """The current page in each language (the switch on every page)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    out = {}
    for lang in LANGS:
        query = urlencode([*params, ("lang", lang)])
        out[lang] = f"{request.url.path}?{query}"
    return out


def page_user(request: Request) -> User | None:
    """The signed-in user, as resolved by :func:`govloop.web._deps.current_user`."""
    state = request.scope.get("state", {})
    user: User | None = state.get("govloop_user")
    return user


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    user: User | None = None,
) -> HTMLResponse:
    """The page ``template`` in the request's language."""
    lang = choose_language(request)
    base = {
        "request": request,
        "lang": lang,
        "html_lang": HTML_LANG[lang],
        "dir": DIRECTION[lang],
        # arrows that point back and forward in the page's reading direction
        "back": "→" if DIRECTION[lang] == "rtl" else "←",
        "fwd": "←" if DIRECTION[lang] == "rtl" else "→",
        "languages": SWITCH,
        "_": gettext_for(lang),
        "ngettext": ngettext_for(lang),
        "user": user if user is not None else page_user(request),
        "csrf": csrf_token(request),
        "lang_urls": lang_urls(request),
    }
    body = _env.get_template(template).render({**base, **(context or {})})
    response = HTMLResponse(body, status_code=status)
    remember_language(request, response)
    return response


def remember_language(request: Request, response: Response) -> None:
    """Keep an explicit ``?lang=`` choice in a cookie for the next pages."""
    asked = normalise(request.query_params.get("lang"))
    if asked is not None and asked != request.cookies.get(LANG_COOKIE):
        response.set_cookie(LANG_COOKIE, asked, max_age=365 * 86400, samesite="lax", path="/")


def error_page(request: Request, status: int, title: str, detail: str) -> Response:
    """The HTML face of a problem document (A's error handlers call this for browsers)."""
    lang = choose_language(request)
    _ = gettext_for(lang)
    titles = {
        400: _("Bad request"),
        401: _("Please sign in"),
        403: _("Not allowed"),
        404: _("Not found"),
        409: _("Not possible in the current state"),
        413: _("Too large"),
        415: _("Unsupported file type"),
        422: _("Please check the form"),
        429: _("Too many requests"),
        500: _("Something went wrong"),
    }
    try:
        return render(
            request,
            "error.html",
            {"status": status, "title": titles.get(status, title), "detail": detail},
            status=status,
        )
    except Exception:  # noqa: BLE001 - the error page must never fail itself
        from html import escape

        return HTMLResponse(
            f"<!doctype html><title>{status}</title><h1>{status} {escape(title)}</h1>"
            f"<p>{escape(detail)}</p>",
            status_code=status,
        )
