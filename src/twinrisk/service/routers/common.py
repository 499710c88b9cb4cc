"""Helpers shared by the routers: converting stored records to responses."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fastapi import APIRouter

from twinrisk.service import library
from twinrisk.service.deps import security_dependencies
from twinrisk.service.limits import StrictJSONRoute
from twinrisk.service.problems import problem_responses
from twinrisk.service.schemas import (
    AssessmentOut,
    AssessmentSummary,
    DecisionOut,
    PartySummary,
)
from twinrisk.store import StoredAssessment, StoredDecision, StoreValueError, check_datetime

#: an ISO 8601 date-time as a query parameter: a date, optionally a time and zone
_ISO_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|z|[+-]\d{2}:?\d{2})?)?$"
)


def iso_datetime(value: Any) -> Any:
    """Only ISO 8601 text is a date-time here: pydantic alone would read ``0.5`` as
    half a second after 1970, which no caller means."""
    if isinstance(value, str) and not _ISO_DATETIME.match(value):
        raise ValueError(
            f"{value[:40]!r} is not an ISO 8601 date or date-time; accepted: e.g. "
            "2026-11-28, 2026-11-28T09:00:00Z or 2026-11-28T10:00:00+01:00"
        )
    return value


def storable_datetime(value: dt.datetime | None) -> dt.datetime | None:
    """The value in UTC, or a validation error when the store cannot hold it."""
    try:
        return check_datetime("value", value)
    except StoreValueError as exc:
        raise ValueError(str(exc).removeprefix("value: ")) from exc


#: problems any /v1 operation can answer with
COMMON = (401, 413, 422, 429, 500, 503)


def v1_router(tag: str) -> APIRouter:
    return APIRouter(
        prefix="/v1",
        tags=[tag],
        route_class=StrictJSONRoute,
        dependencies=security_dependencies(),
        responses=problem_responses(*COMMON),
    )


def links(assessment_id: str) -> dict[str, str]:
    base = f"/v1/assessments/{assessment_id}"
    return {
        "self": base,
        "decision": f"{base}/decision",
        "report_html": f"{base}/report.html",
        "report_md": f"{base}/report.md",
        "report_pdf": f"{base}/report.pdf",
        "web": f"/assessments/{assessment_id}",
    }


def decision_out(d: StoredDecision) -> DecisionOut:
    return DecisionOut(
        seq=d.seq,
        decision=d.decision,  # type: ignore[arg-type]
        notes=d.notes,
        decided_by=d.decided_by,
        created_at=d.created_at,
        api_key_id=d.api_key_id,
    )


def stored_out(a: StoredAssessment) -> AssessmentOut:
    doc: dict[str, Any] = dict(a.output)
    doc.update(
        id=a.id,
        created_at=a.created_at,
        stored=True,
        decisions=[decision_out(d) for d in a.decisions],
        links=links(a.id),
    )
    return AssessmentOut.model_validate(doc)


def _record_fields(stored: StoredAssessment | None) -> dict[str, Any]:
    """What an answer adds to the library's Assessment: its record, if it was stored."""
    if stored is None:
        return {"id": None, "created_at": None, "stored": False, "decisions": [], "links": {}}
    return {
        "id": stored.id,
        "created_at": stored.created_at,
        "stored": True,
        "decisions": [],
        "links": links(stored.id),
    }


def fresh_out(assessment: Any, stored: StoredAssessment | None) -> AssessmentOut:
    doc = library.assessment_json(assessment)
    doc.update(_record_fields(stored))
    return AssessmentOut.model_validate(doc)


def fresh_json(assessment: Any, stored: StoredAssessment | None) -> bytes:
    """``fresh_out(assessment, stored)`` serialised, without the round trip through a
    dict and a second validation: the library's Assessment is already validated, so its
    parts go straight into an AssessmentOut and out as JSON (the same bytes)."""
    out = AssessmentOut.model_construct(**dict(assessment), **_record_fields(stored))
    return AssessmentOut.__pydantic_serializer__.to_json(out, fallback=library.plain)


def summary(a: StoredAssessment) -> AssessmentSummary:
    latest = a.latest_decision
    return AssessmentSummary(
        id=a.id,
        created_at=a.created_at,
        local=PartySummary(name=a.local_name, country=a.local_country),
        partner=PartySummary(name=a.partner_name, country=a.partner_country),
        score=a.score,
        band=a.band,  # type: ignore[arg-type]
        as_of=a.as_of,
        policy=a.policy,
        model_version=a.model_version,
        data_version=a.data_version,
        channel=a.channel,
        latest_decision=decision_out(latest) if latest else None,
        links=links(a.id),
    )
