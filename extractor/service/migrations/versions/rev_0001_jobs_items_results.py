"""jobs, items (work items with leases) and results

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("idempotency_key", sa.String(255), nullable=True),
        sa.Column("body_sha256", sa.String(64), nullable=False),
        sa.Column("prompt", sa.String(100), nullable=True),
        sa.Column("total", sa.Integer, nullable=False),
        sa.UniqueConstraint("key_hash", "idempotency_key", name="uq_jobs_idempotency"),
    )
    op.create_table(
        "items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("job_id", sa.String(32), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("article_id", sa.String(300), nullable=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("published", sa.Date, nullable=True),
        sa.Column("title", sa.Text, nullable=True),
        sa.Column("url", sa.Text, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("lease_owner", sa.String(64), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.UniqueConstraint("job_id", "position", name="uq_items_position"),
    )
    op.create_index("ix_items_job_id", "items", ["job_id"])
    op.create_index("ix_items_claim", "items", ["status", "lease_until"])
    op.create_table(
        "results",
        sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("job_id", sa.String(32), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("article_id", sa.String(300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("error_type", sa.String(64), nullable=True),
        sa.Column("published", sa.Date, nullable=True),
        sa.Column("events", sa.Integer, nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
    )
    op.create_index("ix_results_job_id", "results", ["job_id"])
    op.create_index("ix_results_article_id", "results", ["article_id"])
    op.create_index("ix_results_published", "results", ["published"])


def downgrade() -> None:
    op.drop_table("results")
    op.drop_table("items")
    op.drop_table("jobs")
