"""Writing complaint events into the generation ledger, so none can be dropped unseen.

Each receipt, state change and action is one ledger entry of media type ``other``: its
``content_sha256`` is the SHA-256 of the event's canonical JSON (kept in ``feedback_events``),
its ProduceID ``fb-<complaint id>-<seq>``. The ledger holds a digest of the receipt number,
never the number itself, the contact or the description.
"""

from __future__ import annotations

import hashlib
from typing import Any

from govloop.ledger import Ledger, LedgerEntry, canonical_json

FEEDBACK_MODEL = "govloop-feedback"
"""Model name of feedback entries that concern no filing."""
RECORD_KIND = "govloop.complaint/v1"
"""``extra.kind`` of feedback ledger entries."""


def produce_id_for(complaint_id: str, seq: int) -> str:
    """The ProduceID of a complaint's ``seq``-th event."""
    return f"fb-{complaint_id}-{seq:04d}"


def receipt_digest(receipt: str) -> str:
    """SHA-256 (hex) of a receipt number, as the ledger records it."""
    return hashlib.sha256(receipt.encode("ascii")).hexdigest()


def event_record(fields: dict[str, Any]) -> bytes:
    """The canonical JSON bytes of one event (its digest goes into the ledger)."""
    return canonical_json({"kind": RECORD_KIND, **fields})


def append_event(
    ledger: Ledger,
    record: bytes,
    *,
    complaint_id: str,
    seq: int,
    name: str,
    provider_code: str,
    filing_id: str | None,
    model_name: str | None,
) -> int:
    """Append one event entry; returns its ledger index."""
    entry = LedgerEntry(
        produce_id=produce_id_for(complaint_id, seq),
        content_sha256=hashlib.sha256(record).hexdigest(),
        media_type="other",
        filing_id=filing_id,
        model=model_name or FEEDBACK_MODEL,
        provider_code=provider_code,
        extra={"kind": RECORD_KIND, "complaint_id": complaint_id, "seq": seq, "event": name},
    )
    return ledger.append(entry).index


def is_feedback_entry(entry: LedgerEntry) -> bool:
    """Whether a ledger entry records a complaint event."""
    return entry.media_type == "other" and entry.extra.get("kind") == RECORD_KIND
