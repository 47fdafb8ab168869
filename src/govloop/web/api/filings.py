"""Filings: the public registry, providers' own filings and regulators' jurisdiction."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Annotated, Any, Literal, TypedDict

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from govloop.accounts import Role, User
from govloop.errors import NotFoundError
from govloop.registry import Filing
from govloop.registry import search_filings as registry_search
from govloop.web._access import check_filing, may_see_filing
from govloop.web._deps import get_services, require_role
from govloop.web._services import Services
from govloop.web._views import (
    CSV_COLUMNS,
    PUBLIC_STATES,
    csv_row,
    full_view,
    public_view,
)
from govloop.web.api._common import JsonRoute

router = APIRouter(tags=["filings"], route_class=JsonRoute)

MAX_PAGE = 500
"""Largest page of search results."""


def _tier_ok(profile: dict[str, Any] | None, tier: str | None, regime: str | None) -> bool:
    if not tier and not regime:
        return True
    t = {
        str(r.get("regime")).lower(): str(r.get("tier")).lower()
        for r in (profile or {}).get("regimes", [])
    }
    if regime and regime.lower() not in t:
        return False
    values = [t[regime.lower()]] if regime else list(t.values())
    return not tier or tier.lower() in values


def search_page(
    services: Services, *, limit: int = 50, offset: int = 0, **criteria: str | None
) -> tuple[int, list[Filing]]:
    """``(total, one page)`` of the public filings matching every given criterion.

    Criteria: ``q`` (in the model or provider name), ``provider`` (name or code),
    ``filing_number``, ``tier`` and ``regime``; empty ones are ignored. The text criteria are
    one SQL query over the registry's columns; tier and regime are read from the matching rows'
    risk profiles; only the page's filings are loaded in full.
    """
    unknown = set(criteria) - _CRITERIA
    if unknown:
        raise TypeError(f"unknown search criteria: {', '.join(sorted(unknown))}")
    c = {k: (criteria.get(k) or "").strip() or None for k in _CRITERIA}
    found = registry_search(
        services.store,
        states=PUBLIC_STATES,
        q=c["q"],
        provider=c["provider"],
        filing_number=c["filing_number"],
    )
    ids = [fid for fid, prof in found if _tier_ok(prof, c["tier"], c["regime"])]
    page = [services.registry.get(fid) for fid in ids[offset : offset + limit]]
    return len(ids), page


_CRITERIA = frozenset({"q", "provider", "filing_number", "tier", "regime"})


class Criteria(TypedDict):
    """The filters of a registry search (each may be None)."""

    q: str | None
    provider: str | None
    filing_number: str | None
    tier: str | None
    regime: str | None


class SearchParams:
    """Query parameters of a registry search."""

    def __init__(
        self,
        q: Annotated[
            str | None, Query(max_length=200, description="words in name/provider")
        ] = None,
        provider: Annotated[str | None, Query(max_length=200)] = None,
        filing_number: Annotated[str | None, Query(max_length=64)] = None,
        tier: Annotated[str | None, Query(max_length=64)] = None,
        regime: Annotated[str | None, Query(max_length=16)] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> None:
        self.q, self.provider, self.filing_number = q, provider, filing_number
        self.tier, self.regime, self.limit, self.offset = tier, regime, limit, offset

    def criteria(self) -> Criteria:
        """The filters, as keyword arguments of :func:`search_page`."""
        return {
            "q": self.q,
            "provider": self.provider,
            "filing_number": self.filing_number,
            "tier": self.tier,
            "regime": self.regime,
        }


def _page(items: list[dict[str, Any]], total: int, p: SearchParams) -> dict[str, Any]:
    return {"total": total, "limit": p.limit, "offset": p.offset, "items": items}


def _safe_cell(value: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection): a leading = + - @ becomes text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def csv_response(views: list[dict[str, Any]], filename: str) -> StreamingResponse:
    """The public views as a UTF-8 CSV download (with a BOM, so spreadsheets read Chinese)."""

    def rows() -> Iterator[str]:
        buf = io.StringIO()
        writer = csv.writer(buf)
        buf.write("\ufeff")
        writer.writerow(CSV_COLUMNS)
        for v in views:
            writer.writerow([_safe_cell(c) for c in csv_row(v)])
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
        yield buf.getvalue()

    return StreamingResponse(
        rows(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/filings", summary="Search the public registry")
def search_filings(
    params: Annotated[SearchParams, Depends()],
    services: Annotated[Services, Depends(get_services)],
    format: Literal["json", "csv"] = "json",  # noqa: A002 - the query parameter's name
) -> Any:
    """Approved (and suspended or revoked) services by name, provider, filing number, tier.

    ``format=csv`` returns every match as CSV (``limit``/``offset`` still apply).
    """
    total, window = search_page(
        services, limit=params.limit, offset=params.offset, **params.criteria()
    )
    views = [public_view(f) for f in window]
    if format == "csv":
        return csv_response(views, "govloop-filings.csv")
    return _page(views, total, params)


def _public_filing(services: Services, filing_id: str) -> Filing:
    try:
        filing = services.registry.get(filing_id)
    except NotFoundError:
        filing = None
    if filing is None or filing.state.value not in PUBLIC_STATES:
        raise NotFoundError(f"no public filing {filing_id!r}")
    return filing


@router.get("/filings/{filing_id}", summary="One service in the public registry")
def get_filing(
    filing_id: str, services: Annotated[Services, Depends(get_services)]
) -> dict[str, Any]:
    """Its public fields, labels policy and complaint link."""
    return public_view(_public_filing(services, filing_id))


# -- providers and regulators ---------------------------------------------------------------

_Reviewer = Annotated[User, Depends(require_role(Role.PROVIDER, Role.REGULATOR))]


def own_filing(services: Services, user: User, filing_id: str) -> Filing:
    """The filing if ``user`` may see its private view; 404 otherwise (nothing leaks)."""
    return check_filing(user, services.registry.get(filing_id))


def _full(services: Services, user: User, filing: Filing) -> dict[str, Any]:
    events = services.registry.events(filing.id)
    return full_view(filing, events, regulator=user.role is Role.REGULATOR)


@router.get("/my/filings", summary="Filings you can see in full (own or in your jurisdiction)")
def my_filings(
    user: _Reviewer, services: Annotated[Services, Depends(get_services)]
) -> dict[str, Any]:
    """A provider's own filings in every state; a regulator's jurisdiction."""
    found = [f for f in services.registry.list() if may_see_filing(user, f)]
    items = [_full(services, user, f) for f in found]
    return {"total": len(items), "limit": len(items), "offset": 0, "items": items}


@router.get("/my/filings/{filing_id}", summary="One filing in full, with its audit trail")
def my_filing(
    filing_id: str, user: _Reviewer, services: Annotated[Services, Depends(get_services)]
) -> dict[str, Any]:
    """Document, risk profile with reasons, assessments and audit trail (404 if not yours)."""
    return _full(services, user, own_filing(services, user, filing_id))


@router.get("/my/filings/{filing_id}/assessments", summary="Assessments of a filing")
def my_assessments(
    filing_id: str, user: _Reviewer, services: Annotated[Services, Depends(get_services)]
) -> list[dict[str, Any]]:
    """Every assessment attached to the filing, oldest first (404 if not yours)."""
    filing = own_filing(services, user, filing_id)
    return [a.model_dump(mode="json") for a in services.registry.assessments(filing.id)]
