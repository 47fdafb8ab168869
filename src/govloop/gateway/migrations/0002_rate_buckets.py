"""Shared rate-limit buckets (``rate_limits: database``): one row per key and bucket kind."""

import sqlalchemy as sa
from alembic import op

revision = "gateway_0002"
down_revision = "gateway_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gateway_rate_buckets",
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("stamp", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key_id", "kind", name="pk_gateway_rate_buckets"),
    )


def downgrade() -> None:
    op.drop_table("gateway_rate_buckets")
