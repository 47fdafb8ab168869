"""Regulators' review decisions on filings, through the registry lifecycle (audited)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from govloop.accounts import Role, User
from govloop.errors import TransitionError
from govloop.registry import FilingState
from govloop.web._deps import get_services, require_role
from govloop.web._services import Services
from govloop.web._views import full_view
from govloop.web.api._common import JsonRoute
from govloop.web.api._schemas import DecisionIn
from govloop.web.api.filings import own_filing

router = APIRouter(tags=["review"], route_class=JsonRoute)

_S = FilingState

#: Decision -> (the states it applies from, the state it moves to).
DECISIONS: dict[str, tuple[frozenset[FilingState], FilingState]] = {
    "approve": (frozenset({_S.ASSESSING}), _S.APPROVED),
    "reject": (frozenset({_S.SUBMITTED, _S.ASSESSING}), _S.REVOKED),
    "return": (frozenset({_S.SUBMITTED, _S.ASSESSING}), _S.DRAFT),
    "suspend": (frozenset({_S.APPROVED}), _S.SUSPENDED),
    "reinstate": (frozenset({_S.SUSPENDED}), _S.APPROVED),
    "reassess": (frozenset({_S.APPROVED, _S.SUSPENDED, _S.SUBMITTED}), _S.ASSESSING),
}


def actor_of(user: User) -> str:
    """How the audit trail and the ledger name a web user: ``role:username``."""
    return f"{user.role.value}:{user.username}"


def decide(services: Services, user: User, filing_id: str, decision: str, comment: str) -> Any:
    """Apply a review decision to a filing the regulator oversees (404 outside it)."""
    filing = own_filing(services, user, filing_id)
    sources, target = DECISIONS[decision]
    if filing.state not in sources:
        states = ", ".join(sorted(s.value for s in sources))
        raise TransitionError(
            f"cannot {decision} filing {filing.id}: it is {filing.state.value}; "
            f"{decision} applies to filings that are {states}"
        )
    return services.registry.transition(
        filing.id, target, actor=actor_of(user), reason=f"review: {decision}: {comment}"
    )


@router.post(
    "/review/filings/{filing_id}/decision",
    summary="Approve, reject, return, suspend, reinstate or order a re-assessment",
)
def review_decision(
    filing_id: str,
    body: DecisionIn,
    user: Annotated[User, Depends(require_role(Role.REGULATOR))],
    services: Annotated[Services, Depends(get_services)],
) -> dict[str, Any]:
    """The decision goes through the registry lifecycle; the comment is kept in its audit trail.

    ``suspend`` takes effect in the gateway within a second (it re-reads the filing state).
    """
    filing = decide(services, user, filing_id, body.decision, body.comment)
    return full_view(filing, services.registry.events(filing.id), regulator=True)
