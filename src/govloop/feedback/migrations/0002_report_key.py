"""Idempotent reports: a bulk filer's key per complaint, unique, so a rerun files nothing twice."""

import sqlalchemy as sa
from alembic import op

revision = "feedback_0002"
down_revision = "feedback_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feedback_complaints") as batch:
        batch.add_column(sa.Column("report_key", sa.String(64), nullable=True))
        batch.create_unique_constraint("uq_feedback_complaints_report_key", ["report_key"])


def downgrade() -> None:
    with op.batch_alter_table("feedback_complaints") as batch:
        batch.drop_constraint("uq_feedback_complaints_report_key", type_="unique")
        batch.drop_column("report_key")
