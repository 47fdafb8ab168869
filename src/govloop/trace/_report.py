"""The provenance report trace returns (pydantic, so it serialises to JSON as is)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from govloop.ledger import InclusionProof, LedgerEntry


class EvidenceItem(BaseModel):
    """One piece of evidence for a candidate."""

    model_config = ConfigDict(frozen=True)

    source: str
    """Source name: digest, metadata, watermark or fingerprint."""
    confidence: float
    """Strength of this evidence alone."""
    detail: dict[str, Any]
    """What matched."""


class Candidate(BaseModel):
    """A ledger entry the content may be, with its proof."""

    model_config = ConfigDict(frozen=True)

    rank: int
    """1 for the best candidate."""
    index: int
    """Ledger index."""
    confidence: float
    """Combined confidence ``1 - prod(1 - c_i)`` over the evidence."""
    evidence: list[EvidenceItem]
    """Evidence, strongest first."""
    entry: LedgerEntry
    """The recorded entry."""
    inclusion_proof: InclusionProof
    """Proof that the entry is in the checkpointed tree."""
    checkpoint: str
    """Signed checkpoint note the proof verifies against."""
    proof_verified: bool
    """Whether the proof and the checkpoint signature were checked here and hold."""
    filing_id: str | None
    """Registry filing the entry points to."""
    filing: dict[str, Any] | None = None
    """The filing's id, model and state from the registry, when available."""


class SourceRun(BaseModel):
    """How one evidence source fared."""

    model_config = ConfigDict(frozen=True)

    name: str
    """Source name."""
    status: Literal["ran", "unavailable", "error"]
    """Whether it ran."""
    found: int = 0
    """Entries it pointed at."""
    detail: str = ""
    """Why it did not run, or the error."""


class ProvenanceReport(BaseModel):
    """What trace found about a piece of content."""

    model_config = ConfigDict(frozen=True)

    filename: str
    """Name given for the content (empty for stdin)."""
    sha256: str
    """SHA-256 of the content."""
    media_type: str
    """Sniffed kind of content."""
    fingerprint: str | None
    """Its perceptual fingerprint, if any."""
    sources: list[SourceRun]
    """Every source tried."""
    candidates: list[Candidate]
    """Ranked candidates, best first."""

    @property
    def found(self) -> bool:
        """Whether any candidate was found."""
        return bool(self.candidates)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return self.model_dump(mode="json")
