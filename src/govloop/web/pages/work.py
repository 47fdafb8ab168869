"""Providers' and regulators' pages: filings with their trail, review decisions, complaint queues.

Who may see what is decided once, in :mod:`govloop.web._access` (a provider its organisation's
filings and complaints, a regulator its jurisdiction); a filing or complaint outside reach is a
404 like one that does not exist. Every change goes through the library call the API uses
(:func:`govloop.web.api.review.decide`, :meth:`Complaints.transition`, :meth:`Complaints.act`),
so the audit trail and the ledger record it the same way.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from govloop.accounts import Role, User
from govloop.errors import GovloopError, NotFoundError
from govloop.feedback import ACTIONS, TRANSITIONS, Complaint, ComplaintState
from govloop.web._access import may_see_complaint, may_see_filing
from govloop.web._deps import get_services, require_role
from govloop.web._i18n import choose_language, gettext_for, ngettext_for
from govloop.web._services import Services
from govloop.web._views import full_view
from govloop.web.api.complaints import PROVIDER_ACTIONS
from govloop.web.api.review import DECISIONS, actor_of, decide
from govloop.web.pages._forms import FormError, field, read_form
from govloop.web.pages._render import render
from govloop.web.pages._words import category_label

router = APIRouter()
_Services = Annotated[Services, Depends(get_services)]
_Handler = Annotated[User, Depends(require_role(Role.PROVIDER, Role.REGULATOR))]
_Regulator = Annotated[User, Depends(require_role(Role.REGULATOR))]


def _report_html(services: Services, run_id: str, lang: str) -> str | None:
    """The assessment's own HTML report (govloop.assess), or None when its run is not here."""
    from govloop.assess import build_report, render_html, report_digest

    try:
        report = build_report(services.store, run_id)
    except GovloopError:
        return None
    return render_html(report, lang=lang, digest=report_digest(report))


@router.get("/my/filings")
def my_filings(request: Request, user: _Handler, services: _Services) -> Response:
    """A provider's own filings in every state; a regulator's jurisdiction."""
    found = [f for f in services.registry.list() if may_see_filing(user, f)]
    views = [full_view(f, [], regulator=user.role is Role.REGULATOR) for f in found]
    return render(request, "my_filings.html", {"items": views})


def _filing_page(
    request: Request,
    user: User,
    services: Services,
    filing_id: str,
    *,
    error: str | None = None,
    flash: str | None = None,
    status: int = 200,
) -> Response:
    filing = services.registry.get(filing_id)
    if not may_see_filing(user, filing):
        raise NotFoundError(f"no filing {filing_id!r} among the filings you can see")
    regulator = user.role is Role.REGULATOR
    view = full_view(filing, services.registry.events(filing.id), regulator=regulator)
    lang = choose_language(request)
    assessments = []
    for a in services.registry.assessments(filing.id):
        assessments.append(
            {**a.model_dump(mode="json"), "html": _report_html(services, a.run_id, lang)}
        )
    decisions = [d for d, (sources, _) in DECISIONS.items() if filing.state in sources]
    return render(
        request,
        "my_filing.html",
        {
            "f": view,
            "assessments": assessments,
            "decisions": decisions if regulator else [],
            "error": error,
            "flash": flash,
        },
        status=status,
    )


@router.get("/my/filings/{filing_id}")
def my_filing(request: Request, filing_id: str, user: _Handler, services: _Services) -> Response:
    """Lifecycle, audit trail, classification with reasons, assessments with their reports."""
    return _filing_page(request, user, services, filing_id)


@router.post("/my/filings/{filing_id}/decision")
async def review_decision(
    request: Request, filing_id: str, user: _Regulator, services: _Services
) -> Response:
    """A regulator's decision with a comment (the audit trail keeps both)."""
    _ = gettext_for(choose_language(request))
    try:
        sub = await read_form(request)
        decision = field(sub, "decision", max_chars=20)
        comment = field(sub, "comment", max_chars=4000)
        if decision not in DECISIONS:
            raise FormError(_("Choose a decision."))
        if not comment:
            raise FormError(_("A decision needs a comment."))
        await run_in_threadpool(decide, services, user, filing_id, decision, comment)
    except FormError as exc:
        return _filing_page(
            request, user, services, filing_id, error=exc.message, status=exc.status
        )
    except NotFoundError:
        raise
    except GovloopError as exc:
        return _filing_page(request, user, services, filing_id, error=exc.diagnostics(), status=409)
    return RedirectResponse(f"/my/filings/{filing_id}?done={decision}", status_code=303)


# -- complaints -----------------------------------------------------------------------------


def clock(c: Complaint, now: dt.datetime, lang: str) -> dict[str, Any]:
    """The time-limit clock of a complaint: time left (or late) and how urgent it is."""
    _ = gettext_for(lang)
    if c.state.value in ("resolved", "rejected"):
        return {"text": _("closed"), "level": "closed"}
    due = c.triage_due_at if c.state is ComplaintState.RECEIVED else c.due_at
    left = (due - now).total_seconds()
    hours = abs(left) / 3600
    ngettext = ngettext_for(lang)
    if hours >= 48:
        days = round(hours / 24)
        span = ngettext("%(n)s day", "%(n)s days", days) % {"n": days}
    else:
        span = ngettext("%(n)s hour", "%(n)s hours", round(hours)) % {"n": round(hours)}
    if left < 0:
        return {"text": _("late by %(t)s") % {"t": span}, "level": "late", "due": due}
    level = "soon" if left < 86400 else "ok"
    return {"text": _("%(t)s left") % {"t": span}, "level": level, "due": due}


def _visible(user: User, c: Complaint) -> bool:
    return may_see_complaint(user, c.provider, c.jurisdictions)


def _complaint(services: Services, user: User, complaint_id: str) -> Complaint:
    try:
        c = services.complaints.get(complaint_id)
    except NotFoundError:
        c = None
    if c is None or not _visible(user, c):
        raise NotFoundError(f"no complaint {complaint_id!r} in your queue")
    return c


@router.get("/queue")
def queue(request: Request, user: _Handler, services: _Services) -> Response:
    """The complaints this account handles, with the published time-limit clock."""
    lang = choose_language(request)
    now = dt.datetime.now(dt.UTC)
    items = [
        {"c": c, "clock": clock(c, now, lang), "category": category_label(c.category, lang)}
        for c in services.complaints.list()
        if _visible(user, c)
    ]
    return render(request, "queue.html", {"items": items})


def _complaint_page(
    request: Request,
    user: User,
    services: Services,
    complaint_id: str,
    *,
    error: str | None = None,
    flash: str | None = None,
    status: int = 200,
) -> Response:
    c = _complaint(services, user, complaint_id)
    lang = choose_language(request)
    actions = [a for a in ACTIONS if user.role is Role.REGULATOR or a in PROVIDER_ACTIONS]
    return render(
        request,
        "complaint.html",
        {
            "c": c,
            "clock": clock(c, dt.datetime.now(dt.UTC), lang),
            "category": category_label(c.category, lang),
            "moves": [s.value for s in TRANSITIONS[c.state]],
            "actions": actions,
            "error": error,
            "flash": flash,
        },
        status=status,
    )


@router.get("/queue/{complaint_id}")
def complaint_page(
    request: Request, complaint_id: str, user: _Handler, services: _Services
) -> Response:
    """One complaint: the trace of its evidence, contact, history, and the handling forms."""
    return _complaint_page(request, user, services, complaint_id)


async def _handle(
    request: Request, complaint_id: str, user: User, services: Services, kind: str
) -> Response:
    _ = gettext_for(choose_language(request))
    c = _complaint(services, user, complaint_id)
    try:
        sub = await read_form(request)
        what = field(sub, "action", max_chars=40)
        note = field(sub, "note", max_chars=4000) or ""
        if kind == "transition":
            try:
                state = ComplaintState(what or "")
            except ValueError as exc:
                raise FormError(_("Choose the next state.")) from exc
            await run_in_threadpool(
                services.complaints.transition, c.id, state, actor=actor_of(user), reason=note
            )
        else:
            if what not in ACTIONS:
                raise FormError(_("Choose an action."))
            if user.role is Role.PROVIDER and what not in PROVIDER_ACTIONS:
                raise FormError(_("Only a regulator may do this."), status=403)
            await run_in_threadpool(
                services.complaints.act,
                c.id,
                what,
                actor=actor_of(user),
                reason=note,
                requester=field(sub, "requester", max_chars=200),
            )
    except FormError as exc:
        return _complaint_page(
            request, user, services, complaint_id, error=exc.message, status=exc.status
        )
    except GovloopError as exc:
        return _complaint_page(
            request, user, services, complaint_id, error=exc.diagnostics(), status=409
        )
    return RedirectResponse(f"/queue/{complaint_id}?done={what}", status_code=303)


@router.post("/queue/{complaint_id}/transition")
async def complaint_transition(
    request: Request, complaint_id: str, user: _Handler, services: _Services
) -> Response:
    """Move a complaint to its next state; the note is the reason or the result."""
    return await _handle(request, complaint_id, user, services, "transition")


@router.post("/queue/{complaint_id}/act")
async def complaint_act(
    request: Request, complaint_id: str, user: _Handler, services: _Services
) -> Response:
    """Reassess, suspend, reinstate, warn or restrict (providers: reassess, warn, restrict)."""
    return await _handle(request, complaint_id, user, services, "act")
