"""Public pages: home, registry search and service pages, verify, and the style sheet."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import FileResponse, Response

from govloop.errors import GovloopError, NotFoundError
from govloop.web._deps import get_services
from govloop.web._i18n import choose_language, gettext_for
from govloop.web._services import Services
from govloop.web._views import PUBLIC_STATES, public_view
from govloop.web.api.filings import SearchParams, search_page
from govloop.web.api.verify import verify_content
from govloop.web.pages._forms import FormError, field, read_form
from govloop.web.pages._render import STATIC, render

router = APIRouter()
_Services = Annotated[Services, Depends(get_services)]

STATIC_FILES = frozenset({"style.css", "app.js"})
"""What ``/static`` serves (nothing else is reachable through it)."""
MAX_TEXT = 200_000
"""Longest pasted text a verify accepts, in characters."""


@router.get("/static/{name}")
def static(name: str) -> Response:
    """The package's style sheet and script, cached for a day."""
    if name not in STATIC_FILES:
        raise NotFoundError(f"no static file {name!r}")
    return FileResponse(STATIC / name, headers={"Cache-Control": "public, max-age=86400"})


@router.get("/")
def home(request: Request, services: _Services) -> Response:
    """What the platform is for, and the four public doors."""
    n_public, _ = search_page(services, limit=1)
    return render(request, "home.html", {"n_public": n_public})


@router.get("/registry")
def registry(
    request: Request, params: Annotated[SearchParams, Depends()], services: _Services
) -> Response:
    """Search approved services by name, provider, filing number and regime tier."""
    total, window = search_page(
        services, limit=params.limit, offset=params.offset, **params.criteria()
    )
    query = urlencode({k: v for k, v in params.criteria().items() if v})
    sep = "&" if query else ""
    return render(
        request,
        "registry.html",
        {
            "params": params,
            "total": total,
            "items": [public_view(f) for f in window],
            "export_json": f"/api/v1/filings?{query}",
            "export_csv": f"/api/v1/filings?{query}{sep}format=csv",
        },
    )


@router.get("/registry/{filing_id}")
def filing_page(request: Request, filing_id: str, services: _Services) -> Response:
    """One service: public fields, labelling policy, complaint link."""
    try:
        filing = services.registry.get(filing_id)
    except NotFoundError:
        filing = None
    if filing is None or filing.state.value not in PUBLIC_STATES:
        raise NotFoundError(f"no public filing {filing_id!r}")
    return render(request, "filing_public.html", {"f": public_view(filing)})


def _max_mb(request: Request) -> int:
    return int(request.app.state.limits.max_upload // (1024 * 1024))


@router.get("/verify")
def verify_form(request: Request) -> Response:
    """The verify form."""
    return render(request, "verify.html", {"max_mb": _max_mb(request)})


@router.post("/verify")
async def verify_page(request: Request, services: _Services) -> Response:
    """Examine an uploaded file or pasted text in memory and show what was found."""
    _ = gettext_for(choose_language(request))
    context: dict[str, object] = {"max_mb": _max_mb(request)}
    try:
        sub = await read_form(request)
        text = field(sub, "text", max_chars=MAX_TEXT)
        context["text"] = text
        if sub.data is not None:
            data, filename = sub.data, sub.filename
        elif text is not None:
            data, filename = text.encode("utf-8"), "pasted.txt"
        else:
            raise FormError(_("Choose a file or paste some text."))
        result = await run_in_threadpool(verify_content, services, data, filename)
    except FormError as exc:
        return render(request, "verify.html", {**context, "error": exc.message}, status=exc.status)
    except GovloopError as exc:
        return render(request, "verify.html", {**context, "error": exc.diagnostics()}, status=422)
    return render(request, "verify.html", {**context, "result": result})
