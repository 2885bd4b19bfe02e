"""corrections (append-only, enforced by triggers) and results.reviewed_body

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_SQLITE_TRIGGERS = (
    "CREATE TRIGGER corrections_no_update BEFORE UPDATE ON corrections "
    "BEGIN SELECT RAISE(ABORT, 'corrections are append-only'); END",
    "CREATE TRIGGER corrections_no_delete BEFORE DELETE ON corrections "
    "BEGIN SELECT RAISE(ABORT, 'corrections are append-only'); END",
)
_POSTGRES_TRIGGERS = (
    "CREATE FUNCTION corrections_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'corrections are append-only'; END $$",
    "CREATE TRIGGER corrections_no_change BEFORE UPDATE OR DELETE ON corrections "
    "FOR EACH ROW EXECUTE FUNCTION corrections_append_only()",
)


def upgrade() -> None:
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("job_id", sa.String(32), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("event", sa.Integer, nullable=True),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("old", sa.JSON, nullable=True),
        sa.Column("new", sa.JSON, nullable=True),
        sa.Column("who", sa.String(100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("item_id", "seq", name="uq_corrections_step"),
    )
    op.create_index("ix_corrections_job_id", "corrections", ["job_id"])
    op.create_index("ix_corrections_item_id", "corrections", ["item_id"])
    with op.batch_alter_table("results") as batch:
        batch.add_column(sa.Column("reviewed_body", sa.JSON, nullable=True))
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": _SQLITE_TRIGGERS, "postgresql": _POSTGRES_TRIGGERS}.get(dialect, ()):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS corrections_no_change ON corrections")
        op.execute("DROP FUNCTION IF EXISTS corrections_append_only()")
    with op.batch_alter_table("results") as batch:
        batch.drop_column("reviewed_body")
    op.drop_table("corrections")
