"""Reading and writing the record. Assessments and decisions are only ever inserted:
a new decision is appended beside the earlier ones, and the database refuses updates
and deletes (triggers in the initial migration)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, and_, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from twinrisk.core.errors import NotFound
from twinrisk.core.inputs import country_code
from twinrisk.store.db import make_engine, migrate, redacted
from twinrisk.store.guards import check_datetime, check_text
from twinrisk.store.models import AssessmentRow, DecisionRow
from twinrisk.store.signins import SignIns

#: the decisions an officer can record
DECISIONS = ("approve", "approve_with_conditions", "reject", "defer")


class AssessmentNotFound(NotFound):
    def __init__(self, assessment_id: str) -> None:
        super().__init__(f"no stored assessment with id {assessment_id!r}")
        self.assessment_id = assessment_id


def new_id() -> str:
    """``a_`` + 20 random URL-safe characters: unguessable and unique without coordination."""
    return "a_" + secrets.token_hex(10)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class StoredDecision:
    seq: int
    assessment_id: str
    created_at: dt.datetime
    decision: str
    notes: str
    decided_by: str | None
    api_key_id: str | None


@dataclass(frozen=True)
class StoredAssessment:
    id: str
    created_at: dt.datetime
    local_name: str
    local_country: str
    partner_name: str
    partner_country: str
    score: int
    band: str
    as_of: dt.date
    model_version: str
    policy: str
    data_version: str
    api_key_id: str | None
    channel: str
    inputs: dict[str, Any]
    output: dict[str, Any]
    decisions: tuple[StoredDecision, ...] = ()

    @property
    def latest_decision(self) -> StoredDecision | None:
        return self.decisions[-1] if self.decisions else None


@dataclass
class AssessmentFilter:
    local_country: str | None = None
    partner_country: str | None = None
    band: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    #: the latest decision, or "none" for assessments without a decision
    decision: str | None = None
    q: str | None = None
    limit: int = 50
    offset: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _code(country: str) -> str:
    """A filter's country code as stored (upper case; UK and EL as GB and GR)."""
    return country_code(country)


def _decision(row: DecisionRow) -> StoredDecision:
    return StoredDecision(
        seq=row.seq,
        assessment_id=row.assessment_id,
        created_at=row.created_at,
        decision=row.decision,
        notes=row.notes,
        decided_by=row.decided_by,
        api_key_id=row.api_key_id,
    )


def _assessment(row: AssessmentRow, *, with_decisions: bool = True) -> StoredAssessment:
    return StoredAssessment(
        id=row.id,
        created_at=row.created_at,
        local_name=row.local_name,
        local_country=row.local_country,
        partner_name=row.partner_name,
        partner_country=row.partner_country,
        score=row.score,
        band=row.band,
        as_of=row.as_of,
        model_version=row.model_version,
        policy=row.policy,
        data_version=row.data_version,
        api_key_id=row.api_key_id,
        channel=row.channel,
        inputs=row.inputs,
        output=row.output,
        decisions=tuple(_decision(d) for d in row.decisions) if with_decisions else (),
    )


class Store:
    """The record, on one engine. Thread-safe: each call opens its own session."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        #: web sign-in sessions (hashed ids with expiry), shared by every process
        self.signins = SignIns(engine)

    @classmethod
    def open(cls, url: str | None = None, *, migrate_schema: bool = True) -> Store:
        store = cls(make_engine(url))
        if migrate_schema:
            migrate(store.engine)
        return store

    @property
    def url(self) -> str:
        return redacted(self.engine.url.render_as_string(hide_password=False))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    # -- writes --------------------------------------------------------------------------

    def add_assessment(
        self,
        *,
        inputs: Mapping[str, Any],
        output: Mapping[str, Any],
        api_key_id: str | None = None,
        channel: str = "api",
        assessment_id: str | None = None,
        created_at: dt.datetime | None = None,
    ) -> StoredAssessment:
        """Store one assessment (``output`` is ``Assessment.model_dump(mode="json")``)."""
        return self.add_assessments(
            [(inputs, output)],
            api_key_id=api_key_id,
            channel=channel,
            ids=[assessment_id] if assessment_id else None,
            created_at=created_at,
        )[0]

    def add_assessments(
        self,
        items: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]],
        *,
        api_key_id: str | None = None,
        channel: str = "api",
        ids: Sequence[str] | None = None,
        created_at: dt.datetime | None = None,
    ) -> list[StoredAssessment]:
        """Store several assessments in one transaction: all are committed or none."""
        when = created_at or utcnow()
        rows = []
        for i, (inputs, output) in enumerate(items):
            model = output.get("model") or {}
            rows.append(
                AssessmentRow(
                    id=ids[i] if ids else new_id(),
                    created_at=when,
                    local_name=str(output["local"]["name"])[:200],
                    local_country=str(output["local"]["country"])[:2],
                    partner_name=str(output["partner"]["name"])[:200],
                    partner_country=str(output["partner"]["country"])[:2],
                    score=int(output["score"]),
                    band=str(output["band"]),
                    as_of=dt.date.fromisoformat(str(output["as_of"])),
                    model_version=str(model.get("version", "unknown"))[:100],
                    policy=str(model.get("policy", "unknown"))[:200],
                    data_version=str(model.get("data_version", "unknown"))[:100],
                    api_key_id=api_key_id,
                    channel=channel,
                    inputs=dict(inputs),
                    output=dict(output),
                )
            )
        with self._session() as session:
            session.add_all(rows)
        return [_assessment(r, with_decisions=False) for r in rows]

    def add_decision(
        self,
        assessment_id: str,
        decision: str,
        *,
        notes: str = "",
        decided_by: str | None = None,
        api_key_id: str | None = None,
    ) -> StoredDecision:
        if decision not in DECISIONS:
            raise ValueError(f"decision {decision!r} is not one of {', '.join(DECISIONS)}")
        check_text("notes", notes)
        check_text("decided_by", decided_by)
        with self._session() as session:
            if session.get(AssessmentRow, assessment_id) is None:
                raise AssessmentNotFound(assessment_id)
            row = DecisionRow(
                assessment_id=assessment_id,
                created_at=utcnow(),
                decision=decision,
                notes=notes,
                decided_by=decided_by,
                api_key_id=api_key_id,
            )
            session.add(row)
            session.flush()
            return _decision(row)

    # -- reads ---------------------------------------------------------------------------

    def get(self, assessment_id: str) -> StoredAssessment:
        with self._session() as session:
            row = session.get(AssessmentRow, assessment_id)
            if row is None:
                raise AssessmentNotFound(assessment_id)
            return _assessment(row)

    def decisions(self, assessment_id: str) -> list[StoredDecision]:
        return list(self.get(assessment_id).decisions)

    def list(self, flt: AssessmentFilter | None = None) -> tuple[list[StoredAssessment], int]:
        """Assessments matching ``flt``, newest first, and how many match in all."""
        flt = flt or AssessmentFilter()
        since = check_datetime("since", flt.since)
        until = check_datetime("until", flt.until)
        check_text("q", flt.q)
        conditions: list[Any] = []
        if flt.local_country:
            conditions.append(AssessmentRow.local_country == _code(flt.local_country))
        if flt.partner_country:
            conditions.append(AssessmentRow.partner_country == _code(flt.partner_country))
        if flt.band:
            conditions.append(AssessmentRow.band == flt.band)
        if since:
            conditions.append(AssessmentRow.created_at >= since)
        if until:
            conditions.append(AssessmentRow.created_at < until)
        if flt.q:
            pattern = (
                "%"
                + flt.q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                + "%"
            )
            conditions.append(
                func.lower(AssessmentRow.local_name).like(pattern, escape="\\")
                | func.lower(AssessmentRow.partner_name).like(pattern, escape="\\")
            )
        if flt.decision:
            latest = (
                select(DecisionRow.assessment_id, func.max(DecisionRow.seq).label("seq"))
                .group_by(DecisionRow.assessment_id)
                .subquery()
            )
            if flt.decision == "none":
                conditions.append(AssessmentRow.id.not_in(select(latest.c.assessment_id)))
            else:
                conditions.append(
                    AssessmentRow.id.in_(
                        select(DecisionRow.assessment_id)
                        .join(latest, and_(DecisionRow.seq == latest.c.seq))
                        .where(DecisionRow.decision == flt.decision)
                    )
                )
        where = and_(*conditions) if conditions else None
        with self._session() as session:
            count_q = select(func.count()).select_from(AssessmentRow)
            query = select(AssessmentRow).order_by(
                AssessmentRow.created_at.desc(), AssessmentRow.id.desc()
            )
            if where is not None:
                count_q = count_q.where(where)
                query = query.where(where)
            total = int(session.execute(count_q).scalar_one())
            rows = session.execute(query.limit(flt.limit).offset(flt.offset)).scalars().all()
            return [_assessment(r) for r in rows], total

    def count(self) -> tuple[int, int]:
        """(assessments, decisions) stored."""
        with self._session() as session:
            a = session.execute(select(func.count()).select_from(AssessmentRow)).scalar_one()
            d = session.execute(select(func.count()).select_from(DecisionRow)).scalar_one()
            return int(a), int(d)
