"""The gateway's own tables: API keys, requester standing, violations and the delivery log."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Boolean, DateTime, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from govloop.store import Base


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class ApiKeyRow(Base):
    """An API key: only the SHA-256 of the token is stored."""

    __tablename__ = "gateway_api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    requester: Mapped[str] = mapped_column(String(200), index=True)
    allow_unlabeled: Mapped[bool] = mapped_column(Boolean, default=False)
    rate: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class RequesterRow(Base):
    """A requester's standing under the violation policy."""

    __tablename__ = "gateway_requesters"

    requester: Mapped[str] = mapped_column(String(200), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="active")
    reason: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ViolationRow(Base):
    """A blocked prompt or a filtered output (Interim Measures Art. 14: keep records)."""

    __tablename__ = "gateway_violations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    requester: Mapped[str] = mapped_column(String(200), index=True)
    key_id: Mapped[str] = mapped_column(String(32))
    model: Mapped[str] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(8))
    risks: Mapped[str] = mapped_column(Text, default="")
    text_sha256: Mapped[str] = mapped_column(String(64))
    produce_id: Mapped[str | None] = mapped_column(String(32), nullable=True)


class DeliveryRow(Base):
    """One delivered output and its recipient (Labeling Measures Art. 9 log)."""

    __tablename__ = "gateway_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    key_id: Mapped[str] = mapped_column(String(32))
    requester: Mapped[str] = mapped_column(String(200), index=True)
    model: Mapped[str] = mapped_column(String(200))
    produce_id: Mapped[str] = mapped_column(String(32), index=True)
    media_type: Mapped[str] = mapped_column(String(16))
    unlabeled: Mapped[bool] = mapped_column(Boolean, default=False)


class RateBucketRow(Base):
    """A key's token bucket shared by every worker and gateway on the database.

    ``kind`` is ``requests`` or ``tokens``; ``stamp`` is the database clock's epoch seconds at
    the last refill (PostgreSQL's ``clock_timestamp()``, so hosts need not agree on the time).
    """

    __tablename__ = "gateway_rate_buckets"

    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    tokens: Mapped[float] = mapped_column(Float)
    stamp: Mapped[float] = mapped_column(Float)
