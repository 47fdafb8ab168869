"""Accounts tables: users (argon2id password hashes) and API tokens (SHA-256 at rest)."""

import sqlalchemy as sa
from alembic import op

revision = "accounts_0001"
down_revision = None
branch_labels = ("accounts",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts_users",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("provider", sa.String(64), nullable=True),
        sa.Column("jurisdiction", sa.String(64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_accounts_users"),
    )
    op.create_index("ix_accounts_users_username", "accounts_users", ["username"], unique=True)
    op.create_index("ix_accounts_users_role", "accounts_users", ["role"])
    op.create_index("ix_accounts_users_provider", "accounts_users", ["provider"])
    op.create_table(
        "accounts_tokens",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_accounts_tokens"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["accounts_users.id"], name="fk_accounts_tokens_user_id_accounts_users"
        ),
    )
    op.create_index("ix_accounts_tokens_user_id", "accounts_tokens", ["user_id"])
    op.create_index(
        "ix_accounts_tokens_token_sha256", "accounts_tokens", ["token_sha256"], unique=True
    )


def downgrade() -> None:
    op.drop_table("accounts_tokens")
    op.drop_table("accounts_users")
