"""Batches: many proposals as JSON (full explanations, per-item errors), or a CSV
upload scored into a CSV."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Query, Request, Response
from pydantic import BeforeValidator

from twinrisk.service import library
from twinrisk.service.deps import state
from twinrisk.service.limits import human_bytes, run_io
from twinrisk.service.problems import ProblemError, problem_responses
from twinrisk.service.routers.common import fresh_out, v1_router
from twinrisk.service.schemas import BatchItem, BatchRequest, BatchResponse, iso_date

router = v1_router("batch")

KEY_MAX = 100


@router.post(
    "/assessments/batch",
    response_model=BatchResponse,
    summary="Score up to 1,000 proposals; each answered under its own key",
    responses=problem_responses(400, 415),
)
async def assess_batch(body: BatchRequest, request: Request) -> BatchResponse:
    st = state(request)
    limit = st.settings.max_batch_items
    if len(body.queries) > limit:
        raise ProblemError(
            413,
            f"the batch has {len(body.queries)} queries; the limit is "
            f"{limit} per request. Split it into several requests, or "
            "upload a CSV to POST /v1/batch",
            slug="batch-too-large",
            title="Batch too large",
            limit=limit,
        )
    long_keys = [k for k in body.queries if not k or len(k) > KEY_MAX]
    if long_keys:
        raise ProblemError(
            422,
            f"query keys must have 1 to {KEY_MAX} characters; {len(long_keys)} do not",
            slug="invalid-request",
            field="queries",
        )
    keys = list(body.queries)
    reqs = [q.model_dump(mode="python") for q in body.queries.values()]
    results = await st.worker.run(
        library.assess_batch,
        reqs,
        body.policy,
        timeout=st.settings.batch_timeout_seconds,
        what="the batch",
    )
    ok = [(i, r) for i, r in enumerate(results) if not isinstance(r, ProblemError)]
    stored: dict[int, Any] = {}
    if not body.dry_run and ok:
        inputs = []
        for i, r in ok:
            doc = {
                **body.queries[keys[i]].model_dump(mode="json", exclude_none=True),
                "batch_key": keys[i],
            }
            if body.policy is not None:
                doc["policy"] = body.policy
            inputs.append((doc, library.assessment_json(r)))
        rows = await run_io(
            st.store.add_assessments,
            inputs,
            api_key_id=getattr(request.state, "api_key_id", None),
            channel="batch",
        )
        stored = {i: row for (i, _), row in zip(ok, rows, strict=True)}
    responses: dict[str, BatchItem] = {}
    for i, key in enumerate(keys):
        r = results[i]
        if isinstance(r, ProblemError):
            problem = r.to_problem(f"{request.url.path}#{key}")
            responses[key] = BatchItem(status=r.status, error=problem)  # type: ignore[arg-type]
        else:
            responses[key] = BatchItem(status=200, assessment=fresh_out(r, stored.get(i)))
    return BatchResponse(
        responses=responses, scored=len(ok), failed=len(keys) - len(ok), stored=len(stored)
    )


CSV_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The CSV (UTF-8, header row with local, local_country, partner, "
        "partner_country and optional term columns), either as the body "
        "(`text/csv`) or as the `file` field of a form (`multipart/form-data`)",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "additionalProperties": False,
                },
            },
        },
    }
}


@router.post(
    "/batch",
    summary="Score a CSV of proposals (up to 10 MB) into a scored CSV",
    response_class=Response,
    openapi_extra=CSV_BODY,
    responses={
        200: {
            "description": "The scored CSV; row errors are in its `error` column. "
            "Counts are in X-Twinrisk-Scored / X-Twinrisk-Failed",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        **problem_responses(400, 415),
    },
)
async def batch_csv(
    request: Request,
    as_of: Annotated[
        dt.date | None,
        Query(description="Score every row as of this date (YYYY-MM-DD)"),
        BeforeValidator(iso_date),
    ] = None,
    policy: Annotated[str | None, Query(max_length=64, description="A policy name")] = None,
) -> Response:
    st = state(request)
    settings = st.settings
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "multipart/form-data":
        try:
            form = await request.form(
                max_files=1, max_fields=10, max_part_size=settings.max_upload_bytes + 1
            )
        except ProblemError:
            raise
        except Exception as exc:
            if getattr(exc, "status_code", None) == 413:
                raise
            raise ProblemError(
                400,
                f"the multipart form could not be read: {exc}",
                slug="bad-request",
                field="file",
            ) from exc
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise ProblemError(
                422,
                "the form has no file field named 'file'; send the CSV as "
                "`file` (curl -F file=@proposals.csv)",
                slug="invalid-request",
                field="file",
            )
        others = sorted({str(k) for k in form} - {"file"})
        if others:  # the schema allows only `file`; say so rather than ignore them
            await form.close()
            raise ProblemError(
                422,
                "the form may hold only the field 'file' (the CSV); it also has "
                + ", ".join(repr(k[:40]) for k in others[:5]),
                slug="invalid-request",
                field=others[0][:40],
            )
        data = await upload.read(settings.max_upload_bytes + 1)
        await form.close()
    elif ctype in ("text/csv", "application/csv", "text/plain", "application/octet-stream"):
        data = await request.body()
    else:
        raise ProblemError(
            415,
            f"send the CSV as text/csv or multipart/form-data, not "
            f"{ctype or 'a body without Content-Type'}",
            slug="unsupported-media-type",
        )
    if len(data) > settings.max_upload_bytes:
        raise ProblemError(
            413,
            f"the CSV is larger than the limit of "
            f"{human_bytes(settings.max_upload_bytes)}; split it, or score it "
            "with `twinrisk batch`",
            slug="upload-too-large",
            title="Upload too large",
            limit=settings.max_upload_bytes,
        )
    out, counts = await st.worker.run(
        library.score_csv,
        data,
        as_of,
        policy,
        settings.max_csv_rows,
        timeout=settings.batch_timeout_seconds,
        what="the batch",
    )
    headers = {f"X-Twinrisk-{k.capitalize()}": str(v) for k, v in counts.items()}
    headers["Content-Disposition"] = 'attachment; filename="twinrisk-scored.csv"'
    return Response(out, media_type="text/csv; charset=utf-8", headers=headers)
