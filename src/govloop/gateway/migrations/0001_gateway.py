"""Gateway tables: API keys, requesters, violations, deliveries."""

import sqlalchemy as sa
from alembic import op

revision = "gateway_0001"
down_revision = None
branch_labels = ("gateway",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gateway_api_keys",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("token_sha256", sa.String(64), nullable=False),
        sa.Column("requester", sa.String(200), nullable=False),
        sa.Column("allow_unlabeled", sa.Boolean(), nullable=False),
        sa.Column("rate", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index(
        "ix_gateway_api_keys_token_sha256", "gateway_api_keys", ["token_sha256"], unique=True
    )
    op.create_index("ix_gateway_api_keys_requester", "gateway_api_keys", ["requester"])
    op.create_table(
        "gateway_requesters",
        sa.Column("requester", sa.String(200), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "gateway_violations",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requester", sa.String(200), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("stage", sa.String(8), nullable=False),
        sa.Column("risks", sa.Text(), nullable=False),
        sa.Column("text_sha256", sa.String(64), nullable=False),
        sa.Column("produce_id", sa.String(32), nullable=True),
    )
    op.create_index("ix_gateway_violations_at", "gateway_violations", ["at"])
    op.create_index("ix_gateway_violations_requester", "gateway_violations", ["requester"])
    op.create_table(
        "gateway_deliveries",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("requester", sa.String(200), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("produce_id", sa.String(32), nullable=False),
        sa.Column("media_type", sa.String(16), nullable=False),
        sa.Column("unlabeled", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_gateway_deliveries_at", "gateway_deliveries", ["at"])
    op.create_index("ix_gateway_deliveries_requester", "gateway_deliveries", ["requester"])
    op.create_index("ix_gateway_deliveries_produce_id", "gateway_deliveries", ["produce_id"])


def downgrade() -> None:
    for table in (
        "gateway_deliveries",
        "gateway_violations",
        "gateway_requesters",
        "gateway_api_keys",
    ):
        op.drop_table(table)
