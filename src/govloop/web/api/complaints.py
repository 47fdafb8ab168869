"""Complaints: the public channel (Interim Measures Art. 15) and the handlers' queues.

The public files a complaint (JSON or a multipart form with evidence) and gets a receipt; the
status page by receipt shows the state, the published time limit and the result, never the
contact or handlers' names. Providers see the complaints about their services and respond;
regulators see those in their jurisdiction (and every unlinked one) and take actions. Each
receipt, state change and action is a ledger entry, written by :mod:`govloop.feedback`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from govloop.accounts import Role, User
from govloop.errors import NotFoundError
from govloop.feedback import ACTIONS, Complaint, ComplaintIn, ComplaintState
from govloop.languages import CODES
from govloop.web._access import may_see_complaint
from govloop.web._deps import get_services, require_role
from govloop.web._problems import ProblemError
from govloop.web._services import Services
from govloop.web._uploads import read_submission
from govloop.web.api._common import JsonRoute
from govloop.web.api._schemas import TransitionIn
from govloop.web.api.review import actor_of

router = APIRouter(tags=["complaints"], route_class=JsonRoute)

_Svc = Annotated[Services, Depends(get_services)]
_Handler = Annotated[User, Depends(require_role(Role.PROVIDER, Role.REGULATOR))]

PROVIDER_ACTIONS = frozenset({"reassess", "warn", "restrict"})
"""Actions a provider may take about complaints on its own services (Art. 14)."""

_FORM = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["category", "description"],
                    "properties": {
                        "category": {"type": "string"},
                        "description": {"type": "string"},
                        "evidence_text": {"type": "string"},
                        "evidence_url": {"type": "string"},
                        "contact": {"type": "string"},
                        "filing_id": {"type": "string"},
                        "lang": {"type": "string", "enum": list(CODES)},
                        "file": {"type": "string", "format": "binary"},
                    },
                }
            },
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["category", "description"],
                    "properties": {
                        k: {"type": "string"}
                        for k in (
                            "category",
                            "description",
                            "evidence_text",
                            "evidence_url",
                            "contact",
                            "filing_id",
                            "lang",
                        )
                    },
                }
            },
        }
    }
}

_FIELDS = frozenset(
    {
        "category",
        "description",
        "evidence_text",
        "evidence_url",
        "contact",
        "filing_id",
        "lang",
        "csrf_token",
    }
)


@router.post(
    "/complaints", status_code=201, summary="File a complaint or report", openapi_extra=_FORM
)
async def file_complaint(request: Request, services: _Svc) -> dict[str, Any]:
    """Evidence is traced at intake; the answer carries the receipt number to track it."""
    sub = await read_submission(request)
    unknown = sorted(set(sub.fields) - _FIELDS)
    if unknown:
        raise ProblemError(422, f"unknown field {unknown[0]!r}")
    category = sub.text("category", max_chars=40)
    description = sub.text("description", max_chars=10_000)
    if category is None or description is None:
        missing = "category" if category is None else "description"
        raise ProblemError(422, f"field {missing!r} is required")
    complaint_in = ComplaintIn(
        category=category,
        description=description,
        evidence_text=sub.text("evidence_text", max_chars=100_000),
        evidence_bytes=sub.data,
        evidence_filename=sub.filename or None,
        evidence_url=sub.text("evidence_url", max_chars=2000),
        contact=sub.text("contact", max_chars=200),
        filing_id=sub.text("filing_id", max_chars=64),
        lang=sub.text("lang", max_chars=8) or "zh",
    )
    complaint = await run_in_threadpool(services.complaints.submit, complaint_in)
    view = complaint.public_view()
    view["status_url"] = f"/api/v1/complaints/{complaint.receipt}"
    return view


@router.get("/complaints/{receipt}", summary="A complaint's status, by receipt number")
def complaint_status(receipt: str, services: _Svc) -> dict[str, Any]:
    """State, published time limit, history and result (no personal data)."""
    return services.complaints.by_receipt(receipt).public_view()


# -- handlers -------------------------------------------------------------------------------


def _handler_view(c: Complaint) -> dict[str, Any]:
    out = c.model_dump(mode="json")
    out["overdue"] = c.overdue()
    return out


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


@router.get("/queue/complaints", summary="Your complaint queue, with its time-limit clock")
def queue(user: _Handler, services: _Svc) -> dict[str, Any]:
    """A provider's complaints about its services; a regulator's jurisdiction; oldest first."""
    items = [_handler_view(c) for c in services.complaints.list() if _visible(user, c)]
    return {"total": len(items), "items": items}


@router.get("/queue/complaints/{complaint_id}", summary="One complaint in your queue")
def queue_item(complaint_id: str, user: _Handler, services: _Svc) -> dict[str, Any]:
    """Everything the handler needs: evidence trace, contact, history and actions."""
    return _handler_view(_complaint(services, user, complaint_id))


@router.post(
    "/queue/complaints/{complaint_id}/transition", summary="Move a complaint along its states"
)
def transition(
    complaint_id: str, body: TransitionIn, user: _Handler, services: _Svc
) -> dict[str, Any]:
    """Move to the state named by ``action``; ``note`` is the reason or the result.

    States: triaged, investigating, resolved, rejected (a reason is required), and a reopen
    back to investigating. The complainant sees the result of a resolved or rejected one.
    """
    c = _complaint(services, user, complaint_id)
    try:
        state = ComplaintState(body.action)
    except ValueError as exc:
        names = ", ".join(s.value for s in ComplaintState)
        raise ProblemError(
            422, f"field 'action': {body.action!r} is not a state; use {names}"
        ) from exc
    done = services.complaints.transition(c.id, state, actor=actor_of(user), reason=body.note)
    return _handler_view(done)


@router.post("/queue/complaints/{complaint_id}/actions", summary="Act on a complaint")
def act(complaint_id: str, body: TransitionIn, user: _Handler, services: _Svc) -> dict[str, Any]:
    """reassess, suspend, reinstate, warn or restrict (providers: reassess, warn, restrict)."""
    c = _complaint(services, user, complaint_id)
    if body.action not in ACTIONS:
        raise ProblemError(422, f"field 'action': {body.action!r}; use one of {', '.join(ACTIONS)}")
    if user.role is Role.PROVIDER and body.action not in PROVIDER_ACTIONS:
        raise ProblemError(403, f"only a regulator may {body.action} a service")
    done = services.complaints.act(
        c.id, body.action, actor=actor_of(user), reason=body.note, requester=body.requester
    )
    return _handler_view(done)
