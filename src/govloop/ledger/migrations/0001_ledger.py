"""Ledger tables: entries, node cache, sketch keys, state row, checkpoints."""

import sqlalchemy as sa
from alembic import op

revision = "ledger_0001"
down_revision = None
branch_labels = ("ledger",)
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "ledger_entries",
        sa.Column("idx", BigId, primary_key=True, autoincrement=False),
        sa.Column("produce_id", sa.String(64), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("tag32", sa.BigInteger(), nullable=False),
        sa.Column("wm_payload", sa.String(64), nullable=True),
        sa.Column("media_type", sa.String(16), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("leaf", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("idx", name="pk_ledger_entries"),
        sa.UniqueConstraint("produce_id", name="uq_ledger_entries_produce_id"),
    )
    op.create_index("ix_ledger_entries_content_sha256", "ledger_entries", ["content_sha256"])
    op.create_index("ix_ledger_entries_tag32", "ledger_entries", ["tag32"])
    op.create_index("ix_ledger_entries_wm_payload", "ledger_entries", ["wm_payload"])
    op.create_table(
        "ledger_nodes",
        sa.Column("id", BigId, primary_key=True, autoincrement=False),
        sa.Column("hash", sa.LargeBinary(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_nodes"),
    )
    op.create_table(
        "ledger_sketch",
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.Column("idx", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key", "idx", name="pk_ledger_sketch"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "ledger_state",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_state"),
    )
    op.bulk_insert(
        sa.table("ledger_state", sa.column("id", sa.Integer), sa.column("size", sa.BigInteger)),
        [{"id": 1, "size": 0}],
    )
    op.create_table(
        "ledger_checkpoints",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("tree_size", sa.BigInteger(), nullable=False),
        sa.Column("root_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("key_hash", sa.String(8), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_checkpoints"),
    )
    op.create_index("ix_ledger_checkpoints_tree_size", "ledger_checkpoints", ["tree_size"])


def downgrade() -> None:
    for name in (
        "ledger_checkpoints",
        "ledger_state",
        "ledger_sketch",
        "ledger_nodes",
        "ledger_entries",
    ):
        op.drop_table(name)
