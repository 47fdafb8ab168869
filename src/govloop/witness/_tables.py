"""Witness tables: the witness's own identity, the logs it watches, cosignatures a log received.

A witness keeps about one record per log (``witness_logs``): the trusted log keys and the
latest checkpoint it cosigned. ``witness_cosignatures`` is the other side: the cosignature lines
a provider's log got back from witnesses, keyed by the SHA-256 of the checkpoint body they sign.
"""

from __future__ import annotations

from typing import cast

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from govloop.store import Base


class WitnessIdentityRow(Base):
    """The witness's key name (one row, id 1); the key itself is in the key store."""

    __tablename__ = "witness_identity"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[str] = mapped_column(sa.String(40))


class WitnessLogRow(Base):
    """A log the witness watches: its origin, trusted keys and latest cosigned checkpoint."""

    __tablename__ = "witness_logs"

    origin: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    keys: Mapped[str] = mapped_column(sa.Text)
    """Trusted note verifier keys, one per line."""
    size: Mapped[int] = mapped_column(sa.BigInteger)
    """Size of the latest cosigned checkpoint (0: none yet)."""
    root_hash: Mapped[bytes | None] = mapped_column(sa.LargeBinary(32), nullable=True)
    note: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    """The latest cosigned checkpoint as submitted."""
    updated_at: Mapped[str] = mapped_column(sa.String(40))


class WitnessCosignatureRow(Base):
    """A cosignature line a witness returned for one of this log's checkpoints."""

    __tablename__ = "witness_cosignatures"

    body_sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    witness: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    tree_size: Mapped[int] = mapped_column(sa.BigInteger, index=True)
    line: Mapped[str] = mapped_column(sa.Text)
    """The signature line, ending in a newline."""
    timestamp: Mapped[int] = mapped_column(sa.BigInteger)
    created_at: Mapped[str] = mapped_column(sa.String(40))


IDENTITY = cast(sa.Table, WitnessIdentityRow.__table__)
LOGS = cast(sa.Table, WitnessLogRow.__table__)
COSIGNATURES = cast(sa.Table, WitnessCosignatureRow.__table__)
