"""The public complaint channel (Interim Measures Art. 15): form, receipt and status pages.

The form posts to the same library call as the API (:meth:`Complaints.submit`), so evidence is
traced at intake and the receipt is a ledger entry whichever door was used. A complaint the
person must correct (no category, an evidence type we do not take) is shown again with the
message and the input kept; nothing is stored until it is accepted.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from govloop.errors import GovloopError, NotFoundError
from govloop.feedback import CATEGORIES, DEFAULT_TIME_LIMITS, ComplaintIn, TimeLimits
from govloop.web._deps import get_services
from govloop.web._i18n import choose_language, gettext_for, ngettext_for
from govloop.web._services import Services
from govloop.web._views import PUBLIC_STATES, public_view
from govloop.web.pages._forms import FormError, field, read_form
from govloop.web.pages._render import render
from govloop.web.pages._words import category_label

router = APIRouter()
_Services = Annotated[Services, Depends(get_services)]

RECEIPT_CHARS = 32
"""Longest receipt number accepted in a URL."""


def _duration(seconds: float, lang: str) -> str:
    ngettext = ngettext_for(lang)
    days = seconds / 86400
    if days >= 1 and days == int(days):
        return ngettext("%(n)s day", "%(n)s days", int(days)) % {"n": int(days)}
    hours = round(seconds / 3600)
    return ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}


def _form_context(request: Request, services: Services, filing_id: str | None) -> dict[str, object]:
    lang = choose_language(request)
    filing = None
    if filing_id:
        try:
            found = services.registry.get(filing_id)
        except (NotFoundError, GovloopError):
            found = None
        if found is not None and found.state.value in PUBLIC_STATES:
            filing = public_view(found)
    limits: TimeLimits = getattr(services.complaints, "limits", DEFAULT_TIME_LIMITS)
    return {
        "categories": [(c, category_label(c, lang)) for c in CATEGORIES],
        "filing": filing,
        "form": {},
        "limits": {
            "triage": _duration(limits.triage.total_seconds(), lang),
            "resolve": _duration(limits.resolve.total_seconds(), lang),
            "source": limits.source,
        },
    }


@router.get("/complain")
def complain_form(
    request: Request,
    services: _Services,
    filing_id: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """The complaint form (optionally about one service)."""
    return render(request, "complain.html", _form_context(request, services, filing_id))


@router.post("/complain")
async def complain(request: Request, services: _Services) -> Response:
    """Accept a complaint and send the complainant to the receipt page."""
    lang = choose_language(request)
    _ = gettext_for(lang)
    context = _form_context(request, services, None)
    try:
        sub = await read_form(request)
        context["form"] = dict(sub.fields)
        context.update(_form_context(request, services, field(sub, "filing_id", max_chars=64)))
        context["form"] = dict(sub.fields)
        category = field(sub, "category", max_chars=40)
        description = field(sub, "description", max_chars=10_000)
        if category is None:
            raise FormError(_("Choose a category."))
        if category not in CATEGORIES:
            raise FormError(_("Choose one of the listed categories."))
        if description is None:
            raise FormError(_("Describe what happened."))
        complaint_in = ComplaintIn(
            category=category,
            description=description,
            evidence_text=field(sub, "evidence_text", max_chars=100_000),
            evidence_bytes=sub.data,
            evidence_filename=sub.filename or None,
            evidence_url=field(sub, "evidence_url", max_chars=2000),
            contact=field(sub, "contact", max_chars=200),
            filing_id=field(sub, "filing_id", max_chars=64),
            lang=lang,
        )
        complaint = await run_in_threadpool(services.complaints.submit, complaint_in)
    except FormError as exc:
        return render(
            request, "complain.html", {**context, "error": exc.message}, status=exc.status
        )
    except GovloopError as exc:
        return render(request, "complain.html", {**context, "error": exc.diagnostics()}, status=422)
    return RedirectResponse(f"/complaints/{complaint.receipt}?new=1&lang={lang}", status_code=303)


@router.get("/track")
def track(
    request: Request,
    receipt: Annotated[str | None, Query(max_length=RECEIPT_CHARS)] = None,
) -> Response:
    """Ask for a receipt number, then go to its status page."""
    if receipt and receipt.strip():
        lang = choose_language(request)
        return RedirectResponse(
            f"/complaints/{receipt.strip().upper()}?lang={lang}", status_code=303
        )
    return render(request, "track.html", {"receipt": receipt})


@router.get("/complaints/{receipt}")
def status(
    request: Request,
    receipt: str,
    services: _Services,
    new: Annotated[int, Query(ge=0, le=1)] = 0,
) -> Response:
    """State, time limit, history and result of a complaint; no contact or handler names."""
    if len(receipt) > RECEIPT_CHARS:
        raise NotFoundError(f"no complaint with receipt {receipt[:RECEIPT_CHARS]!r}")
    view = services.complaints.by_receipt(receipt).public_view()
    lang = choose_language(request)
    return render(
        request,
        "status.html",
        {"c": view, "new": bool(new), "category": category_label(view["category"], lang)},
    )
