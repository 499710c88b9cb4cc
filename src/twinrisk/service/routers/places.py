"""Place resolution and autocomplete."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request

from twinrisk.service import library
from twinrisk.service.deps import state
from twinrisk.service.routers.common import v1_router
from twinrisk.service.schemas import PlaceResults

router = v1_router("places")


@router.get(
    "/places",
    response_model=PlaceResults,
    summary="Resolve a place name; candidates for autocomplete",
)
async def places(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=200, description="A name as typed")],
    country: Annotated[
        str | None, Query(pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> PlaceResults:
    st = state(request)
    result = await st.worker.run(
        library.search_places,
        q,
        country.upper() if country else None,
        limit,
        timeout=st.settings.timeout_seconds,
        what="the place look-up",
    )
    return PlaceResults.model_validate(result)
