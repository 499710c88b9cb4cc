"""What a caller may know about a place besides its name, to tell namesakes apart.

A name and a country leave Freudenberg (three towns in Germany) or Lake Worth (two in
the United States) undecided, and a due-diligence tool must not pick one in silence.
A hint decides it: the administrative area the place lies in ("Bavaria"), its GeoNames
id, or a point near it (the coordinates a Wikidata export carries). Hints travel with
the name through ``resolve``/``resolve_many``, the batch columns (``local_admin``,
``local_geonames_id``, ``local_lat``/``local_lon`` and the same for ``partner``) and the
API's place object.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: a point hint picks the namesake nearest to it, if within this distance (a
#: municipality's or county's point may be its centre rather than its seat)
NEAR_KM = 40.0


@dataclass(frozen=True)
class Hint:
    """Disambiguating facts about one typed place; all optional."""

    #: name of an administrative area the place lies in (state, province, county, ...)
    admin: str | None = None
    #: the GeoNames id of the place (a city, or an admin-2 unit)
    geonames_id: int | None = None
    #: a point at or near the place, WGS84 degrees
    lat: float | None = None
    lon: float | None = None

    def __post_init__(self) -> None:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("a point hint needs both lat and lon")
        if self.lat is not None and not (math.isfinite(self.lat) and -90.0 <= self.lat <= 90.0):
            raise ValueError(f"lat {self.lat!r} is not a latitude; accepted: -90 to 90")
        if self.lon is not None and not (math.isfinite(self.lon) and -180.0 <= self.lon <= 180.0):
            raise ValueError(f"lon {self.lon!r} is not a longitude; accepted: -180 to 180")
        if self.geonames_id is not None and self.geonames_id <= 0:
            raise ValueError(f"geonames_id {self.geonames_id!r} is not a GeoNames id")

    @property
    def point(self) -> tuple[float, float] | None:
        return None if self.lat is None or self.lon is None else (self.lat, self.lon)

    def __bool__(self) -> bool:  # (called once per batch row: no generator)
        return self.admin is not None or self.geonames_id is not None or self.lat is not None
