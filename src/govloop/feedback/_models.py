"""Complaints as the library hands them out, the intake form, and the handling state machine.

::

    received ──▶ triaged ──▶ investigating ──▶ resolved
        │           │  └──────────────────────▶ resolved
        └───────────┴──────────┴─────────────▶ rejected (a reason is required)
    resolved / rejected ──▶ investigating (reopened, a reason is required)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from govloop.errors import StateError


class ComplaintState(StrEnum):
    """Where a complaint stands."""

    RECEIVED = "received"
    TRIAGED = "triaged"
    INVESTIGATING = "investigating"
    RESOLVED = "resolved"
    REJECTED = "rejected"


_C = ComplaintState

#: Allowed moves: from-state -> {to-state: what the move means}.
TRANSITIONS: dict[ComplaintState, dict[ComplaintState, str]] = {
    _C.RECEIVED: {_C.TRIAGED: "triage", _C.REJECTED: "reject"},
    _C.TRIAGED: {
        _C.INVESTIGATING: "start the investigation",
        _C.RESOLVED: "resolve",
        _C.REJECTED: "reject",
    },
    _C.INVESTIGATING: {_C.RESOLVED: "resolve", _C.REJECTED: "reject"},
    _C.RESOLVED: {_C.INVESTIGATING: "reopen"},
    _C.REJECTED: {_C.INVESTIGATING: "reopen"},
}

CLOSED = frozenset({_C.RESOLVED, _C.REJECTED})
"""States in which the complainant has the result."""

NEEDS_REASON = frozenset({_C.REJECTED})
"""Target states that need a stated reason (a reopen from a closed state needs one too)."""

ACTIONS: tuple[str, ...] = ("reassess", "suspend", "reinstate", "warn", "restrict")
"""What a handler may do about a complaint (Interim Measures Art. 14)."""


def check_complaint_transition(current: ComplaintState, target: ComplaintState) -> str:
    """The meaning of ``current -> target``, or :class:`StateError` naming the allowed moves."""
    meaning = TRANSITIONS[current].get(target)
    if meaning is None:
        allowed = ", ".join(s.value for s in TRANSITIONS[current]) or "none"
        raise StateError(
            f"cannot move a complaint from {current.value} to {target.value}; "
            f"allowed from {current.value}: {allowed}"
        )
    return meaning


@dataclass
class ComplaintIn:
    """What a complainant submits (validated by :func:`~govloop.feedback.validate_complaint`)."""

    category: str
    """One of :data:`~govloop.feedback.CATEGORIES`."""
    description: str
    """What happened, in the complainant's words."""
    evidence_text: str | None = None
    """Pasted text that was generated (traced at intake)."""
    evidence_bytes: bytes | None = None
    """An uploaded file (traced at intake, kept with the complaint)."""
    evidence_filename: str | None = None
    """The uploaded file's name (a format hint)."""
    evidence_url: str | None = None
    """Where the content was seen (recorded, never fetched)."""
    contact: str | None = None
    """How to send the result (e-mail or phone); never written to the ledger."""
    filing_id: str | None = None
    """The service complained about, when the complainant knows it."""
    lang: str = "zh"
    """Language of the complainant's pages: ``zh`` or ``en``."""
    reporter: str | None = None
    """Who filed it when an account did (``platform:NAME``); None: the public, anonymously."""
    report_key: str | None = None
    """An idempotency key (a bulk filer's): a second report with the same key files nothing."""


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True)


class ComplaintEvent(_Out):
    """One state change, as recorded in the database and the ledger."""

    seq: int
    """0 for the receipt, then 1, 2, ... per change."""
    state: ComplaintState
    """The state after the change."""
    actor: str
    """Who made it (``public`` for the receipt)."""
    reason: str
    """Why."""
    at: dt.datetime
    """When (UTC)."""
    ledger_index: int | None
    """The ledger entry that records it."""


class ComplaintAction(_Out):
    """One action taken about a complaint (reassess, suspend, reinstate, warn, restrict)."""

    seq: int
    """Shares the numbering of the events."""
    action: str
    """One of :data:`~govloop.feedback.ACTIONS`."""
    actor: str
    """Who took it."""
    reason: str
    """Why."""
    at: dt.datetime
    """When (UTC)."""
    ledger_index: int | None
    """The ledger entry that records it."""
    outcome: dict[str, Any]
    """What it did: the run id and verdict, the filing's new state, the requester's standing."""


class Complaint(_Out):
    """A complaint with its trace, clock, history and result."""

    id: str
    """Complaint id (a ULID, shown to handlers)."""
    receipt: str
    """The complainant's receipt number (``GL-`` + 10 Crockford characters, unguessable)."""
    category: str
    """Category code."""
    description: str
    """The complainant's description."""
    state: ComplaintState
    """Where it stands."""
    filing_id: str | None
    """The filing complained about (given, or found by tracing the evidence)."""
    model_name: str | None
    """That filing's model name."""
    provider: str | None
    """That filing's provider code (whose queue it is in)."""
    jurisdictions: list[str]
    """The filing's deployment regions (whose regulators see it); empty when unlinked."""
    ledger_index: int | None
    """The ledger entry of the receipt."""
    traced_entry_index: int | None
    """The ledger entry the evidence traced to, if any."""
    trace_summary: dict[str, Any]
    """What tracing found: best candidate, confidence, evidence sources, proof verified."""
    evidence_url: str | None
    """Where the complainant saw the content."""
    evidence_filename: str | None
    """Name of the uploaded evidence, if any."""
    has_evidence: bool
    """Whether evidence (file or text) is kept with the complaint."""
    contact: str | None
    """How to reach the complainant (handlers only)."""
    lang: str
    """Language of the complainant's pages."""
    created_at: dt.datetime
    """When it was received (UTC)."""
    triage_due_at: dt.datetime
    """The published limit for the first look."""
    due_at: dt.datetime
    """The published limit for the result."""
    closed_at: dt.datetime | None
    """When it was resolved or rejected (the latest time)."""
    history: list[ComplaintEvent]
    """Every state change, oldest first."""
    actions: list[ComplaintAction]
    """Every action taken, oldest first."""
    result: str | None
    """The result shown to the complainant (set when resolved or rejected)."""

    def overdue(self, now: dt.datetime | None = None) -> bool:
        """Whether the result is late (open past ``due_at``)."""
        moment = now or dt.datetime.now(dt.UTC)
        return self.state not in CLOSED and moment > self.due_at

    def public_view(self) -> dict[str, Any]:
        """What the complainant's status page shows: no contact, no handler names."""
        return {
            "receipt": self.receipt,
            "category": self.category,
            "state": self.state.value,
            "model_name": self.model_name,
            "created_at": self.created_at.isoformat(),
            "due_at": self.due_at.isoformat(),
            "overdue": self.overdue(),
            "result": self.result,
            "ledger_index": self.ledger_index,
            "history": [
                {"state": e.state.value, "at": e.at.isoformat(), "ledger_index": e.ledger_index}
                for e in self.history
            ],
            "actions": [{"action": a.action, "at": a.at.isoformat()} for a in self.actions],
        }


class ComplaintStats(_Out):
    """Aggregate figures for dashboards and observers (no personal data)."""

    total: int
    """Complaints received."""
    by_category: dict[str, int]
    """Counts per category code."""
    by_state: dict[str, int]
    """Counts per state."""
    open: int
    """Not yet resolved or rejected."""
    overdue: int
    """Open past their published limit."""
    median_hours_to_close: float | None
    """Median time from receipt to resolved/rejected, in hours (None before the first)."""
    closed_within_limit: float | None
    """Share of closed complaints closed within their limit (None before the first)."""
