"""A place the gazetteer lacks, placed at the point the caller gave.

GeoNames' ``cities500`` leaves out villages under 500 inhabitants and communes merged
away (Kesselsdorf, now in Wilsdruff); a twinning list from Wikidata names them with
their coordinates. With a point hint and no place of that name near it, the place is
taken at that point — as typed, flagged ``located_by = "given"``, with the nearest
gazetteer town named in its note — provided the point lies among the towns of the
country given (its nearest town is in that country, within ``GIVEN_MAX_KM``). Every
location fact is then measured from the caller's point; no curated fact attaches to it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from twinrisk.core.errors import PlaceNotFound
from twinrisk.core.models import Place
from twinrisk.places.exact import Query
from twinrisk.places.index import CITY, Index, label
from twinrisk.places.territories import country_codes

#: the given point must lie this near a town of the given country
GIVEN_MAX_KM = 30.0


def _city_tree(idx: Index) -> tuple[Any, np.ndarray]:
    from twinrisk.places.geometry import kd_tree, xyz  # scipy: only once a point is placed

    memo = idx.memo.get("city_tree")
    if memo is None:
        rows = np.flatnonzero((idx.kind == CITY) & ~np.isnan(idx.lat))
        memo = (kd_tree(xyz(idx.lat[rows], idx.lon[rows])), rows)
        idx.memo["city_tree"] = memo
    return memo


def at_given_point(idx: Index, q: Query, error: PlaceNotFound) -> Place | PlaceNotFound:
    """The place ``q`` names, at its point hint, or ``error`` widened to say why not."""
    from twinrisk.places.geometry import chord_to_km, xyz

    if q.near is None or q.country is None:
        return error
    lat, lon = q.near
    tree, rows = _city_tree(idx)
    chord, i = tree.query(xyz(np.array([lat]), np.array([lon]))[0])
    km = float(chord_to_km(np.array([chord]))[0])
    nearest = int(rows[int(i)])
    if (
        str(idx.country[nearest]) not in country_codes(q.country)
        or km > GIVEN_MAX_KM
        or not math.isfinite(km)
    ):
        return PlaceNotFound(
            f"{error}; the given point ({lat:.4f}, {lon:.4f}) does not lie among the towns "
            f"of {q.country} (nearest town: {label(idx, nearest)}, {km:.0f} km)",
            error.suggestions or [label(idx, nearest)],  # e.g. the same town under UA
        )
    a1, a2 = int(idx.a1[nearest]), int(idx.a2[nearest])
    why = str(error).split("; ", 1)[1] if "nearest so named" in str(error) else ""
    return Place(
        id=f"pt:{q.country}:{lat:.4f},{lon:.4f}",
        name=q.text.strip(),
        country=q.country,
        admin1=idx.names[a1] if a1 >= 0 else None,
        admin2=idx.names[a2] if a2 >= 0 else None,
        lat=round(lat, 5),
        lon=round(lon, 5),
        population=None,
        kind="city",
        located_by="given",
        note=(
            "not in the gazetteer (GeoNames towns of 500 or more inhabitants and "
            f"second-level units); placed at the given point, {km:.0f} km from "
            f"{label(idx, nearest)}" + (f"; {why}" if why else "")
        ),
    )
