"""What an export produces: the filled form and its completeness report (JSON-shaped models).

The JSON output is exactly :class:`FilledForm`; its JSON Schema ships as ``export.schema.json``
so a regulator's or provider's tooling can validate an export without govloop.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

Status = Literal["filled", "blank", "weak", "manual", "not-applicable"]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FilledField(_Out):
    """One field with its value, where it came from and whether it is good enough."""

    id: str
    label: str
    group: str | None = None
    clause: str
    mandatory: bool
    source: str | None
    value: Any = None
    text: str
    status: Status


class Gap(_Out):
    """A blank, weak or by-hand field: what the completeness report lists."""

    field: str
    label: str
    clause: str
    status: Status
    mandatory: bool
    hint: str = ""


class AttachmentOut(_Out):
    """A file in a package, with whether govloop could make it."""

    id: str
    label: str
    file: str
    clause: str
    present: bool
    detail: str = ""


class FilledForm(_Out):
    """A filled form: the JSON an export writes and the DOCX renders."""

    format: Literal["govloop-paperwork/1"] = "govloop-paperwork/1"
    form: str
    title: str
    regime: str
    language: str
    basis: str
    filing_id: str | None
    model_name: str
    version: str
    fields: list[FilledField]
    attachments: list[AttachmentOut] = []
    gaps: list[Gap]

    def failing(self) -> list[Gap]:
        """Gaps that make ``--strict`` fail: blank mandatory fields and weak ones."""
        return [g for g in self.gaps if g.status == "weak" or (g.status == "blank" and g.mandatory)]
