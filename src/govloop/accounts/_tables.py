"""Accounts tables: users with their password hashes, and hashed API tokens."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from govloop.store import Base


class UserRow(Base):
    """One account; ``password_hash`` is an argon2id PHC string."""

    __tablename__ = "accounts_users"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(16), index=True)
    display_name: Mapped[str] = mapped_column(sa.String(200))
    provider: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    jurisdiction: Mapped[str | None] = mapped_column(sa.String(64))
    active: Mapped[bool] = mapped_column(sa.Boolean)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))


class TokenRow(Base):
    """One API token: only the SHA-256 of the token text is stored."""

    __tablename__ = "accounts_tokens"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(
        sa.String(32), sa.ForeignKey("accounts_users.id"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(100))
    token_sha256: Mapped[str] = mapped_column(sa.String(64), unique=True, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    last_used_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
