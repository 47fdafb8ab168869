"""What each audience sees of a filing (visibility levels, like the EU database, AI Act Art. 71).

- public: identity, state, filing number, what the service does, where, its risk tiers and its
  labelling policy, and where to complain;
- provider (its own filings) and regulator (its jurisdiction): also the whole filing document,
  the risk profile with reasons, the assessments and the audit trail;
- regulator only: the contacts' phone numbers and e-mails are provider+regulator, and the audit
  trail's actor names are shown to regulators only (providers see the roles).
"""

from __future__ import annotations

from typing import Any

from govloop.registry import AuditEvent, Filing

PUBLIC_STATES = frozenset({"approved", "suspended", "revoked"})
"""States whose filings the public registry lists (those with a registry filing number)."""


def tiers(filing: Filing) -> dict[str, str]:
    """Regime -> tier of the filing's risk profile."""
    profile = filing.risk_profile or {}
    return {
        str(r.get("regime")): str(r.get("tier"))
        for r in profile.get("regimes", [])
        if r.get("regime")
    }


def public_view(filing: Filing) -> dict[str, Any]:
    """The fields anyone may read."""
    doc = filing.document
    return {
        "id": filing.id,
        "model_name": filing.model_name,
        "display_name": doc.display_name or filing.model_name,
        "provider_name": filing.provider_name,
        "provider_code": filing.provider_code,
        "state": filing.state.value,
        "filing_number": filing.filing_number,
        "regulator_filing_number": filing.regulator_filing_number,
        "serving_version": filing.serving_version,
        "description": doc.description,
        "functions": list(doc.functions),
        "service_forms": list(doc.service_forms),
        "audience": doc.audience,
        "deployment_regions": list(doc.deployment_regions),
        "languages": list(doc.languages),
        "tiers": tiers(filing),
        "labels_policy": {
            "explicit": "GB 45438-2025 explicit labels on every output",
            "implicit": "signed AIGC metadata (TC260) in every file format that keeps it",
        },
        "complaint_url": f"/api/v1/complaints?filing_id={filing.id}",
        "updated_at": filing.updated_at.isoformat(),
    }


def _event(e: AuditEvent, *, actors: bool) -> dict[str, Any]:
    return {
        "at": e.at.isoformat(),
        "actor": e.actor if actors else e.actor.split(":", 1)[0],
        "action": e.action,
        "from_state": e.from_state.value if e.from_state else None,
        "to_state": e.to_state.value if e.to_state else None,
        "reason": e.reason,
    }


def full_view(filing: Filing, events: list[AuditEvent], *, regulator: bool) -> dict[str, Any]:
    """The provider's or regulator's view: public fields plus the private ones."""
    out = public_view(filing)
    out.update(
        {
            "current_version": filing.current_version,
            "document": filing.document.model_dump(mode="json"),
            "risk_profile": filing.risk_profile,
            "latest_assessment": (
                filing.latest_assessment.model_dump(mode="json")
                if filing.latest_assessment
                else None
            ),
            "audit_trail": [_event(e, actors=regulator) for e in events],
            "created_at": filing.created_at.isoformat(),
        }
    )
    return out


CSV_COLUMNS = (
    "id",
    "model_name",
    "display_name",
    "provider_name",
    "provider_code",
    "state",
    "filing_number",
    "serving_version",
    "deployment_regions",
    "tier_cn",
    "tier_eu",
    "tier_nist",
    "updated_at",
)
"""Columns of the CSV export."""


def csv_row(view: dict[str, Any]) -> list[str]:
    """One CSV row of a public view."""
    t = view["tiers"]
    values = {
        **view,
        "deployment_regions": " ".join(view["deployment_regions"]),
        "tier_cn": t.get("cn", ""),
        "tier_eu": t.get("eu", ""),
        "tier_nist": t.get("nist", ""),
    }
    return ["" if values.get(c) is None else str(values[c]) for c in CSV_COLUMNS]
