"""Places: which city or province a typed name means, and where it lies.

Resolution (``resolve``, ``resolve_many``) and autocomplete (``search``) run on a
cached GeoNames index (``gazetteer``); location facts (``location_facts``) on Natural
Earth geometry (``geo``), imported lazily so resolving a name never loads the geometry.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from twinrisk.places.gazetteer import (
    AmbiguousPlace,
    PlaceError,
    PlaceNotFound,
    resolve,
    resolve_many,
    search,
)

if TYPE_CHECKING:
    import pandas as pd

    from twinrisk.explain.models import Place

__all__ = [
    "AmbiguousPlace",
    "PlaceError",
    "PlaceNotFound",
    "location_facts",
    "resolve",
    "resolve_many",
    "search",
]


def location_facts(places: Sequence[Place]) -> pd.DataFrame:
    """One row of derived and curated location facts per place (see ``geo``)."""
    from twinrisk.places.geo import location_facts as _facts

    return _facts(places)
