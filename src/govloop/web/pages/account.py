"""Sign-in and sign-out pages (the session cookie and CSRF come from :mod:`govloop.web._auth`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from govloop.accounts import Role, User
from govloop.errors import AccessError
from govloop.web._auth import end_session, start_session
from govloop.web._deps import current_user, get_services
from govloop.web._i18n import choose_language, gettext_for
from govloop.web._services import Services
from govloop.web.pages._forms import FormError, field, read_form
from govloop.web.pages._render import render

router = APIRouter()

LANDING: dict[Role, str] = {
    Role.PROVIDER: "/my/filings",
    Role.REGULATOR: "/my/filings",
    Role.PLATFORM: "/platform",
    Role.OBSERVER: "/stats",
    Role.ADMIN: "/stats",
}
"""Where each role lands after signing in."""


def _safe_next(value: str | None) -> str | None:
    """A local path to go back to (never another site: no scheme, no ``//``)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return None


@router.get("/login")
def login_form(
    request: Request, next: Annotated[str | None, Query(max_length=500)] = None
) -> Response:  # noqa: A002
    """The sign-in form."""
    return render(request, "login.html", {"next": _safe_next(next)})


@router.post("/login")
async def login(request: Request, services: Annotated[Services, Depends(get_services)]) -> Response:
    """Check the password; on success start a session and go to the role's landing page."""
    _ = gettext_for(choose_language(request))
    username = None
    try:
        sub = await read_form(request)
        username = field(sub, "username", max_chars=200)
        password = sub.fields.get("password", "")
        target = _safe_next(sub.fields.get("next"))
        if not username or not password:
            raise FormError(_("Enter your user name and password."))
        try:
            user = await run_in_threadpool(services.accounts.authenticate, username, password)
        except AccessError as exc:
            raise FormError(_("The user name or password is not right."), status=401) from exc
    except FormError as exc:
        return render(
            request, "login.html", {"username": username, "error": exc.message}, status=exc.status
        )
    response = RedirectResponse(target or LANDING.get(user.role, "/"), status_code=303)
    start_session(request, response, user)
    return response


@router.post("/logout")
def logout(request: Request, user: Annotated[User | None, Depends(current_user)]) -> Response:
    """End the session and go home."""
    del user
    response = RedirectResponse("/", status_code=303)
    end_session(request, response)
    return response
