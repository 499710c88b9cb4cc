"""The gazetteer index: column arrays over places and their hashed name keys.

Why an index of our own: parsing GeoNames' ``cities500`` takes seconds and holds ~1 GB
of Python objects. The index keeps only what resolution needs as numpy arrays (names
hashed to 64-bit keys, ``names.key_hash``), built once (``build``) and cached on disk
(``cache``), so a warm start is a few ``np.load`` calls. Rows are cities first, then
first-level divisions; a row becomes a ``Place`` only when it is answered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from twinrisk.core.models import Place
from twinrisk.places.names import key_hash

CITY, ADMIN1 = 0, 1
#: bytes kept per autocomplete key (longer typed prefixes are cut to this)
AC_WIDTH = 64


@dataclass
class Index:
    """Column arrays over places (cities first, then divisions) and hashed name keys."""

    kind: np.ndarray  # uint8: CITY | ADMIN1
    gid: np.ndarray  # int64 GeoNames id (cities), -1 for divisions
    country: np.ndarray  # <U2
    a1: np.ndarray  # int32 row of the division (or -1)
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
    for row, is_city, gid, cc, a1row, lat, lon, pop in zip(
        r.tolist(),
        (idx.kind[r] == CITY).tolist(),
        idx.gid[r].tolist(),
        idx.country[r].tolist(),
        idx.a1[r].tolist(),
        idx.lat[r].tolist(),
        idx.lon[r].tolist(),
        idx.pop[r].tolist(),
        strict=True,
    ):
        out.append(
            Place(
                id=f"gn:{gid}" if is_city else f"a1:{cc}.{a1_codes[row]}",
                name=names[row],
                country=cc,
                admin1=names[a1row] if (is_city and a1row >= 0) else None,
                lat=None if lat != lat else round(lat, 5),
                lon=None if lon != lon else round(lon, 5),
                population=pop,
                kind="city" if is_city else "admin1",
            )
        )
    return out


def label(idx: Index, row: int) -> str:
    """'Hyderabad (IN, Telangana)' / 'Victoria (AU, admin1)'."""
    extra = (
        "admin1"
        if idx.kind[row] == ADMIN1
        else (idx.names[int(idx.a1[row])] if idx.a1[row] >= 0 else "")
    )
    inner = f"{idx.country[row]}, {extra}" if extra else str(idx.country[row])
    return f"{idx.names[row]} ({inner})"
