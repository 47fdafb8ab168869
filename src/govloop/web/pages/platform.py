"""Content platforms' page: check a file's labels, propagate them, trace a batch of files.

The check and the trace are shown on the page; propagation gives the file back with the
platform's fields, so its form posts straight to the API route that answers with the file (the
session cookie and the form's CSRF token authenticate it like any page form).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import Response

from govloop.accounts import Role, User
from govloop.errors import GovloopError
from govloop.web._deps import get_services, require_role
from govloop.web._i18n import choose_language, gettext_for, ngettext_for
from govloop.web._limits import upload_type
from govloop.web._problems import ProblemError
from govloop.web._services import Services
from govloop.web.api.platform import MAX_BULK_FILES, trace_one
from govloop.web.pages._forms import FormError, read_form
from govloop.web.pages._render import render

router = APIRouter()
_Services = Annotated[Services, Depends(get_services)]
_Platform = Annotated[User, Depends(require_role(Role.PLATFORM))]


def _context(services: Services, **extra: Any) -> dict[str, Any]:
    return {
        "max_files": MAX_BULK_FILES,
        "can_propagate": bool(services.settings.platform_code),
        **extra,
    }


@router.get("/platform")
def platform_page(request: Request, user: _Platform, services: _Services) -> Response:
    """The platform's tools."""
    del user
    return render(request, "platform.html", _context(services))


@router.post("/platform/check")
async def check(request: Request, user: _Platform, services: _Services) -> Response:
    """Implicit label, signatures, explicit label and the Art. 6 decision of one file."""
    from govloop.label import check_bytes

    del user
    _ = gettext_for(choose_language(request))
    try:
        sub = await read_form(request)
        if sub.data is None:
            raise FormError(_("Choose a file to check."))
        report = await run_in_threadpool(
            check_bytes,
            sub.data,
            filename=sub.filename,
            public_keys=services.keys.public_keys("label"),
        )
    except FormError as exc:
        return render(
            request, "platform.html", _context(services, error=exc.message), status=exc.status
        )
    except GovloopError as exc:
        return render(
            request, "platform.html", _context(services, error=exc.diagnostics()), status=422
        )
    return render(
        request, "platform.html", _context(services, check=report.model_dump(mode="json"))
    )


@router.post("/platform/trace")
async def bulk_trace(request: Request, user: _Platform, services: _Services) -> Response:
    """Trace up to :data:`MAX_BULK_FILES` files back to their ledger entries."""
    del user
    lang = choose_language(request)
    _, ngettext = gettext_for(lang), ngettext_for(lang)
    items: list[tuple[bytes, str]] = []
    try:
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            raise FormError(_("Choose one or more files."), status=415)
        form = await request.form()
        try:  # the uploads are spooled to temporary files: close them on every path
            uploads = [
                v for k, v in form.multi_items() if k == "files" and isinstance(v, UploadFile)
            ]
            uploads = [u for u in uploads if u.filename]
            if not uploads:
                raise FormError(_("Choose one or more files."))
            if len(uploads) > MAX_BULK_FILES:
                most = ngettext(
                    "At most %(n)s file at a time.",
                    "At most %(n)s files at a time.",
                    MAX_BULK_FILES,
                )
                raise FormError(most % {"n": MAX_BULK_FILES})
            for up in uploads:
                name = up.filename or "upload"
                try:
                    upload_type(up.content_type, name)
                except ProblemError as exc:
                    raise FormError(exc.detail, status=exc.status) from exc
                items.append((await up.read(), name))
        finally:
            await form.close()
    except FormError as exc:
        return render(
            request, "platform.html", _context(services, error=exc.message), status=exc.status
        )
    results = [await run_in_threadpool(trace_one, services, d, n) for d, n in items]
    found = sum(1 for r in results if r.get("found"))
    return render(request, "platform.html", _context(services, traced=results, traced_found=found))
