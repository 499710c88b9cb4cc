"""Fuzzy matching: names no reading matches exactly, against "did you mean" keys.

A match at ``FUZZY_ACCEPT`` or more (rapidfuzz ratio) resolves when it is the single
best and the name has five letters or more; lower matches, down to ``FUZZY_SUGGEST``,
only become suggestions in the ``PlaceNotFound``. Keys are scored a chunk at a time
with ``rapidfuzz.process.cdist``, against one country's keys when one is given, so a
batch of misspelt names costs a few matrix passes rather than a call per name.
"""

from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz, process

from twinrisk.core.errors import PlaceNotFound
from twinrisk.places.exact import NEAR_KM_BY_KIND, Match, Query, fits, km_to
from twinrisk.places.index import CITY, Index
from twinrisk.places.names import normalize
from twinrisk.places.territories import country_codes

#: fuzzy matches at or above this rapidfuzz ratio resolve; lower ones only suggest
FUZZY_ACCEPT = 92.0
FUZZY_SUGGEST = 70.0
#: with a point hint, a spelling this close that lies this near the point resolves
#: (a town spelt otherwise is the same town only very near: not Cúa for Cuba, 38 km)
FUZZY_ACCEPT_NEAR = 80.0
FUZZY_NEAR_KM = 10.0
#: fuzzy queries scored per rapidfuzz.cdist call (bounds the score matrix's memory)
FUZZY_CHUNK = 64
#: a name nothing is spelt like gets, as suggestions, places starting with up to this
#: much of it (then one letter less, down to three)
PREFIX_CHARS = 5


def _fuzzy_choices(idx: Index, country: str | None) -> tuple[list[str], np.ndarray]:
    """The "did you mean" keys and rows, of one country when given (memoised)."""
    memo_key = ("fuzzy", country)
    got = idx.memo.get(memo_key)
    if got is None:
        if country is None:
            got = (idx.fuzzy_keys, idx.fuzzy_rows)
        else:
            sel = np.flatnonzero(np.isin(idx.country[idx.fuzzy_rows], country_codes(country)))
            got = ([idx.fuzzy_keys[i] for i in sel], idx.fuzzy_rows[sel])
        idx.memo[memo_key] = got
    return got


def fuzzy_many(
    idx: Index, keys: list[str], country: str | None, limit: int = 5
) -> list[list[tuple[int, float]]]:
    """Best fuzzy matches (row, ratio) of each key, best first; ties go to the more
    populous. One ``rapidfuzz.process.cdist`` per chunk of keys, against the keys of
    ``country`` only when it is given."""
    choices, rows = _fuzzy_choices(idx, country)
    out: list[list[tuple[int, float]]] = []
    if not choices:
        return [[] for _ in keys]
    pops = idx.pop[rows]
    for start in range(0, len(keys), FUZZY_CHUNK):
        chunk = keys[start : start + FUZZY_CHUNK]
        scores = process.cdist(
            chunk, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_SUGGEST, dtype=np.float32
        )
        for line in scores:
            hit = np.flatnonzero(line)
            best = hit[np.lexsort((-pops[hit], -line[hit]))][:limit]
            out.append([(int(rows[i]), float(line[i])) for i in best])
    return out


def settle(idx: Index, q: Query, fuzzy: list[tuple[int, float]]) -> int | PlaceNotFound:
    """The fuzzy match that resolves a name, or the error with suggestions. With a
    point hint only a match near the point resolves (and a less close spelling may)."""
    fuzzy = [(r, s) for r, s in fuzzy if fits(idx, r, q)]
    if q.near is not None:
        for r, score in fuzzy:
            km = km_to(idx, r, *q.near)
            limit = FUZZY_NEAR_KM if idx.kind[r] == CITY else NEAR_KM_BY_KIND[int(idx.kind[r])]
            if score >= FUZZY_ACCEPT_NEAR and km <= limit:
                return Match(r, f"the closest spelling near the given point ({km:.0f} km)")
    elif (
        fuzzy
        and fuzzy[0][1] >= FUZZY_ACCEPT
        and len(normalize(q.text)) >= 5
        and (len(fuzzy) == 1 or fuzzy[1][1] < fuzzy[0][1])
    ):
        return fuzzy[0][0]
    shown = f"{q.text}, {q.country}" if q.country else q.text
    suggestions = [f"{idx.names[r]} ({idx.country[r]})" for r, _ in fuzzy]
    if not suggestions:  # nothing spelt alike: places whose name starts the same way
        from twinrisk.places.autocomplete import search  # (it reads this index too)

        first = normalize(q.text).split(" ")[0]
        for n in range(min(PREFIX_CHARS, len(first)), 2, -1):  # 5, 4, then 3 letters
            suggestions = [f"{p.name} ({p.country})" for p in search(first[:n], q.country, 5)]
            if suggestions:
                break
    hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
    return PlaceNotFound(f"unknown place {shown!r}{hint}", suggestions)
