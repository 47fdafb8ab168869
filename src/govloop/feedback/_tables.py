"""Feedback tables: complaints, their events (state changes and actions) and kept evidence."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from govloop.store import Base


class ComplaintRow(Base):
    """One complaint; ``jurisdictions`` is ``|CN|EU|`` so a LIKE finds a region."""

    __tablename__ = "feedback_complaints"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    receipt: Mapped[str] = mapped_column(sa.String(16), unique=True, index=True)
    category: Mapped[str] = mapped_column(sa.String(16), index=True)
    description: Mapped[str] = mapped_column(sa.Text)
    state: Mapped[str] = mapped_column(sa.String(16), index=True)
    filing_id: Mapped[str | None] = mapped_column(sa.String(32), index=True)
    model_name: Mapped[str | None] = mapped_column(sa.String(128))
    provider: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    jurisdictions: Mapped[str] = mapped_column(sa.String(200))
    ledger_index: Mapped[int | None] = mapped_column(sa.BigInteger)
    traced_entry_index: Mapped[int | None] = mapped_column(sa.BigInteger)
    trace_summary: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    evidence_url: Mapped[str | None] = mapped_column(sa.String(2048))
    evidence_filename: Mapped[str | None] = mapped_column(sa.String(200))
    contact: Mapped[str | None] = mapped_column(sa.String(200))
    lang: Mapped[str] = mapped_column(sa.String(8))
    result: Mapped[str | None] = mapped_column(sa.Text)
    report_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), index=True)
    triage_due_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    due_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), index=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))


class ComplaintEventRow(Base):
    """A state change (``kind='state'``) or an action (``kind='action'``) on a complaint.

    ``record`` holds the exact canonical JSON whose SHA-256 the ledger entry carries, so anyone
    holding the row can check it against the ledger.
    """

    __tablename__ = "feedback_events"
    __table_args__ = (sa.UniqueConstraint("complaint_id", "seq", name="uq_feedback_events_seq"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    complaint_id: Mapped[str] = mapped_column(
        sa.String(32), sa.ForeignKey("feedback_complaints.id"), index=True
    )
    seq: Mapped[int] = mapped_column(sa.Integer)
    kind: Mapped[str] = mapped_column(sa.String(8))
    name: Mapped[str] = mapped_column(sa.String(16))
    actor: Mapped[str] = mapped_column(sa.String(200))
    reason: Mapped[str] = mapped_column(sa.Text)
    outcome: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    record: Mapped[bytes] = mapped_column(sa.LargeBinary)
    ledger_index: Mapped[int | None] = mapped_column(sa.BigInteger, index=True)


class EvidenceRow(Base):
    """Evidence kept with a complaint (uploads are kept only once a complaint is filed)."""

    __tablename__ = "feedback_evidence"

    complaint_id: Mapped[str] = mapped_column(
        sa.String(32), sa.ForeignKey("feedback_complaints.id"), primary_key=True
    )
    filename: Mapped[str | None] = mapped_column(sa.String(200))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
