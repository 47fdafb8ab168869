"""The published handling time limits of the complaint channel (Interim Measures Art. 15).

Art. 15 requires a complaint channel with a *published* processing procedure and feedback
time limit, but sets no number. The defaults here are govloop's choice (see
``docs/complaints.md``): a deployment publishes its own by passing :class:`TimeLimits` to
:class:`~govloop.feedback.Complaints`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from govloop.errors import InputError


@dataclass(frozen=True)
class TimeLimits:
    """How long a complaint may wait, counted from its receipt (calendar time)."""

    triage: dt.timedelta = dt.timedelta(days=2)
    """Until a first look (triaged, or rejected with a reason)."""
    resolve: dt.timedelta = dt.timedelta(days=15)
    """Until the result goes back to the complainant (resolved or rejected)."""
    by_category: dict[str, dt.timedelta] = field(default_factory=dict)
    """Shorter (or longer) resolve limits for some categories, by category code."""
    source: str = "govloop default (no number is set by the Interim Measures Art. 15)"
    """Where the numbers come from, printed beside the clock."""

    def __post_init__(self) -> None:
        """Refuse limits that are not positive or a triage limit past the resolve limit."""
        for name, value in (("triage", self.triage), ("resolve", self.resolve)):
            if value <= dt.timedelta(0):
                raise InputError(f"time limit {name!r} must be positive, is {value}")
        if self.triage > self.resolve:
            raise InputError("time limit 'triage' must not exceed 'resolve'")
        for code, value in self.by_category.items():
            if value <= dt.timedelta(0):
                raise InputError(f"time limit for category {code!r} must be positive")

    def resolve_for(self, category: str) -> dt.timedelta:
        """The resolve limit of a category."""
        return self.by_category.get(category, self.resolve)


DEFAULT_TIME_LIMITS = TimeLimits()
"""Triage within 2 days, result within 15 days (govloop's defaults; see docs/complaints.md)."""
