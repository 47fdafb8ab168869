"""Lookup: the driver half of a scan, matching worker evidence against the ledger in batches.

The evidence a worker extracted (digest, label ProduceID, watermark payload, fingerprint) is
matched the way :func:`govloop.trace.trace` matches content, combined per entry as
``1 - prod(1 - c_i)``; the best entry is reported with an inclusion proof against the
checkpoint covering it, checked here. One ``Lookup`` serves a whole scan so the checkpoint
verifiers and checkpoints are fetched once, not once per file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from govloop.errors import VerificationError
from govloop.ledger import Ledger, LedgerRecord, NoteVerifier, verify_inclusion_proof

#: The fields a lookup adds to a row; None when nothing was traced.
TRACE_FIELDS = (
    "traced",
    "ledger_index",
    "trace_confidence",
    "trace_evidence",
    "proof_verified",
    "tree_size",
    "entry_produce_id",
    "model",
    "filing_id",
)


class Lookup:
    """Match evidence rows against one ledger (on the driver; workers never see it)."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger
        self._verifiers: list[NoteVerifier] | None = None

    def _evidence(self, row: dict[str, Any]) -> dict[int, list[tuple[str, float]]]:
        """Ledger index -> (source, confidence) pairs for one row's evidence."""
        led = self._ledger
        found: dict[int, list[tuple[str, float]]] = defaultdict(list)
        for rec in led.find_by_sha256(row["sha256"]):
            found[rec.index].append(("digest", 0.999))
        if row.get("produce_id"):
            rec_or_none = led.find_by_produce_id(row["produce_id"])
            if rec_or_none is not None:
                found[rec_or_none.index].append(("metadata", 0.9))
        payload = row.get("watermark_payload")
        if payload:
            records = self._by_payload(payload, int(row["watermark_bits"]))
            strength = (1.0 - float(row["watermark_p_value"])) * 0.98 / max(1, len(records))
            for index in records:
                found[index].append(("watermark", strength))
        if row.get("fingerprint"):
            for rec, score, _ in led.find_similar(row["fingerprint"]):
                exact = rec.entry.content_sha256 == row["sha256"]
                found[rec.index].append(("fingerprint", round(0.9 * (1.0 if exact else score), 4)))
        return found

    def _by_payload(self, payload: str, bits: int) -> dict[int, LedgerRecord]:
        """Entries recorded with this payload, or whose ProduceID tag it carries."""
        records = {r.index: r for r in self._ledger.find_by_watermark(payload)}
        value = int(payload, 16)
        tag, tag_bits = (value & 0xFFFFFFFF, 32) if bits == 48 else (value, bits)
        for r in self._ledger.find_by_tag(tag, tag_bits):
            records.setdefault(r.index, r)
        return records

    def _trace(self, row: dict[str, Any]) -> dict[str, Any]:
        found = self._evidence(row)
        if not found:
            return dict.fromkeys(TRACE_FIELDS) | {"traced": False}

        def combined(evs: list[tuple[str, float]]) -> float:
            miss = 1.0
            for _, c in evs:
                miss *= 1.0 - max(0.0, min(1.0, c))
            return 1.0 - miss

        index, evs = min(found.items(), key=lambda kv: (-combined(kv[1]), kv[0]))
        led = self._ledger
        record = led.get(index)
        cp = led.checkpoint_covering(index)
        if self._verifiers is None:
            self._verifiers = led.verifiers()
        proof = led.inclusion_proof(index, cp.tree_size)
        try:
            verify_inclusion_proof(proof, cp.note, self._verifiers, entry=record.leaf)
            verified = True
        except VerificationError:
            verified = False
        return {
            "traced": True,
            "ledger_index": index,
            "trace_confidence": round(combined(evs), 6),
            "trace_evidence": ",".join(sorted({s for s, _ in evs})),
            "proof_verified": verified,
            "tree_size": cp.tree_size,
            "entry_produce_id": record.entry.produce_id,
            "model": record.entry.model,
            "filing_id": record.entry.filing_id,
        }

    def batch(self, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """The rows with their trace fields (error rows get none)."""
        out = []
        for row in rows:
            if row.get("status") == "ok":
                row = row | self._trace(row)
            else:
                row = dict(row) | dict.fromkeys(TRACE_FIELDS)
            out.append(row)
        return out
