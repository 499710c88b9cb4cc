"""Resolution: which place a typed name (and optional country) means.

``resolve`` answers one name and ``resolve_many`` a column of them through the same
steps: each distinct (name, country) is matched exactly (``exact``), and the names
no reading matches are matched fuzzily together, one batch per country (``fuzzy``).
Outcomes, errors included, are memoised per typed (name, country) with the index
they came from (bounded, least recently used out first), so a name seen before costs
a dictionary look-up.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from twinrisk.core.errors import AmbiguousPlace, PlaceError, PlaceNotFound
from twinrisk.core.models import Place
from twinrisk.places.cache import get_index
from twinrisk.places.exact import Query, asked_country, exact
from twinrisk.places.fuzzy import fuzzy_many, settle
from twinrisk.places.hints import Hint
from twinrisk.places.index import Index, make_places
from twinrisk.places.memo import LRU
from twinrisk.places.names import normalize
from twinrisk.places.territories import TERRITORIES

#: typed (name, country) pairs whose outcome is kept, per index
RESOLVE_CACHE_SIZE = 131_072


@dataclass(frozen=True)
class _Failure:
    """A memoised PlaceError: raised afresh each time (an exception object carries its
    traceback and context, so one instance is never shared between calls)."""

    kind: type[PlaceError]
    message: str
    payload: tuple[Any, ...]

    @classmethod
    def of(cls, exc: PlaceError) -> _Failure:
        payload = (
            getattr(exc, "candidates", None)
            if isinstance(exc, AmbiguousPlace)
            else (getattr(exc, "suggestions", None))
        )
        return cls(type(exc), str(exc), tuple(payload or ()))

    def error(self) -> PlaceError:
        if self.kind is AmbiguousPlace:
            return AmbiguousPlace(self.message, list(self.payload))
        if self.kind is PlaceNotFound:
            return PlaceNotFound(self.message, list(self.payload))
        return self.kind(self.message)


_Outcome = Place | _Failure
_MEMO_LOCK = threading.Lock()


_Key = tuple[str, str | None] | tuple[str, str | None, Hint]


def _memo(idx: Index) -> LRU[_Key, _Outcome]:
    """Outcomes of resolution by typed (name, country), kept with the index they came
    from (so a rebuilt index starts afresh)."""
    memo = idx.memo.get("resolved")
    if memo is None:
        with _MEMO_LOCK:
            memo = idx.memo.setdefault("resolved", LRU(RESOLVE_CACHE_SIZE))
    return cast("LRU[_Key, _Outcome]", memo)


def clear_cache() -> None:
    """Forget memoised resolutions (benchmarks time resolution itself with it)."""
    _memo(get_index()).clear()


def resolve(
    name: str,
    country: str | None = None,
    *,
    admin: str | None = None,
    geonames_id: int | None = None,
    near: tuple[float, float] | None = None,
) -> Place:
    """The place meant by a typed name; PlaceNotFound / AmbiguousPlace otherwise.

    ``admin`` (an area the place lies in), ``geonames_id`` or ``near`` (a point at or
    near it, lat/lon) tell namesakes apart; without them a name shared by several
    places of a country is an ``AmbiguousPlace`` listing them.
    """
    idx = get_index()
    memo = _memo(idx)
    hint = Hint(
        admin=admin or None,
        geonames_id=geonames_id,
        lat=near[0] if near is not None else None,
        lon=near[1] if near is not None else None,
    )
    key: _Key = (name, country or None, hint) if hint else (name, country or None)
    got = memo.get(key)
    if got is None:
        got = _outcomes(idx, [key])[0]
        memo.put(key, got)
    if isinstance(got, _Failure):
        raise got.error()
    return got


def resolve_many(
    names: Sequence[str],
    countries: Sequence[str | None],
    hints: Sequence[Hint | None] | None = None,
) -> list[Place | PlaceError]:
    """Resolve a column of names; one bad name yields its error, never raises for the rest.

    Each distinct (name, country[, hint]) is matched once, and only if not memoised
    already (``resolve`` and ``resolve_many`` share the memo).
    """
    if len(names) != len(countries) or (hints is not None and len(hints) != len(names)):
        raise ValueError("names, countries and hints must have the same length")
    idx = get_index()
    if hints is not None and any(hints):
        pairs, where = _distinct_hinted(names, countries, hints)
    else:
        pairs, where = _distinct_pairs(names, countries)  # type: ignore[assignment]
    memo = _memo(idx)
    got = memo.get_many(pairs)
    todo = [i for i, g in enumerate(got) if g is None]
    if todo:
        new = _outcomes(idx, [pairs[i] for i in todo])
        memo.put_many([pairs[i] for i in todo], new)
        for i, v in zip(todo, new, strict=True):
            got[i] = v
    result = [g.error() if isinstance(g, _Failure) else g for g in got]
    return [result[i] for i in where]  # type: ignore[misc]


def _distinct_hinted(
    names: Sequence[Any], countries: Sequence[Any], hints: Sequence[Hint | None]
) -> tuple[list[_Key], list[int]]:
    """As ``_distinct_pairs``, keyed on the hint too (rows without one share the plain
    key, so their outcome is memoised with unhinted look-ups). The (name, country)
    pairs are numbered as there, the hints by object (a batch reads each distinct hint
    once and shares it between its rows), and the three numbers combined: no tuple or
    dataclass hash per row. Equal hints held by different objects are matched once
    each; both outcomes are the same."""
    pairs, pair_of = _distinct_pairs(names, countries)
    if not pairs:
        return [], []
    ids = np.fromiter(map(id, hints), np.int64, len(hints))  # objects, by address
    _, first, h = np.unique(ids, return_index=True, return_inverse=True)
    hint_of = [hints[i] for i in first.tolist()]
    k = len(hint_of)
    distinct, which = _first_seen(np.array(pair_of, np.int64) * k + h.ravel())
    keys: list[_Key] = []
    for u in distinct:
        name, country = pairs[u // k]
        hint = hint_of[u % k]
        keys.append((name, country, hint) if hint else (name, country))
    return keys, which


def _distinct_pairs(
    names: Sequence[Any], countries: Sequence[Any]
) -> tuple[list[tuple[str, str | None]], list[int]]:
    """The distinct (name, country) pairs in first-seen order, and which one each input
    row is. A name that is not text counts as "", a blank country as none. Names and
    countries are numbered apart and paired as integers: no tuple per row."""
    name_no: dict[str, int] = {}
    n = [name_no.setdefault(x if isinstance(x, str) else "", len(name_no)) for x in names]
    country_no: dict[str | None, int] = {}
    c = [
        country_no.setdefault((x.strip() or None) if isinstance(x, str) else None, len(country_no))
        for x in countries
    ]
    if not n:
        return [], []
    k = len(country_no)
    distinct, which = _first_seen(np.array(n, np.int64) * k + np.array(c, np.int64))
    name_of, country_of = list(name_no), list(country_no)
    return [(name_of[u // k], country_of[u % k]) for u in distinct], which


def _first_seen(combined: np.ndarray) -> tuple[list[int], list[int]]:
    """The distinct values of an integer column in first-seen order, and the position
    of each row's value among them (numpy, not a dictionary per row)."""
    uniq, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return uniq[order].tolist(), rank[inverse.ravel()].tolist()


def _outcomes(idx: Index, pairs: Sequence[_Key]) -> list[_Outcome]:
    """What to memoise for each distinct (name, country): its place, or its error."""
    outcomes = _resolve_pairs(idx, pairs)
    rows = list(dict.fromkeys(int(o) for o in outcomes if not isinstance(o, (PlaceError, Place))))
    made = dict(zip(rows, make_places(idx, rows), strict=True))
    out: list[_Outcome] = []
    for pair, o in zip(pairs, outcomes, strict=True):
        if isinstance(o, PlaceError):
            out.append(_Failure.of(o))
        elif isinstance(o, Place):  # placed at a given point (``given_point``)
            out.append(_as_state(o, pair[1]))
        else:
            note = getattr(o, "note", None)
            place = made[int(o)]
            place = place.model_copy(update={"note": note}) if note else place
            out.append(_as_state(place, pair[1]))
    return out


def _as_state(place: Place, asked: str | None) -> Place:
    """A place found in a territory of the state asked for, answered as that state's."""
    state = asked_country(asked)
    if state is None or place.country == state or place.country not in TERRITORIES.get(state, ()):
        return place
    where = f"in {place.country}, a territory of {state} (ISO 3166-2:{state})"
    note = f"{place.note}; {where}" if place.note else where
    return place.model_copy(update={"country": state, "note": note})


def _resolve_pairs(idx: Index, pairs: Sequence[_Key]) -> list[int | PlaceError | Place]:
    """Outcome (row or error) of each distinct (name, cleaned country[, hint]): exact
    matches one by one, then the rest fuzzily, a batch per country."""
    out: list[int | PlaceError | Place | None] = []
    pending: dict[int, Query] = {}
    for i, pair in enumerate(pairs):
        name, country = pair[0], pair[1]
        hint = pair[2] if len(pair) == 3 else None
        got = exact(idx, name, country, hint)
        if isinstance(got, Query):
            pending[i] = got
            out.append(None)
        else:
            out.append(got)
    by_country: dict[str | None, dict[str, list[int]]] = {}
    for i, q in pending.items():
        by_country.setdefault(q.country, {}).setdefault(normalize(q.text), []).append(i)
    for cc, groups in by_country.items():
        keys = list(groups)
        for key, hits in zip(keys, fuzzy_many(idx, keys, cc), strict=True):
            for i in groups[key]:
                settled = settle(idx, pending[i], hits)
                if isinstance(settled, PlaceNotFound) and pending[i].near is not None:
                    from twinrisk.places.given_point import at_given_point  # (geometry)

                    out[i] = at_given_point(idx, pending[i], settled)
                else:
                    out[i] = settled
    return cast("list[int | PlaceError | Place]", out)
