"""Complaints and reports from the public, their handling, and the results sent back.

The Interim Measures require a convenient complaint channel with a published handling procedure
and time limit, and feedback of the result (Art. 15), and stopping, fixing and reporting when
illegal content is found (Art. 14). :class:`Complaints` is that channel's library: intake traces
the evidence and links the complaint to the filing and ledger entry it points to; the receipt,
each state change and each action is a ledger entry, so no complaint can be dropped unseen; the
actions (reassess, suspend, reinstate, warn, restrict) call the registry, the assessment runner
and the gateway's requester table. The web app and the demo are faces over it.
"""

from govloop.feedback._categories import (
    CATEGORIES,
    REASSESS_RISKS,
    RISK_CATEGORIES,
    category_name,
    check_category,
)
from govloop.feedback._complaints import REASSESS_KINDS, TRACE_CONFIDENCE, Complaints
from govloop.feedback._intake import (
    MAX_DESCRIPTION_CHARS,
    MAX_EVIDENCE_BYTES,
    MAX_EVIDENCE_TEXT_CHARS,
    new_receipt,
    normalize_receipt,
    validate_complaint,
)
from govloop.feedback._limits import DEFAULT_TIME_LIMITS, TimeLimits
from govloop.feedback._models import (
    ACTIONS,
    CLOSED,
    TRANSITIONS,
    Complaint,
    ComplaintAction,
    ComplaintEvent,
    ComplaintIn,
    ComplaintState,
    ComplaintStats,
    check_complaint_transition,
)
from govloop.feedback._record import (
    FEEDBACK_MODEL,
    RECORD_KIND,
    is_feedback_entry,
    produce_id_for,
    receipt_digest,
)
from govloop.feedback._requesters import (
    STANDINGS,
    requester_for_pseudonym,
    requester_standing,
    set_requester_standing,
)

__all__ = [
    "ACTIONS",
    "CATEGORIES",
    "CLOSED",
    "Complaint",
    "ComplaintAction",
    "ComplaintEvent",
    "ComplaintIn",
    "ComplaintState",
    "ComplaintStats",
    "Complaints",
    "DEFAULT_TIME_LIMITS",
    "FEEDBACK_MODEL",
    "MAX_DESCRIPTION_CHARS",
    "MAX_EVIDENCE_BYTES",
    "MAX_EVIDENCE_TEXT_CHARS",
    "REASSESS_KINDS",
    "REASSESS_RISKS",
    "RECORD_KIND",
    "RISK_CATEGORIES",
    "STANDINGS",
    "TRACE_CONFIDENCE",
    "TRANSITIONS",
    "TimeLimits",
    "category_name",
    "check_category",
    "check_complaint_transition",
    "is_feedback_entry",
    "new_receipt",
    "normalize_receipt",
    "produce_id_for",
    "receipt_digest",
    "requester_for_pseudonym",
    "requester_standing",
    "set_requester_standing",
    "validate_complaint",
]
