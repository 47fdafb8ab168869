"""``trace``: gather evidence about content and answer with ranked, provable ledger entries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from govloop.errors import FormatError, GovloopError, VerificationError
from govloop.ledger import Ledger, verify_inclusion_proof
from govloop.registry import Registry
from govloop.trace._report import Candidate, EvidenceItem, ProvenanceReport, SourceRun
from govloop.trace._sources import (
    Evidence,
    EvidenceSource,
    SourceUnavailable,
    Subject,
    default_sources,
)


def _filing(ledger: Ledger, filing_id: str | None) -> dict[str, Any] | None:
    if not filing_id:
        return None
    try:
        filing = Registry(ledger.store).get(filing_id)
    except GovloopError:
        return None
    return {
        key: str(getattr(filing, key))
        for key in ("filing_id", "model_name", "state")
        if getattr(filing, key, None) is not None
    }


def _fingerprint(subject: Subject) -> str | None:
    """The content's fingerprint for the report, None when it has none or does not decode."""
    try:
        return subject.fingerprint
    except FormatError:
        return None


def trace(
    data: bytes,
    *,
    filename: str = "",
    ledger: Ledger,
    sources: Sequence[EvidenceSource] | None = None,
    limit: int = 5,
) -> ProvenanceReport:
    """Trace content back to ledger entries.

    Each source runs independently (one failing never hides the others); evidence is combined
    per entry as ``1 - prod(1 - c_i)``; the top ``limit`` candidates come with an inclusion
    proof against the latest checkpoint covering them (one is issued when none does), checked
    here before it is reported.
    """
    subject = Subject(data, filename)
    runs: list[SourceRun] = []
    by_index: dict[int, list[Evidence]] = defaultdict(list)
    undecodable: FormatError | None = None  # the content could not be decoded by a source
    for source in sources if sources is not None else default_sources():
        try:
            found = source.gather(subject, ledger)
        except SourceUnavailable as exc:
            runs.append(SourceRun(name=source.name, status="unavailable", detail=str(exc)))
            continue
        except GovloopError as exc:
            runs.append(SourceRun(name=source.name, status="error", detail=exc.diagnostics()))
            # Only media that announce themselves by magic bytes and then fail to decode are
            # "broken"; text in another encoding is content with no evidence, reported as such.
            claims_media = subject.media_type in ("image", "audio")
            if isinstance(exc, FormatError) and claims_media and undecodable is None:
                undecodable = exc
            continue
        runs.append(SourceRun(name=source.name, status="ran", found=len({e.index for e in found})))
        for ev in found:
            by_index[ev.index].append(ev)

    def combined(evs: list[Evidence]) -> float:
        miss = 1.0
        for ev in evs:
            miss *= 1.0 - max(0.0, min(1.0, ev.confidence))
        return 1.0 - miss

    if undecodable is not None and not by_index:
        # Nothing matched and the file is broken: say so rather than "no entry found".
        raise undecodable
    ranked = sorted(by_index.items(), key=lambda kv: (-combined(kv[1]), kv[0]))[:limit]
    candidates = []
    verifiers = None
    for rank, (index, evs) in enumerate(ranked, start=1):
        record = ledger.get(index)
        cp = ledger.checkpoint_covering(index)  # may sign the first checkpoint (and make a key)
        if verifiers is None:
            verifiers = ledger.verifiers()
        proof = ledger.inclusion_proof(index, cp.tree_size)
        try:
            verify_inclusion_proof(proof, cp.note, verifiers, entry=record.leaf)
            verified = True
        except VerificationError:
            verified = False
        candidates.append(
            Candidate(
                rank=rank,
                index=index,
                confidence=round(combined(evs), 6),
                evidence=[
                    EvidenceItem(source=e.source, confidence=e.confidence, detail=e.detail)
                    for e in sorted(evs, key=lambda e: -e.confidence)
                ],
                entry=record.entry,
                inclusion_proof=proof,
                checkpoint=cp.note,
                proof_verified=verified,
                filing_id=record.entry.filing_id,
                filing=_filing(ledger, record.entry.filing_id),
            )
        )
    return ProvenanceReport(
        filename=filename,
        sha256=subject.sha256,
        media_type=subject.media_type,
        fingerprint=_fingerprint(subject),
        sources=runs,
        candidates=candidates,
    )
