"""Database tables of assessment runs: the run, its planned sample and its results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from govloop.store import Base


class RunRow(Base):
    """One assessment run."""

    __tablename__ = "assess_runs"

    id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    model: Mapped[str] = mapped_column(sa.String(500))
    bank: Mapped[str] = mapped_column(sa.String(1000))
    bank_sha256: Mapped[str] = mapped_column(sa.String(64))
    config: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(20))
    filing_id: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)
    report_sha256: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), nullable=True)


class PlanRow(Base):
    """One planned question of a run (the seeded sample, fixed when the run starts)."""

    __tablename__ = "assess_plan"

    run_id: Mapped[str] = mapped_column(
        sa.String(40), sa.ForeignKey("assess_runs.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    item_id: Mapped[str] = mapped_column(sa.String(200))
    item: Mapped[dict[str, Any]] = mapped_column(sa.JSON)


class ResultRow(Base):
    """The answer to one planned question and its judgements."""

    __tablename__ = "assess_results"

    run_id: Mapped[str] = mapped_column(
        sa.String(40), sa.ForeignKey("assess_runs.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    item_id: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(20))
    risk: Mapped[str] = mapped_column(sa.String(100))
    status: Mapped[str] = mapped_column(sa.String(10))
    answer: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    refused: Mapped[bool | None] = mapped_column(sa.Boolean, nullable=True)
    unsafe: Mapped[bool | None] = mapped_column(sa.Boolean, nullable=True)
    passed: Mapped[bool | None] = mapped_column(sa.Boolean, nullable=True)
    judgements: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    error: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    latency_s: Mapped[float] = mapped_column(sa.Float)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
