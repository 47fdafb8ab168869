"""Feedback tables: complaints, their events and actions, and the evidence kept with them."""

import sqlalchemy as sa
from alembic import op

revision = "feedback_0001"
down_revision = None
branch_labels = ("feedback",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feedback_complaints",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("receipt", sa.String(16), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("filing_id", sa.String(32), nullable=True),
        sa.Column("model_name", sa.String(128), nullable=True),
        sa.Column("provider", sa.String(64), nullable=True),
        sa.Column("jurisdictions", sa.String(200), nullable=False),
        sa.Column("ledger_index", sa.BigInteger(), nullable=True),
        sa.Column("traced_entry_index", sa.BigInteger(), nullable=True),
        sa.Column("trace_summary", sa.JSON(), nullable=False),
        sa.Column("evidence_url", sa.String(2048), nullable=True),
        sa.Column("evidence_filename", sa.String(200), nullable=True),
        sa.Column("contact", sa.String(200), nullable=True),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("triage_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_feedback_complaints"),
    )
    for column, unique in (
        ("receipt", True),
        ("category", False),
        ("state", False),
        ("filing_id", False),
        ("provider", False),
        ("created_at", False),
        ("due_at", False),
    ):
        op.create_index(
            f"ix_feedback_complaints_{column}", "feedback_complaints", [column], unique=unique
        )
    op.create_table(
        "feedback_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("complaint_id", sa.String(32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("name", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("outcome", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("record", sa.LargeBinary(), nullable=False),
        sa.Column("ledger_index", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_feedback_events"),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["feedback_complaints.id"],
            name="fk_feedback_events_complaint_id_feedback_complaints",
        ),
        sa.UniqueConstraint("complaint_id", "seq", name="uq_feedback_events_seq"),
    )
    op.create_index("ix_feedback_events_complaint_id", "feedback_events", ["complaint_id"])
    op.create_index("ix_feedback_events_ledger_index", "feedback_events", ["ledger_index"])
    op.create_table(
        "feedback_evidence",
        sa.Column("complaint_id", sa.String(32), nullable=False),
        sa.Column("filename", sa.String(200), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("complaint_id", name="pk_feedback_evidence"),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["feedback_complaints.id"],
            name="fk_feedback_evidence_complaint_id_feedback_complaints",
        ),
    )


def downgrade() -> None:
    op.drop_table("feedback_evidence")
    op.drop_table("feedback_events")
    op.drop_table("feedback_complaints")
