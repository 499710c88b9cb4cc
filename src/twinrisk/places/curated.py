"""Which namesake the curated tables mean: ``features/places.csv`` names each place of
the curated tables once, with its first-level division (``admin1``) or a GeoNames id
among its sources (``gn_<id>``). Resolution is strict about namesakes (Des Moines,
Iowa, and Des Moines, Washington), so the tables' own place names are resolved with
these hints wherever they are read: tie histories, location facts, the tests.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache

from twinrisk.config import features_dir
from twinrisk.places.hints import Hint
from twinrisk.places.names import normalize

_GN = re.compile(r"\bgn_(\d+)\b")


def curated_hint(name: str, country: str) -> Hint | None:
    """The hint ``places.csv`` gives for a place of the curated tables, if any."""
    path = features_dir() / "places.csv"
    try:
        st = path.stat()
    except OSError:
        return None
    return _hints(str(path), st.st_mtime, st.st_size).get((normalize(name), country.upper()))


@lru_cache(maxsize=2)
def _hints(path: str, mtime: float, size: int) -> dict[tuple[str, str], Hint]:
    out: dict[tuple[str, str], Hint] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if (row.get("admin_level") or "city") == "admin1":
                continue
            gid = _GN.search(row.get("sources") or "")
            admin = (row.get("admin1") or "").strip() or None
            if gid or admin:
                hint = Hint(admin=admin, geonames_id=int(gid.group(1)) if gid else None)
                out[(normalize(row.get("name") or ""), (row.get("country") or "").upper())] = hint
    return out
