"""assessments and append-only decisions

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from twinrisk.store.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessments",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("local_name", sa.String(200), nullable=False),
        sa.Column("local_country", sa.String(2), nullable=False),
        sa.Column("partner_name", sa.String(200), nullable=False),
        sa.Column("partner_country", sa.String(2), nullable=False),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("band", sa.String(16), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("model_version", sa.String(100), nullable=False),
        sa.Column("policy", sa.String(200), nullable=False),
        sa.Column("data_version", sa.String(100), nullable=False),
        sa.Column("api_key_id", sa.String(64), nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("inputs", sa.JSON, nullable=False),
        sa.Column("output", sa.JSON, nullable=False),
    )
    op.create_index("ix_assessments_created_at", "assessments", ["created_at"])
    op.create_index("ix_assessments_countries", "assessments", ["local_country", "partner_country"])
    op.create_index("ix_assessments_band", "assessments", ["band"])
    op.create_table(
        "decisions",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "assessment_id",
            sa.String(40),
            sa.ForeignKey("assessments.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("decision", sa.String(32), nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("api_key_id", sa.String(64), nullable=True),
    )
    op.create_index("ix_decisions_assessment", "decisions", ["assessment_id", "seq"])

    # The record is append-only: the database itself refuses to change or delete a
    # stored decision, and to change or delete an assessment once stored.
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in ("decisions", "assessments"):
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} are append-only'); END"
                )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION twinrisk_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% are append-only', TG_TABLE_NAME; END $$"
        )
        for table in ("decisions", "assessments"):
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION twinrisk_append_only()"
            )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in ("decisions", "assessments"):
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
    elif dialect == "postgresql":
        for table in ("decisions", "assessments"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS twinrisk_append_only()")
    op.drop_index("ix_decisions_assessment", table_name="decisions")
    op.drop_table("decisions")
    op.drop_index("ix_assessments_band", table_name="assessments")
    op.drop_index("ix_assessments_countries", table_name="assessments")
    op.drop_index("ix_assessments_created_at", table_name="assessments")
    op.drop_table("assessments")
