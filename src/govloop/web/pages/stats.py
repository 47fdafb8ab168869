"""Dashboards as server-side SVG charts.

Filings by tier and regime, assessment pass rates over time, label coverage of traced content,
complaints by category and time to resolution.

Figures are aggregates with no personal data (A's :func:`govloop.web.api.observer.statistics`
for the counts the API publishes, plus the series the charts need), so observers, regulators
and providers may all read them; a provider's page counts only its own filings and complaints.
"""

from __future__ import annotations

import datetime as dt
import statistics as pystats
from collections import Counter, defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from govloop.accounts import Role, User
from govloop.feedback import CATEGORIES
from govloop.web._access import may_see_complaint, may_see_filing
from govloop.web._charts import bar_chart, line_chart
from govloop.web._deps import get_services, require_role
from govloop.web._i18n import choose_language, gettext_for
from govloop.web._services import Services
from govloop.web._views import tiers
from govloop.web.pages._render import render
from govloop.web.pages._words import category_label

router = APIRouter()
_Services = Annotated[Services, Depends(get_services)]
_Reader = Annotated[
    User, Depends(require_role(Role.OBSERVER, Role.REGULATOR, Role.PROVIDER, Role.ADMIN))
]

LEDGER_SAMPLE = 500
"""Most recent ledger entries read for label coverage (enough for a share, cheap to read)."""
CONTENT_MEDIA = frozenset({"text", "image", "audio", "video", "document"})
"""Ledger entries that are generated content (not reports or complaint records)."""


def _scoped(user: User) -> bool:
    """Providers see their own figures only; the other readers see everything."""
    return user.role is Role.PROVIDER


def _label_coverage(services: Services) -> list[tuple[str, float]]:
    """Share of recent recorded outputs per media type that carry an implicit label (%)."""
    size = services.ledger.size()
    if size == 0:
        return []
    start = max(0, size - LEDGER_SAMPLE)
    totals: Counter[str] = Counter()
    labelled: Counter[str] = Counter()
    for index in range(start, size):
        entry = services.ledger.get(index).entry
        media = str(entry.media_type)
        if media not in CONTENT_MEDIA:
            continue
        totals[media] += 1
        labelled[media] += int(bool(entry.label))
    return [(m, round(100 * labelled[m] / totals[m], 1)) for m in sorted(totals)]


def dashboard(services: Services, user: User, lang: str) -> dict[str, Any]:
    """Every chart of the statistics page, drawn for ``user``'s scope."""
    _ = gettext_for(lang)
    filings = [f for f in services.registry.list() if not _scoped(user) or may_see_filing(user, f)]
    by_regime_tier: Counter[str] = Counter()
    for f in filings:
        for regime, tier in tiers(f).items():
            by_regime_tier[f"{regime.upper()} · {tier}"] += 1
    by_state = Counter(f.state.value for f in filings)
    runs: dict[str, list[bool]] = defaultdict(list)
    for f in filings:
        for a in services.registry.assessments(f.id):
            runs[a.attached_at.astimezone(dt.UTC).strftime("%Y-%m-%d")].append(a.passed)
    pass_rates = [(day, round(100 * sum(v) / len(v), 1)) for day, v in sorted(runs.items())]
    complaints = [
        c
        for c in services.complaints.list()
        if not _scoped(user) or may_see_complaint(user, c.provider, c.jurisdictions)
    ]
    by_category = Counter(c.category for c in complaints)
    hours: dict[str, list[float]] = defaultdict(list)
    for c in complaints:
        if c.closed_at is not None:
            hours[c.category].append((c.closed_at - c.created_at).total_seconds() / 3600)
    empty = _("no data yet")
    charts = {
        "tiers": bar_chart(
            _("Filings by regime and tier"), sorted(by_regime_tier.items()), empty=empty
        ),
        "states": bar_chart(
            _("Filings by state"), [(_(s), n) for s, n in sorted(by_state.items())], empty=empty
        ),
        "pass_rates": line_chart(
            _("Assessment pass rate by day"), pass_rates, y_max=100, unit="%", empty=empty
        ),
        "coverage": bar_chart(
            _("Label coverage of recorded outputs"),
            [(_(m), v) for m, v in _label_coverage(services)],
            unit="%",
            empty=empty,
        ),
        "categories": bar_chart(
            _("Complaints by category"),
            [(category_label(c, lang), by_category[c]) for c in CATEGORIES if by_category[c]],
            empty=empty,
        ),
        "resolution": bar_chart(
            _("Median hours to resolution"),
            [
                (category_label(c, lang), round(pystats.median(hours[c]), 1))
                for c in CATEGORIES
                if hours.get(c)
            ],
            unit=" h",
            empty=empty,
        ),
    }
    open_ = sum(1 for c in complaints if c.state.value not in ("resolved", "rejected"))
    overdue = sum(1 for c in complaints if c.overdue())
    figures = {
        "filings": len(filings),
        "complaints": len(complaints),
        "open": open_,
        "overdue": overdue,
        "ledger": services.ledger.size(),
    }
    return {"charts": charts, "figures": figures}


@router.get("/stats")
def stats(request: Request, user: _Reader, services: _Services) -> Response:
    """The dashboards."""
    lang = choose_language(request)
    return render(
        request, "stats.html", {**dashboard(services, user, lang), "scoped": _scoped(user)}
    )
