"""SQLAlchemy 2 table definitions. The migrations in ``migrations/versions`` are the
authority on the schema; a test checks that these models and the migrated database
agree."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use UTC")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    pass


class AssessmentRow(Base):
    __tablename__ = "assessments"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    local_name: Mapped[str] = mapped_column(String(200), nullable=False)
    local_country: Mapped[str] = mapped_column(String(2), nullable=False)
    partner_name: Mapped[str] = mapped_column(String(200), nullable=False)
    partner_country: Mapped[str] = mapped_column(String(2), nullable=False)
    score: Mapped[int] = mapped_column(Integer, nullable=False)
    band: Mapped[str] = mapped_column(String(16), nullable=False)
    as_of: Mapped[dt.date] = mapped_column(Date, nullable=False)
    model_version: Mapped[str] = mapped_column(String(100), nullable=False)
    policy: Mapped[str] = mapped_column(String(200), nullable=False)
    data_version: Mapped[str] = mapped_column(String(100), nullable=False)
    api_key_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    channel: Mapped[str] = mapped_column(String(16), nullable=False, default="api")
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    output: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)

    decisions: Mapped[list[DecisionRow]] = relationship(
        back_populates="assessment", order_by="DecisionRow.seq", lazy="selectin"
    )

    __table_args__ = (
        Index("ix_assessments_created_at", "created_at"),
        Index("ix_assessments_countries", "local_country", "partner_country"),
        Index("ix_assessments_band", "band"),
    )


class DecisionRow(Base):
    __tablename__ = "decisions"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    assessment_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("assessments.id", ondelete="RESTRICT"), nullable=False
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    decision: Mapped[str] = mapped_column(String(32), nullable=False)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    decided_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    api_key_id: Mapped[str | None] = mapped_column(String(64), nullable=True)

    assessment: Mapped[AssessmentRow] = relationship(back_populates="decisions")

    __table_args__ = (Index("ix_decisions_assessment", "assessment_id", "seq"),)


class SignInRow(Base):
    """A web sign-in: only the SHA-256 of the random session id is kept, so a copy of
    the database gives no usable cookie. Rows are deleted on sign-out or expiry (this
    table is not part of the append-only record)."""

    __tablename__ = "signin_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    key_id: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)

    __table_args__ = (Index("ix_signin_sessions_expires_at", "expires_at"),)
