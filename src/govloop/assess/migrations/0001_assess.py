"""assess: runs, planned samples and results.

Revision ID: assess_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "assess_0001"
down_revision = None
branch_labels = ("assess",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assess_runs",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("model", sa.String(500), nullable=False),
        sa.Column("bank", sa.String(1000), nullable=False),
        sa.Column("bank_sha256", sa.String(64), nullable=False),
        sa.Column("config", sa.JSON, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("filing_id", sa.String(100), nullable=True),
        sa.Column("report_sha256", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_assess_runs"),
    )
    op.create_table(
        "assess_plan",
        sa.Column("run_id", sa.String(40), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("item_id", sa.String(200), nullable=False),
        sa.Column("item", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("run_id", "seq", name="pk_assess_plan"),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["assess_runs.id"],
            ondelete="CASCADE",
            name="fk_assess_plan_run_id_assess_runs",
        ),
    )
    op.create_table(
        "assess_results",
        sa.Column("run_id", sa.String(40), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("item_id", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("risk", sa.String(100), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("answer", sa.Text, nullable=True),
        sa.Column("refused", sa.Boolean, nullable=True),
        sa.Column("unsafe", sa.Boolean, nullable=True),
        sa.Column("passed", sa.Boolean, nullable=True),
        sa.Column("judgements", sa.JSON, nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("latency_s", sa.Float, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "seq", name="pk_assess_results"),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["assess_runs.id"],
            ondelete="CASCADE",
            name="fk_assess_results_run_id_assess_runs",
        ),
    )


def downgrade() -> None:
    op.drop_table("assess_results")
    op.drop_table("assess_plan")
    op.drop_table("assess_runs")
