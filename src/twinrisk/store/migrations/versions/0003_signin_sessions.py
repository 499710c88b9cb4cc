"""Web sign-in sessions (hash of the session id, key id, expiry).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from twinrisk.store.models import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signin_sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("key_id", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_signin_sessions_expires_at", "signin_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_signin_sessions_expires_at", table_name="signin_sessions")
    op.drop_table("signin_sessions")
