"""Liveness and readiness (no API key needed)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from twinrisk import __version__
from twinrisk.service.deps import state
from twinrisk.service.limits import run_io
from twinrisk.service.problems import problem_responses
from twinrisk.service.schemas import Health, Ready

router = APIRouter(tags=["health"])
log = logging.getLogger("twinrisk.service")


@router.get(
    "/healthz",
    response_model=Health,
    summary="The process is alive",
    responses=problem_responses(413, 500),
)
async def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Ready,
    summary="Ready to serve: store reachable, data, gazetteer and model loaded",
    responses={
        503: {"model": Ready, "description": "Starting or failing; see checks"},
        **problem_responses(413, 500),
    },
)
async def readyz(request: Request) -> JSONResponse:
    st = state(request)
    checks = dict(st.checks)
    try:
        await run_io(st.store.ping)
        checks["store"] = "ok"
    except Exception:
        log.exception("store check failed")
        checks["store"] = "failing"
    ready = st.ready
    if st.board is not None:  # several processes: ready only when every worker is
        count = st.board.ready_count()
        checks["workers"] = f"{count}/{st.board.slots} ready"
        ready = ready and count == st.board.slots
    failing = any(v.startswith("failing") for v in checks.values())
    status = "failing" if failing else ("ready" if ready else "starting")
    body = Ready(status=status, checks=checks, version=__version__)  # type: ignore[arg-type]
    return JSONResponse(body.model_dump(), status_code=200 if status == "ready" else 503)
