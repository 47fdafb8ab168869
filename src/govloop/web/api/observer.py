"""Aggregate statistics and open data exports (observers: academia and civil society)."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse

from govloop.accounts import Role, User
from govloop.web._deps import get_services, require_role
from govloop.web._services import Services
from govloop.web._views import PUBLIC_STATES, public_view, tiers
from govloop.web.api.filings import csv_response

router = APIRouter(tags=["observer"])

_Observer = Annotated[User, Depends(require_role(Role.OBSERVER, Role.REGULATOR))]
_Svc = Annotated[Services, Depends(get_services)]


def statistics(services: Services) -> dict[str, Any]:
    """Counts with no personal data: filings by state, regime and tier; complaints; ledger."""
    filings = services.registry.list()
    by_state = Counter(f.state.value for f in filings)
    by_tier: dict[str, Counter[str]] = {}
    passed = total_assessed = 0
    for f in filings:
        for regime, tier in tiers(f).items():
            by_tier.setdefault(regime, Counter())[tier] += 1
        if f.latest_assessment is not None:
            total_assessed += 1
            passed += int(f.latest_assessment.passed)
    complaints = (
        services.complaints.stats().model_dump(mode="json") if services.complaints else None
    )
    return {
        "filings": {
            "total": len(filings),
            "by_state": dict(by_state),
            "by_regime_tier": {r: dict(c) for r, c in sorted(by_tier.items())},
            "latest_assessment_pass_rate": passed / total_assessed if total_assessed else None,
        },
        "complaints": complaints,
        "ledger": {"entries": services.ledger.size()},
    }


@router.get("/stats", summary="Aggregate statistics")
def stats(user: _Observer, services: _Svc) -> dict[str, Any]:
    """Filings by state, regime and tier, assessment pass rate, complaints, ledger size."""
    del user
    return statistics(services)


@router.get(
    "/open-data/filings.csv", summary="Every public filing as CSV", response_class=StreamingResponse
)
def open_filings(user: _Observer, services: _Svc) -> StreamingResponse:
    """The public fields of every listed filing (UTF-8 with BOM)."""
    del user
    views = [public_view(f) for f in services.registry.list() if f.state.value in PUBLIC_STATES]
    return csv_response(views, "govloop-open-filings.csv")


@router.get("/open-data/complaints.json", summary="Complaint statistics as open data")
def open_complaints(user: _Observer, services: _Svc) -> dict[str, Any]:
    """Counts by category and state, time to resolution, share closed within the limit."""
    del user
    if services.complaints is None:  # TEMPORARY until govloop.feedback lands
        return {}
    stats: dict[str, Any] = services.complaints.stats().model_dump(mode="json")
    return stats
