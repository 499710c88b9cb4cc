"""The gazetteer index: column arrays over places and their hashed name keys.

Why an index of our own: parsing GeoNames' ``cities500`` takes seconds and holds ~1 GB
of Python objects. The index keeps only what resolution needs as numpy arrays (names
hashed to 64-bit keys, ``names.key_hash``), built once (``build``) and cached on disk
(``cache``), so a warm start is a few ``np.load`` calls. Rows are cities first, then
first-level divisions, then second-level units; a row becomes a ``Place`` only when it
is answered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from twinrisk.core.models import Place
from twinrisk.places.names import key_hash

CITY, ADMIN1, ADMIN2 = 0, 1, 2
KIND_NAMES = ("city", "admin1", "admin2")
#: where a row's point comes from: its own, its seat town's, its towns' centre
LOCATED_POINT, LOCATED_SEAT, LOCATED_TOWNS = 0, 1, 2
LOCATED_NAMES = ("point", "seat", "towns")
#: bytes kept per autocomplete key (longer typed prefixes are cut to this)
AC_WIDTH = 64


@dataclass
class Index:
    """Column arrays over places (cities first, then divisions) and hashed name keys."""

    kind: np.ndarray  # uint8: CITY | ADMIN1 | ADMIN2
    gid: np.ndarray  # int64 GeoNames id (cities, admin-2 units), -1 for admin-1
    country: np.ndarray  # <U2
    a1: np.ndarray  # int32 row of the first-level division (or -1)
    a2: np.ndarray  # int32 row of the second-level unit (or -1)
    located: np.ndarray  # uint8: LOCATED_POINT | LOCATED_SEAT | LOCATED_TOWNS
    units: list[str]  # what a second-level unit is called ("Municipality"), else ""
    seat: np.ndarray  # int32 row of a second-level unit's seat town (or -1)
    lat: np.ndarray
    lon: np.ndarray
    pop: np.ndarray  # int64
    names: list[str]
    a1_codes: list[str]  # per place; "" for cities
    key_hash: np.ndarray  # uint64 sorted
    key_row: np.ndarray  # int32
    key_primary: np.ndarray  # bool: the place's own name, not an alternate
    fuzzy_keys: list[str]  # normalised names offered for "did you mean"
    fuzzy_rows: np.ndarray  # int32 best row per fuzzy key
    capitals: np.ndarray  # int32 rows of national capitals
    #: autocomplete: sorted UTF-8 prefixes of normalised names and their rows; loaded
    #: from ``folder`` on first use (``search``) so resolving never pays for them
    ac_keys: np.ndarray | None = None  # uint8: the sorted keys' UTF-8 bytes, end to end
    ac_offsets: np.ndarray | None = None  # int32: where each key starts (and one past)
    ac_rows: np.ndarray | None = None
    ac_prim: np.ndarray | None = None  # bool: matched by the place's own name
    folder: Path | None = None
    memo: dict[Any, Any] = field(default_factory=dict, repr=False)

    def lookup(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """The rows a normalised key names, and whether each is by the place's own name."""
        h = np.uint64(key_hash(key))
        lo = int(self.key_hash.searchsorted(h, "left"))
        hi = int(self.key_hash.searchsorted(h, "right"))
        return self.key_row[lo:hi], self.key_primary[lo:hi]


def make_places(idx: Index, rows: Sequence[int]) -> list[Place]:
    """The places of index rows (their columns read for all rows at once)."""
    r = np.asarray(rows, np.int64)
    names, a1_codes = idx.names, idx.a1_codes
    out = []
    for row, kind, gid, cc, a1row, a2row, lat, lon, pop, located, seat in zip(
        r.tolist(),
        idx.kind[r].tolist(),
        idx.gid[r].tolist(),
        idx.country[r].tolist(),
        idx.a1[r].tolist(),
        idx.a2[r].tolist(),
        idx.lat[r].tolist(),
        idx.lon[r].tolist(),
        idx.pop[r].tolist(),
        idx.located[r].tolist(),
        idx.seat[r].tolist(),
        strict=True,
    ):
        out.append(
            Place(
                id=f"a1:{cc}.{a1_codes[row]}" if kind == ADMIN1 else f"gn:{gid}",
                name=names[row],
                country=cc,
                admin1=names[a1row] if (kind != ADMIN1 and a1row >= 0) else None,
                admin2=names[a2row] if (kind == CITY and a2row >= 0) else None,
                unit=idx.units[row] or None,
                lat=None if lat != lat else round(lat, 5),
                lon=None if lon != lon else round(lon, 5),
                population=pop,
                kind=KIND_NAMES[kind],  # type: ignore[arg-type]
                located_by=LOCATED_NAMES[located],  # type: ignore[arg-type]
                seat=f"gn:{int(idx.gid[seat])}" if seat >= 0 else None,
            )
        )
    return out


def label(idx: Index, row: int, population: bool = False) -> str:
    """'Hyderabad (IN, Telangana)' / 'Victoria (AU, admin1)' / 'Täby Kommun (SE,
    Stockholm, municipality)'; with ``population``, the population too."""
    kind = int(idx.kind[row])
    parts = [str(idx.country[row])]
    if kind == ADMIN1:
        parts.append("admin1")
    else:
        if idx.a1[row] >= 0:
            parts.append(idx.names[int(idx.a1[row])])
        if kind == ADMIN2:
            parts.append((idx.units[row] or "admin2").lower())
    if population and idx.pop[row] > 0:
        parts.append(f"pop. {int(idx.pop[row]):,}")
    return f"{idx.names[row]} ({', '.join(parts)})"
