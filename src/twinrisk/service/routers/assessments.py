"""Score one proposal, read stored assessments and their reports, record decisions."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BeforeValidator

from twinrisk.service import library
from twinrisk.service.deps import state
from twinrisk.service.limits import run_io
from twinrisk.service.problems import ProblemError, problem_responses
from twinrisk.service.routers.common import (
    decision_out,
    fresh_json,
    iso_datetime,
    storable_datetime,
    stored_out,
    summary,
    v1_router,
)
from twinrisk.service.schemas import (
    NO_NUL,
    AssessmentList,
    AssessmentOut,
    AssessmentRequest,
    DecisionOut,
    DecisionRequest,
    request_inputs,
)
from twinrisk.store import AssessmentFilter, AssessmentNotFound, StoredAssessment

router = v1_router("assessments")

AssessmentId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="The id returned when it was stored",
        examples=["a_3f9c2e71d04b5a6e8c10"],
    ),
]

REPORT_TYPES = {
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "pdf": "application/pdf",
}


async def _get(request: Request, assessment_id: str) -> StoredAssessment:
    try:
        return await run_io(state(request).store.get, assessment_id)
    except AssessmentNotFound as exc:
        raise ProblemError(
            404,
            f"no stored assessment with id {assessment_id!r}; list them with GET /v1/assessments",
            slug="not-found",
        ) from exc


@router.post(
    "/assessments",
    response_model=AssessmentOut,
    status_code=201,
    summary="Score one proposed partnership",
    responses={
        200: {"model": AssessmentOut, "description": "Scored without storing (dry_run)"},
        201: {"description": "Scored and stored; `Location` names the record"},
        **problem_responses(400, 415),
    },
)
async def create_assessment(body: AssessmentRequest, request: Request) -> Response:
    # The answer is serialised here once, straight from the library's validated
    # Assessment; response_model above still documents it (and the tests check the
    # bytes match what FastAPI's own validation and serialisation would send).
    st = state(request)
    req = body.model_dump(mode="python")
    assessment = await st.scorer.submit(req, timeout=st.settings.timeout_seconds)
    if body.dry_run:
        return Response(
            fresh_json(assessment, None), status_code=200, media_type="application/json"
        )
    stored = await run_io(
        st.store.add_assessment,
        inputs=request_inputs(body),
        output=library.assessment_json(assessment),
        api_key_id=getattr(request.state, "api_key_id", None),
        channel="api",
    )
    return Response(
        fresh_json(assessment, stored),
        status_code=201,
        media_type="application/json",
        headers={"Location": f"/v1/assessments/{stored.id}"},
    )


@router.get(
    "/assessments", response_model=AssessmentList, summary="List stored assessments, newest first"
)
async def list_assessments(
    request: Request,
    local_country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$")] = None,
    partner_country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$")] = None,
    band: Literal["low", "moderate", "high", "severe"] | None = None,
    since: Annotated[
        dt.datetime | None,
        Query(description="Stored at or after (ISO 8601 date-time)"),
        BeforeValidator(iso_datetime),
        AfterValidator(storable_datetime),
    ] = None,
    until: Annotated[
        dt.datetime | None,
        Query(description="Stored before (ISO 8601 date-time)"),
        BeforeValidator(iso_datetime),
        AfterValidator(storable_datetime),
    ] = None,
    decision: Annotated[
        Literal["approve", "approve_with_conditions", "reject", "defer", "none"] | None,
        Query(description="The latest decision; 'none' for undecided"),
    ] = None,
    q: Annotated[
        str | None,
        Query(max_length=200, pattern=NO_NUL, description="Part of a place name"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> AssessmentList:
    flt = AssessmentFilter(
        local_country=local_country,
        partner_country=partner_country,
        band=band,
        since=since,
        until=until,
        decision=decision,
        q=q or None,
        limit=limit,
        offset=offset,
    )
    items, total = await run_io(state(request).store.list, flt)
    return AssessmentList(
        items=[summary(a) for a in items], total=total, limit=limit, offset=offset
    )


@router.get(
    "/assessments/{assessment_id}",
    response_model=AssessmentOut,
    summary="A stored assessment with its decisions",
    responses=problem_responses(404),
)
async def get_assessment(assessment_id: AssessmentId, request: Request) -> AssessmentOut:
    return stored_out(await _get(request, assessment_id))


@router.get(
    "/assessments/{assessment_id}/report.{fmt}",
    summary="A stored assessment's report (HTML, Markdown or PDF)",
    response_class=Response,
    responses={
        200: {
            "description": "The report",
            "content": {
                "text/html": {"schema": {"type": "string"}},
                "text/markdown": {"schema": {"type": "string"}},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            },
        },
        **problem_responses(404),
    },
)
async def get_report(
    assessment_id: AssessmentId, fmt: Literal["html", "md", "pdf"], request: Request
) -> Response:
    from twinrisk.core.models import Assessment

    st = state(request)
    stored = await _get(request, assessment_id)
    assessment = Assessment.model_validate(stored.output)
    body = await st.worker.run(
        library.render_report,
        assessment,
        fmt,
        timeout=st.settings.timeout_seconds,
        what="the report",
    )
    filename = f"twinrisk-{assessment_id}.{fmt}"
    disposition = "inline" if fmt == "html" else "attachment"
    return Response(
        body,
        media_type=REPORT_TYPES[fmt],
        headers={"Content-Disposition": f'{disposition}; filename="{filename}"'},
    )


@router.post(
    "/assessments/{assessment_id}/decision",
    response_model=DecisionOut,
    status_code=201,
    summary="Record an officer's decision (appended, never replaced)",
    responses={
        201: {"description": "Recorded; earlier decisions are kept"},
        **problem_responses(400, 404, 415),
    },
)
async def record_decision(
    assessment_id: AssessmentId, body: DecisionRequest, request: Request
) -> JSONResponse:
    st = state(request)
    try:
        decision = await run_io(
            st.store.add_decision,
            assessment_id,
            body.decision,
            notes=body.notes,
            decided_by=body.decided_by,
            api_key_id=getattr(request.state, "api_key_id", None),
        )
    except AssessmentNotFound as exc:
        raise ProblemError(
            404,
            f"no stored assessment with id {assessment_id!r}; a decision needs a stored assessment",
            slug="not-found",
        ) from exc
    out = decision_out(decision)
    return JSONResponse(
        out.model_dump(mode="json"),
        status_code=201,
        headers={"Location": f"/v1/assessments/{assessment_id}"},
    )
