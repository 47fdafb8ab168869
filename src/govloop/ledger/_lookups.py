"""The looked-up columns stored beside each leaf, derived from the entry alone.

Both the writer (``Ledger.append_many``) and the verifier (``verify_ledger``) need them; keeping
them here, apart from both, is what keeps ``_ledger`` and ``_verify`` free of an import cycle.
"""

from __future__ import annotations

from govloop.ids import produce_tag
from govloop.ledger._entry import LedgerEntry


def index_columns(entry: LedgerEntry) -> dict[str, object]:
    """The looked-up columns stored beside an entry's leaf bytes (all derived from the entry).

    ``verify`` recomputes them from the leaf, so an edited column cannot steer a lookup to
    another entry unnoticed.
    """
    return {
        "produce_id": entry.produce_id,
        "content_sha256": entry.content_sha256,
        "tag32": produce_tag(entry.produce_id, 32),
        "wm_payload": entry.watermark_payload,
        "media_type": entry.media_type,
        "created_at": entry.created_at,
    }
