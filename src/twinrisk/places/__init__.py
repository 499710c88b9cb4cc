"""Places: which city or province a typed name means, and where it lies.

Resolution (``resolve``, ``resolve_many``: ``resolution``, ``exact``, ``fuzzy``)
and autocomplete (``search``: ``autocomplete``) run on a cached GeoNames index
(``index``, built by ``build`` from ``sources``, names folded by ``names`` and
``divisions``, kept on disk by ``cache``). Location facts (``location_fact_columns``,
``location_facts``: ``geo``) come from Natural Earth geometry (``geometry``) and the
curated tables; ``geo`` is imported on first use, so that resolving a name never
loads the geometry, pandas or scipy (~0.8 s of imports). Resolutions are memoised
per typed (name, country) and facts per place id and version of the curated tables,
both bounded.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from twinrisk.core.errors import AmbiguousPlace, PlaceError, PlaceNotFound
from twinrisk.places.autocomplete import search
from twinrisk.places.curated import curated_hint
from twinrisk.places.hints import Hint
from twinrisk.places.resolution import resolve, resolve_many

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from twinrisk.core.models import Place

__all__ = [
    "AmbiguousPlace",
    "Hint",
    "curated_hint",
    "PlaceError",
    "PlaceNotFound",
    "location_fact_columns",
    "partner_border_km",
    "location_facts",
    "resolve",
    "resolve_many",
    "search",
]


def location_facts(places: Sequence[Place]) -> pd.DataFrame:
    """One row of derived and curated location facts per place (see ``geo``)."""
    from twinrisk.places.geo import location_facts as _facts

    return _facts(places)


def location_fact_columns(places: Sequence[Place]) -> dict[str, np.ndarray]:
    """The facts of ``location_facts`` as one numpy array per column, aligned with
    ``places`` (repeats included), without building a DataFrame: the cheap form for
    a few places (a single proposal) and for callers that work on arrays.

    Columns and dtypes (``geo.COLUMN_DTYPES``): ``coast_km``, ``border_km``,
    ``disputed_border_km`` and ``flagship_year`` float64, NaN where unknown (
    ``location_facts`` gives ``flagship_year`` as nullable Int64); ``seaport``,
    ``naval_base``, ``tech_hub`` bool; ``disputed_border``, ``disputed_border_sources``,
    ``capital`` (national / admin1 / none), ``flagship_project``, ``flagship_financier``,
    ``curated_sources``, ``seaport_source`` ("curated", "wpi" or "") object arrays of
    str, "" where there is nothing.
    """
    from twinrisk.places.geo import location_fact_columns as _columns

    return _columns(places)


def partner_border_km(places: Sequence[Place], partner_countries: Sequence[str]) -> np.ndarray:
    """Distance from each place to its state's land border with the partner state, NaN
    where the two share none (see ``geo.partner_border_km``)."""
    from twinrisk.places.geo import partner_border_km as _km

    return _km(places, partner_countries)
