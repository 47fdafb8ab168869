"""Sketch tail: recent entries' band keys, appended in entry order and merged in batches."""

import sqlalchemy as sa
from alembic import op

revision = "ledger_0002"
down_revision = "ledger_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_sketch_tail",
        sa.Column("idx", sa.BigInteger(), nullable=False),
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("idx", "key", name="pk_ledger_sketch_tail"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    # move what the tail holds into the index first, so no entry loses its near-match keys
    op.execute(
        "INSERT INTO ledger_sketch (key, idx) SELECT key, idx FROM ledger_sketch_tail "
        "ORDER BY key, idx"
    )
    op.drop_table("ledger_sketch_tail")
