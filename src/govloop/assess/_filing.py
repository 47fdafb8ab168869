"""Recording an assessment on a filing through the registry contract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from govloop.assess._report import build_report, report_digest
from govloop.assess._tables import RunRow
from govloop.errors import NotFoundError
from govloop.store import Store

ACTOR = "govloop-assess"


def record_assessment_on_filing(
    store: Store, filing_id: str, run: str, *, actor: str = ACTOR
) -> Any:
    """Build the run's report, store its SHA-256 digest on the run and attach it to the filing.

    Calls ``Registry(store).attach_assessment(filing_id, run_id=, report_sha256=, passed=,
    reasons=, actor=)``; a passed assessment lets the filing move to approved, a failed one
    blocks it with the reasons. Returns the updated filing.
    """
    from govloop.registry import Registry

    with store.session() as s:
        row = s.get(RunRow, run)
        if row is None:
            raise NotFoundError(f"no assessment run {run!r}")
        row.filing_id = filing_id
    report = build_report(store, run)
    digest = report_digest(report)
    with store.session() as s:
        row = s.get(RunRow, run)
        if row is not None:
            row.report_sha256 = digest
    return Registry(store).attach_assessment(
        filing_id,
        run_id=run,
        report_sha256=digest,
        passed=bool(report["passed"]),
        reasons=list(report["reasons"]),
        actor=actor,
    )


def record_report_in_ledger(ledger: Any, report: dict[str, Any], *, provider_code: str) -> Any:
    """Append the canonical JSON report to the generation ledger (media type ``other``).

    The ledger entry's ``content_sha256`` equals the digest stored with the filing, so anyone
    holding the report file can prove with an inclusion proof that this exact report existed at
    checkpoint time: the assessment a filing was approved on cannot be swapped afterwards.
    Returns the :class:`govloop.ledger.AppendResult`.
    """
    from govloop.assess._report import canonical_json
    from govloop.ledger import record_output

    run = report["run"]
    return record_output(
        ledger,
        canonical_json(report),
        media_type="other",
        model=str(run["model"]),
        provider_code=provider_code,
        filing_id=run.get("filing_id"),
    )


@dataclass(frozen=True)
class ConcludedAssessment:
    """What concluding a run produced: the report, the updated filing and the ledger entry."""

    report: dict[str, Any]
    """The JSON report (its digest is the ledger entry's ``content_sha256``)."""
    filing: Any
    """The filing after the report was attached, or None when it was not attached."""
    entry: Any
    """The :class:`govloop.ledger.AppendResult` of the report's ledger entry."""


def conclude_assessment(
    store: Store,
    run: str,
    *,
    ledger: Any,
    provider_code: str,
    filing_id: str | None = None,
    attach: bool = True,
    actor: str = ACTOR,
) -> ConcludedAssessment:
    """The loop step after a run: attach its report to the filing, then record it in the ledger.

    Every face (CLI, demo, web, complaint handling, remote workers) calls this one function so
    the order cannot drift: the filing link is stored first, so the report the ledger records
    names the filing the registry holds. ``attach=False`` records evidence only (a targeted
    reassessment is evidence for a complaint handler, not the filing's assessment).
    """
    filing = None
    if filing_id is not None and attach:
        filing = record_assessment_on_filing(store, filing_id, run, actor=actor)
    report = build_report(store, run)
    entry = record_report_in_ledger(ledger, report, provider_code=provider_code)
    return ConcludedAssessment(report=report, filing=filing, entry=entry)
