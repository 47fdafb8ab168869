"""Witness tables: identity, watched logs, cosignatures received by a provider's log."""

import sqlalchemy as sa
from alembic import op

revision = "witness_0001"
down_revision = None
branch_labels = ("witness",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "witness_identity",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_witness_identity"),
    )
    op.create_table(
        "witness_logs",
        sa.Column("origin", sa.String(255), nullable=False),
        sa.Column("keys", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("root_hash", sa.LargeBinary(32), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("origin", name="pk_witness_logs"),
    )
    op.create_table(
        "witness_cosignatures",
        sa.Column("body_sha256", sa.String(64), nullable=False),
        sa.Column("witness", sa.String(255), nullable=False),
        sa.Column("tree_size", sa.BigInteger(), nullable=False),
        sa.Column("line", sa.Text(), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("body_sha256", "witness", name="pk_witness_cosignatures"),
    )
    op.create_index("ix_witness_cosignatures_tree_size", "witness_cosignatures", ["tree_size"])


def downgrade() -> None:
    op.drop_index("ix_witness_cosignatures_tree_size", "witness_cosignatures")
    op.drop_table("witness_cosignatures")
    op.drop_table("witness_logs")
    op.drop_table("witness_identity")
