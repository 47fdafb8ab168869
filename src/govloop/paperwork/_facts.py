"""The facts a form is filled from: one nested mapping with a root per kind of evidence.

Gathering is separate from filling so the library needs no store: the CLI (or a test) reads the
filing, its classification, the latest assessment report and the ledger, and hands them here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govloop.classify import filing_context
from govloop.registry import Filing, FilingCreate

_KINDS = ("generated-content", "should-refuse", "should-answer")


def _classification(profile: Mapping[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"obligations": []}
    if not profile:
        return out
    for r in profile.get("regimes", []):
        out[str(r["regime"])] = {
            "tier": r.get("tier"),
            "designations": [d.get("name") for d in r.get("designations", [])],
            "rules": [f.get("rule_id") for f in r.get("fired", [])],
            "sources": [f.get("source") for f in r.get("fired", [])],
            "functions": list(r.get("functions", [])),
        }
    out["obligations"] = [o.get("title") for o in profile.get("obligations", [])]
    out["obligation_ids"] = [o.get("id") for o in profile.get("obligations", [])]
    return out


def package_facts(
    *, keyword_count: int, keyword_risks: int, bank_counts: Mapping[str, int]
) -> dict[str, Any]:
    """The CAC package's attachment facts: keyword list size and the three test sets' counts."""
    return {
        "keywords": {"count": keyword_count, "risks": keyword_risks},
        "banks": {k.replace("-", "_"): {"count": int(bank_counts.get(k, 0))} for k in _KINDS},
    }


def gather_facts(
    filing: Filing | FilingCreate,
    *,
    profile: Mapping[str, Any] | None = None,
    report: Mapping[str, Any] | None = None,
    ledger: Mapping[str, Any] | None = None,
    package: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Facts for filling, one root per kind of evidence.

    ``filing`` (document plus ``latest_version`` and ``derived``), ``record`` (registry
    metadata), ``classification`` (tier per regime, obligations), ``assessment`` (latest record
    and report), ``ledger`` and ``package``.
    """
    record: dict[str, Any] = {}
    assessment: dict[str, Any] = {}
    if isinstance(filing, Filing):
        doc = filing.document
        record = filing.model_dump(mode="json", exclude={"document", "risk_profile"})
        record.pop("latest_assessment", None)
        latest = filing.latest_assessment
        if latest is not None:
            assessment["record"] = latest.model_dump(mode="json")
        profile = profile if profile is not None else filing.risk_profile
    else:
        doc = filing
    if report:
        assessment["report"] = dict(report)
        assessment["conclusion"] = report.get("conclusion")
        assessment["clauses"] = [
            f"{c.get('clause')} {c.get('status')}" for c in report.get("clauses", [])
        ]
        metrics = report.get("metrics", {})
        assessment["metrics"] = {str(k).replace("-", "_"): v for k, v in metrics.items()}
    return {
        "filing": filing_context(doc),
        "record": record,
        "classification": _classification(profile),
        "assessment": assessment,
        "ledger": dict(ledger or {}),
        "package": dict(package or {}),
    }
