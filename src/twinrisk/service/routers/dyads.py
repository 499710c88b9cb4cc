"""Known partnerships (the curated dyads table)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query, Request

from twinrisk.service import library
from twinrisk.service.deps import state
from twinrisk.service.routers.common import v1_router
from twinrisk.service.schemas import DyadList

router = v1_router("dyads")

Status = Literal["active", "suspended", "terminated", "lapsed", "blocked"]
Kind = Literal["sister_city", "friendship_city", "province_state", "partner_city"]


@router.get("/dyads", response_model=DyadList, summary="Known partnerships with filters")
async def dyads(
    request: Request,
    country: Annotated[
        str | None, Query(pattern=r"^[A-Za-z]{2}$", description="Either side's country")
    ] = None,
    status: Status | None = None,
    kind: Kind | None = None,
    q: Annotated[str | None, Query(max_length=200, description="Part of a place name")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> DyadList:
    st = state(request)
    items, total, version = await st.worker.run(
        library.dyads,
        country,
        status,
        kind,
        q,
        limit,
        offset,
        timeout=st.settings.timeout_seconds,
        what="the dyad list",
    )
    return DyadList.model_validate(
        {"items": items, "total": total, "limit": limit, "offset": offset, "data_version": version}
    )
