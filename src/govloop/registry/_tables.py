"""Registry tables: filings, their audit trail, attached assessments and filing numbers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from govloop.store import Base


class FilingRow(Base):
    """One filing: its document, state and latest risk profile."""

    __tablename__ = "registry_filings"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    model_name: Mapped[str] = mapped_column(sa.String(128), unique=True, index=True)
    provider_code: Mapped[str] = mapped_column(sa.String(27), index=True)
    provider_name: Mapped[str] = mapped_column(sa.String(200))
    state: Mapped[str] = mapped_column(sa.String(16), index=True)
    filing_number: Mapped[str | None] = mapped_column(sa.String(32), unique=True, index=True)
    regulator_filing_number: Mapped[str | None] = mapped_column(sa.String(64))
    current_version: Mapped[str] = mapped_column(sa.String(64))
    serving_version: Mapped[str | None] = mapped_column(sa.String(64))
    document: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    risk_profile: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))


class FilingEventRow(Base):
    """One audit event: who changed what, when and why."""

    __tablename__ = "registry_events"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    filing_id: Mapped[str] = mapped_column(
        sa.String(32), sa.ForeignKey("registry_filings.id"), index=True
    )
    at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(sa.String(200))
    action: Mapped[str] = mapped_column(sa.String(32))
    from_state: Mapped[str | None] = mapped_column(sa.String(16))
    to_state: Mapped[str | None] = mapped_column(sa.String(16))
    reason: Mapped[str] = mapped_column(sa.Text)
    diff: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)


class AssessmentRow(Base):
    """An assessment run attached to a filing (the report itself lives with ``assess``)."""

    __tablename__ = "registry_assessments"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    filing_id: Mapped[str] = mapped_column(
        sa.String(32), sa.ForeignKey("registry_filings.id"), index=True
    )
    version: Mapped[str] = mapped_column(sa.String(64))
    run_id: Mapped[str] = mapped_column(sa.String(64))
    report_sha256: Mapped[str] = mapped_column(sa.String(64))
    passed: Mapped[bool] = mapped_column(sa.Boolean)
    reasons: Mapped[list[str]] = mapped_column(sa.JSON)
    actor: Mapped[str] = mapped_column(sa.String(200))
    attached_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))


class FilingNumberRow(Base):
    """Issued registry filing numbers; the autoincrement id is the serial."""

    __tablename__ = "registry_filing_numbers"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    filing_id: Mapped[str] = mapped_column(
        sa.String(32), sa.ForeignKey("registry_filings.id"), unique=True
    )
    issued_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
