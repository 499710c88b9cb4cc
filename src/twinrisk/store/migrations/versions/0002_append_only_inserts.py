"""append-only against replacing inserts (SQLite) and TRUNCATE (PostgreSQL)

The triggers of 0001 refuse UPDATE and DELETE, but SQLite's ``INSERT OR REPLACE``
(and an upsert) deletes the old row without firing DELETE triggers unless
``recursive_triggers`` is on, so an existing id could be rewritten; and PostgreSQL's
row triggers do not fire on ``TRUNCATE``. The database refuses both now.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

#: table -> its key column
KEYS = {"assessments": "id", "decisions": "seq"}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table, key in KEYS.items():
            # fires before the REPLACE resolution deletes the old row, so the
            # whole statement is aborted and the stored row stays as it was
            op.execute(
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_replace BEFORE INSERT ON {table} "  # noqa: S608 (table names are constants)
                f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {key} = NEW.{key}) "
                f"BEGIN SELECT RAISE(ABORT, '{table} are append-only: "
                f"{key} exists already'); END"
            )
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{action.lower()} "
                    f"BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} are append-only'); END"
                )
    elif dialect == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION twinrisk_append_only() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% are append-only', TG_TABLE_NAME; END $$"
        )
        for table in KEYS:
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION twinrisk_append_only()"
            )
            # 0001 created these; a database migrated without them gets them here
            op.execute(
                "DO $$ BEGIN "  # noqa: S608 (table names are constants)
                f"IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = '{table}_append_only') "
                f"THEN CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION twinrisk_append_only(); END IF; END $$"
            )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in KEYS:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_replace")
    elif dialect == "postgresql":
        for table in KEYS:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
