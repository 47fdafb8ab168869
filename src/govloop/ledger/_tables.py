"""Ledger tables: entries (leaf bytes, lookup columns), node cache, sketch keys, checkpoints.

Sketch keys (near-match lookups) live in two tables: ``ledger_sketch`` (the index, keyed by
band key) and ``ledger_sketch_tail`` (recent entries, keyed by entry, merged in batches).

``ledger_nodes`` caches every *perfect* subtree hash, leaves included, keyed by
``level << 40 | index`` (:func:`node_key`), so any proof needs ``O(log n)`` point reads.
``ledger_state`` holds the committed tree size in one row; writers lock it, which keeps indexes
dense and unique with several writers.
"""

from __future__ import annotations

from typing import cast

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from govloop.store import Base

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
"""64-bit integer key; SQLite gets INTEGER so the column is the rowid."""


def node_key(level: int, index: int) -> int:
    """Primary key of the perfect subtree ``(level, index)`` in ``ledger_nodes``."""
    return (level << 40) | index


class EntryRow(Base):
    """One ledger entry: its leaf bytes and the columns lookups use."""

    __tablename__ = "ledger_entries"

    idx: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    produce_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    tag32: Mapped[int] = mapped_column(sa.BigInteger, index=True)
    wm_payload: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    media_type: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[str] = mapped_column(sa.String(40))
    leaf: Mapped[bytes] = mapped_column(sa.LargeBinary)


class NodeRow(Base):
    """A cached perfect subtree hash."""

    __tablename__ = "ledger_nodes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(sa.LargeBinary(32))


class SketchRow(Base):
    """A fingerprint band key of an entry (near-match lookups)."""

    __tablename__ = "ledger_sketch"
    __table_args__ = {"sqlite_with_rowid": False}

    key: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)


class SketchTailRow(Base):
    """A band key of a recent entry, not yet merged into ``ledger_sketch``.

    Keyed by entry first, so appends add rows at the end of the table (one page for dozens of
    entries) instead of dirtying one random page of the sketch index per key; merges move the
    tail into the index in one sorted statement (see ``Ledger.merge_sketch``).
    """

    __tablename__ = "ledger_sketch_tail"
    __table_args__ = {"sqlite_with_rowid": False}

    idx: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    key: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)


class StateRow(Base):
    """The committed tree size (one row, id 1); writers lock it."""

    __tablename__ = "ledger_state"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    size: Mapped[int] = mapped_column(sa.BigInteger)


class CheckpointRow(Base):
    """A signed checkpoint as issued."""

    __tablename__ = "ledger_checkpoints"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    tree_size: Mapped[int] = mapped_column(sa.BigInteger, index=True)
    root_hash: Mapped[bytes] = mapped_column(sa.LargeBinary(32))
    note: Mapped[str] = mapped_column(sa.Text)
    key_hash: Mapped[str] = mapped_column(sa.String(8))
    created_at: Mapped[str] = mapped_column(sa.String(40))


ENTRIES = cast(sa.Table, EntryRow.__table__)
NODES = cast(sa.Table, NodeRow.__table__)
SKETCH = cast(sa.Table, SketchRow.__table__)
SKETCH_TAIL = cast(sa.Table, SketchTailRow.__table__)
STATE = cast(sa.Table, StateRow.__table__)
CHECKPOINTS = cast(sa.Table, CheckpointRow.__table__)
