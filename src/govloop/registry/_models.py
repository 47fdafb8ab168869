"""What the registry hands out: filings, audit events and attached assessments."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import BaseModel, ConfigDict

from govloop.registry._lifecycle import FilingState
from govloop.registry._schema import FilingCreate

#: Registry filing numbers: ``GL-<year of first approval>-<6-digit serial>``.
FILING_NUMBER_RE = re.compile(r"^GL-\d{4}-\d{6}$")

#: Observed regulator number formats (regulation.md §4, inferred): algorithm filing and the
#: generative-AI model filing ``Province-ModelName-YYYYMMDD``.
REGULATOR_NUMBER_FORMATS = (
    re.compile(r"^网信算备\d{21}号$"),
    re.compile(r"^[A-Za-z]+-[A-Za-z0-9]+-\d{8}$"),
)

#: Fields whose change does not send an assessed filing back to assessment.
NON_MATERIAL_FIELDS = frozenset(
    {"contacts", "regulator_filing_number", "tags", "description", "display_name"}
)


class _Public(BaseModel):
    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True)


class AssessmentRecord(_Public):
    """An assessment run attached to a filing."""

    run_id: str
    """The assessment run's id."""

    report_sha256: str
    """SHA-256 (hex) of the assessment report."""

    passed: bool
    """Whether the run passed."""

    reasons: list[str]
    """Why it failed (or notes when it passed)."""

    version: str
    """The filing version that was assessed."""

    actor: str
    """Who attached it."""

    attached_at: dt.datetime
    """When it was attached (UTC)."""


class AuditEvent(_Public):
    """One change to a filing: who, when, what changed and why."""

    filing_id: str
    """The filing."""

    at: dt.datetime
    """When (UTC)."""

    actor: str
    """Who made the change."""

    action: str
    """register, update, transition, assessment or classify."""

    from_state: FilingState | None
    """State before the change."""

    to_state: FilingState | None
    """State after the change."""

    reason: str
    """Why."""

    diff: list[dict[str, Any]]
    """What changed: ``{"path", "old", "new"}`` per changed field."""


class Filing(_Public):
    """A stored filing: the document plus what the registry knows about it."""

    id: str
    """Registry id (a ULID)."""

    model_name: str
    """The model or service name (unique)."""

    provider_code: str
    """The provider's 27-character code."""

    provider_name: str
    """The provider's name."""

    state: FilingState
    """Lifecycle state."""

    filing_number: str | None
    """Registry filing number, assigned at first approval (``GL-<year>-<serial>``)."""

    regulator_filing_number: str | None
    """The regulator's number, when the provider has one."""

    current_version: str
    """The latest version listed."""

    serving_version: str | None
    """The approved version that may serve, if any."""

    document: FilingCreate
    """The filing document."""

    risk_profile: dict[str, Any] | None
    """The latest risk profile (see :mod:`govloop.classify`)."""

    latest_assessment: AssessmentRecord | None
    """The most recently attached assessment."""

    created_at: dt.datetime
    """When it was registered (UTC)."""

    updated_at: dt.datetime
    """When it last changed (UTC)."""


def filing_warnings(doc: FilingCreate) -> list[str]:
    """Non-fatal remarks on a document (numbers in an unrecognised format, shares over guidance)."""
    out: list[str] = []
    numbers = [("regulator_filing_number", doc.regulator_filing_number)]
    numbers += [
        (f"versions[{i}].base_model_filing_number", v.base_model_filing_number)
        for i, v in enumerate(doc.versions)
    ]
    for field, value in numbers:
        if value and not any(rx.match(value) for rx in REGULATOR_NUMBER_FORMATS):
            out.append(
                f"field {field}: {value!r} matches no known regulator number format "
                "(网信算备 + 21 digits + 号, or Province-ModelName-YYYYMMDD)"
            )
    share = doc.training_data.foreign_open_source_share
    if share is not None and share > 0.30:
        out.append(
            f"field training_data.foreign_open_source_share: {share:.0%} is above the 30 % "
            "the filing guidance recommends"
        )
    for i, v in enumerate(doc.versions):
        public_cn = "CN" in doc.deployment_regions and doc.audience != "internal"
        if v.base_model and not v.base_model_filed and public_cn:
            out.append(
                f"field versions[{i}].base_model_filed: base model {v.base_model!r} is not filed; "
                "TC260-003 requires a filed third-party foundation model for services in China"
            )
    return out


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else str(key), out)
    else:
        out[prefix] = value


def document_diff(old: dict[str, Any] | None, new: dict[str, Any]) -> list[dict[str, Any]]:
    """Field-level differences between two JSON documents (lists compare as wholes)."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    if old is not None:
        _flatten(old, "", before)
    _flatten(new, "", after)
    return [
        {"path": path, "old": before.get(path), "new": after.get(path)}
        for path in sorted(before.keys() | after.keys())
        if before.get(path) != after.get(path)
    ]
