"""Autocomplete: places whose name starts with what has been typed so far.

The index keeps a sorted table of the UTF-8 bytes of normalised names (every place's
own names, and the Latin-script alternate names of larger places), saved with the
index but loaded on first use so that resolving a name never pays for it. A query
is a binary search over that table, then a partial sort of the matches by weight.
"""

from __future__ import annotations

import bisect
import threading

import numpy as np

from twinrisk.core.models import Place
from twinrisk.places.cache import AC_ARRAYS, get_index
from twinrisk.places.exact import ALTERNATE_WEIGHT
from twinrisk.places.index import AC_WIDTH, ADMIN2, Index, make_places
from twinrisk.places.names import normalize


class _Keys:
    """The sorted autocomplete keys as a sequence of bytes, for ``bisect``."""

    def __init__(self, blob: bytes, offsets: np.ndarray) -> None:
        self.blob, self.offsets = blob, offsets

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> bytes:
        return self.blob[self.offsets[i] : self.offsets[i + 1]]


_AC_LOCK = threading.Lock()


_Table = tuple[_Keys, np.ndarray, np.ndarray]


def _autocomplete(idx: Index) -> _Table:
    """The sorted keys, their rows and whether each is the place's own name."""
    with _AC_LOCK:  # first use from several threads: load once
        memo: _Table | None = idx.memo.get("autocomplete")
        if memo is not None:
            return memo
        if idx.ac_keys is None:
            if idx.folder is None:
                raise RuntimeError("the gazetteer index has no autocomplete table")
            for name in AC_ARRAYS:
                setattr(idx, name, np.load(idx.folder / f"{name}.npy"))
        assert idx.ac_keys is not None and idx.ac_offsets is not None
        assert idx.ac_rows is not None and idx.ac_prim is not None
        memo = (_Keys(idx.ac_keys.tobytes(), idx.ac_offsets), idx.ac_rows, idx.ac_prim)
        idx.ac_keys = None  # the bytes copy above is the one kept
        idx.memo["autocomplete"] = memo
        return memo


def search(q: str, country: str | None = None, limit: int = 10) -> list[Place]:
    """Places whose normalised name starts with the normalised ``q``, for autocomplete.

    Names are each place's own names and, for places of ``build.AC_ALTERNATE_MIN_POP`` or
    more inhabitants, their Latin-script alternate names ("Bangal" finds Bengaluru).
    Most populous first, divisions included; as in resolution, a place found only by
    an alternate name ranks at ``ALTERNATE_WEIGHT`` of its population, a second-level
    unit at its square. A binary search
    over a sorted byte table, then a partial sort of the matches.
    """
    key = normalize(q)
    if not key or limit <= 0:
        return []
    idx = get_index()
    cc = country.strip().upper() if country and country.strip() else None
    ac_keys, ac_rows, ac_prim = _autocomplete(idx)
    prefix = key.encode()[:AC_WIDTH]
    lo = bisect.bisect_left(ac_keys, prefix)
    hi = bisect.bisect_left(ac_keys, prefix + b"\xff", lo)  # UTF-8 never holds 0xff
    rows, prim = ac_rows[lo:hi], ac_prim[lo:hi]
    if cc is not None:
        mine = idx.country[rows] == cc
        rows, prim = rows[mine], prim[mine]
    if not len(rows):
        return []
    # a second-level unit's population is that of its towns together: it ranks at a
    # hundredth, so that Luleå comes before Luleå kommun and Bengaluru before
    # Bangalore Urban
    weight = idx.pop[rows] * np.where(prim, 1.0, ALTERNATE_WEIGHT)
    weight = np.where(idx.kind[rows] == ADMIN2, weight * ALTERNATE_WEIGHT**2, weight)
    want = limit * 8  # a place may match by several names: take spare candidates
    while True:
        if len(rows) > want:
            top = np.argpartition(-weight, want - 1)[:want]
            cand, w = rows[top], weight[top]
        else:
            cand, w = rows, weight
        ranked = cand[np.lexsort((cand, -w))]
        _, first = np.unique(ranked, return_index=True)
        if len(first) >= limit or len(cand) == len(rows):
            break
        want *= 4
    best = ranked[np.sort(first)][:limit]
    return make_places(idx, best.tolist())
