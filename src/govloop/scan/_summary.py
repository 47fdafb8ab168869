"""The summary a scan ends with: counts over every row, resumed ones included."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class ScanSummary:
    """Counts over a scan's rows."""

    scanned: int = 0
    """Rows in the results (every item of the source once)."""
    resumed: int = 0
    """Rows taken from the journal of an earlier run, not scanned again."""
    labelled: int = 0
    """Files with an implicit AIGC label."""
    signature_ok: int = 0
    """Labelled files whose producer signature verifies."""
    signature_failed: int = 0
    """Labelled files whose producer signature is invalid or absent."""
    explicit: int = 0
    """Files where an explicit label was found."""
    watermarked: int = 0
    """Files where a watermark was detected."""
    traced: int = 0
    """Files traced to a ledger entry."""
    proof_failed: int = 0
    """Traced files whose inclusion proof did not verify."""
    errors: dict[str, int] = field(default_factory=dict)
    """Rows that are errors, by reason."""

    def add(self, rows: Iterable[dict[str, Any]]) -> None:
        """Count rows."""
        reasons: Counter[str] = Counter(self.errors)
        for row in rows:
            self.scanned += 1
            if row.get("status") != "ok":
                reasons[str(row.get("error_reason"))] += 1
                continue
            self.labelled += bool(row.get("implicit_label"))
            self.signature_ok += row.get("signature_ok") is True
            self.signature_failed += row.get("signature_ok") is False
            self.explicit += bool(row.get("explicit_label"))
            self.watermarked += bool(row.get("watermark_detected"))
            self.traced += bool(row.get("traced"))
            self.proof_failed += bool(row.get("traced")) and row.get("proof_verified") is False
        self.errors = dict(sorted(reasons.items()))

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return asdict(self)
