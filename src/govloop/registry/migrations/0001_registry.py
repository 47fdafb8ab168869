"""Registry tables: filings, audit events, attached assessments, issued filing numbers."""

import sqlalchemy as sa
from alembic import op

revision = "registry_0001"
down_revision = None
branch_labels = ("registry",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registry_filings",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("model_name", sa.String(128), nullable=False),
        sa.Column("provider_code", sa.String(27), nullable=False),
        sa.Column("provider_name", sa.String(200), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("filing_number", sa.String(32), nullable=True),
        sa.Column("regulator_filing_number", sa.String(64), nullable=True),
        sa.Column("current_version", sa.String(64), nullable=False),
        sa.Column("serving_version", sa.String(64), nullable=True),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("risk_profile", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_registry_filings"),
    )
    op.create_index(
        "ix_registry_filings_model_name", "registry_filings", ["model_name"], unique=True
    )
    op.create_index("ix_registry_filings_provider_code", "registry_filings", ["provider_code"])
    op.create_index("ix_registry_filings_state", "registry_filings", ["state"])
    op.create_index(
        "ix_registry_filings_filing_number", "registry_filings", ["filing_number"], unique=True
    )
    op.create_table(
        "registry_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("filing_id", sa.String(32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("from_state", sa.String(16), nullable=True),
        sa.Column("to_state", sa.String(16), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("diff", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_registry_events"),
        sa.ForeignKeyConstraint(
            ["filing_id"],
            ["registry_filings.id"],
            name="fk_registry_events_filing_id_registry_filings",
        ),
    )
    op.create_index("ix_registry_events_filing_id", "registry_events", ["filing_id"])
    op.create_table(
        "registry_assessments",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("filing_id", sa.String(32), nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("report_sha256", sa.String(64), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("attached_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_registry_assessments"),
        sa.ForeignKeyConstraint(
            ["filing_id"],
            ["registry_filings.id"],
            name="fk_registry_assessments_filing_id_registry_filings",
        ),
    )
    op.create_index("ix_registry_assessments_filing_id", "registry_assessments", ["filing_id"])
    op.create_table(
        "registry_filing_numbers",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("filing_id", sa.String(32), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_registry_filing_numbers"),
        sa.UniqueConstraint("filing_id", name="uq_registry_filing_numbers_filing_id"),
        sa.ForeignKeyConstraint(
            ["filing_id"],
            ["registry_filings.id"],
            name="fk_registry_filing_numbers_filing_id_registry_filings",
        ),
    )


def downgrade() -> None:
    for table in (
        "registry_filing_numbers",
        "registry_assessments",
        "registry_events",
        "registry_filings",
    ):
        op.drop_table(table)
