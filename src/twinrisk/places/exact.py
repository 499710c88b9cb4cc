"""Exact matching: the readings of a typed name, and the place each one names.

Readings of a typed name, tried in turn until one matches: the text as typed (a
"(province)" / "(city)" suffix fixes the kind); "Name, CC"; a kind word without
parentheses ("Utrecht Province", "Province of Utrecht", "Hangzhou City"); "Name,
Division" by the division's name or GeoNames admin-1 code ("Columbus, Indiana",
"Portland, OR"); "Name, Country". A reading that matches several places of similar
weight and no country is an ``AmbiguousPlace``; one that matches nothing passes on
to the next, and a name no reading matches goes to fuzzy matching (``fuzzy``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

import numpy as np

from twinrisk.core.errors import AmbiguousPlace, PlaceError, PlaceNotFound
from twinrisk.places.cache import get_index
from twinrisk.places.divisions import KIND_TAGS
from twinrisk.places.hints import Hint
from twinrisk.places.index import ADMIN1, CITY, Index, label, make_places
from twinrisk.places.names import A1_SPACE, normalize
from twinrisk.places.sources import country_names

#: a second candidate this large relative to the first makes a bare name ambiguous
AMBIGUITY_SHARE = 0.05
#: ... provided it is a real town, not a hamlet sharing a famous name
AMBIGUITY_MIN_POP = 50_000
#: a place matched only by an alternate name competes at this fraction of its population
#: (GeoNames lists "Victoria" for Hong Kong and "Calcutta" for Kolkata)
ALTERNATE_WEIGHT = 0.1
#: with a country given, a city beats a division of the same name unless it is this small
CITY_OVER_ADMIN1_SHARE = 0.01

_KIND_SUFFIX = re.compile(
    r"\s*\((province|state|region|prefecture|oblast|county|city|municipality)\)\s*$", re.I
)
_PAREN_ADMIN = {"province", "state", "region", "prefecture", "oblast", "county"}
_TRAILING_CC = re.compile(r"^(.*\S)\s*,\s*([A-Za-z]{2})$")
#: kind words typed without parentheses (normalised text): "Utrecht Province",
#: "Province of Utrecht", "Hangzhou City", "Egedal Municipality"
_TYPED_ADMIN = re.compile(
    r"^(?:(?P<stem>.+?) (?P<word>province|state|region|prefecture|oblast|county|krai|kray|"
    r"autonomous okrug|okrug|republic|governorate|voivodeship|voivodship|canton|"
    r"department|autonomous region|autonomous community)"
    r"|(?P<word2>province|state|region|prefecture|county|canton|department|governorate|"
    r"republic) of (?P<stem2>.+))$"
)
_TYPED_CITY = re.compile(
    r"^(?:(.+) (?:city|town|municipality|kommune|municipio)"
    r"|(?:city|town|municipality) of (.+))$"
)


@dataclass(frozen=True)
class Query:
    """One reading of a typed name: the text to look up and what constrains it."""

    text: str
    country: str | None
    want: str | None  # "city" | "admin1" | None
    within: frozenset[int] | None = None  # division rows the place must lie in
    tag: str | None = None  # a distinctive kind word the division must carry


def _parse(name: str, country: str | None) -> Query:
    """The plain reading, and of forms like 'Guangdong (province)' or 'Lulea, SE' the
    reading with the kind or country taken off."""
    text = name.strip()
    want: str | None = None
    m = _KIND_SUFFIX.search(text)
    if m:
        want = "admin1" if m.group(1).lower() in _PAREN_ADMIN else "city"
        text = text[: m.start()].strip()
    return Query(text, (country.strip().upper() or None) if country else None, want)


def _with_country_code(q: Query) -> Query | None:
    """'Lulea, SE' (no country given) -> 'Lulea' in SE."""
    m = _TRAILING_CC.match(q.text)
    if q.country is None and m and m.group(2).upper() in _country_codes():
        return Query(m.group(1), m.group(2).upper(), q.want)
    return None


def _readings(idx: Index, q: Query) -> Iterator[Query]:
    """Further readings, tried in turn when the plain one matches nothing: 'Name, CC';
    a kind word without parentheses ('Utrecht Province'); 'Name, Division' by name or
    GeoNames admin-1 code ('Columbus, Indiana', 'Springfield, IL'); 'Name, Country'."""
    coded = _with_country_code(q)
    for base in ([coded] if coded is not None else []) + [q]:
        if base is coded:
            yield base
        key = normalize(base.text)
        m = _TYPED_ADMIN.match(key)
        if m and base.want in (None, "admin1"):
            word = m.group("word") or m.group("word2")
            yield Query(
                m.group("stem") or m.group("stem2"),
                base.country,
                "admin1",
                tag=KIND_TAGS.get(word),
            )
        m = _TYPED_CITY.match(key)
        if m and base.want in (None, "city"):
            yield Query(m.group(1) or m.group(2), base.country, "city")
    head, sep, tail = q.text.rpartition(",")
    if sep and head.strip() and tail.strip():
        tail_key = normalize(tail)
        divisions = _divisions_named(idx, tail_key, q.country)
        if divisions:
            yield Query(head, q.country, q.want, frozenset(divisions))
        cc = country_names().get(tail_key)
        if cc and q.country in (None, cc):
            yield Query(head, cc, q.want)


def _divisions_named(idx: Index, key: str, country: str | None) -> list[int]:
    """Division rows named ``key`` (or with that GeoNames admin-1 code), in ``country``."""
    rows = np.concatenate([idx.lookup(key)[0], idx.lookup(A1_SPACE + key)[0]])
    rows = rows[idx.kind[rows] == ADMIN1]
    if country is not None:
        rows = rows[idx.country[rows] == country]
    codes = _admin1_codes(idx).get(key.upper(), {})
    by_code = [r for cc, r in codes.items() if country in (None, cc)]
    return sorted(set(rows.tolist()) | set(by_code))
    codes = _admin1_codes(idx).get(key.upper(), {})
    by_code = [r for cc, r in codes.items() if country in (None, cc)]
    return sorted(set(rows.tolist()) | set(by_code))


def _admin1_codes(idx: Index) -> dict[str, dict[str, int]]:
    """GeoNames admin-1 code (upper case) -> {country: division row}."""
    memo = idx.memo.get("a1codes")
    if memo is None:
        memo = {}
        for r in np.flatnonzero(idx.kind == ADMIN1).tolist():
            memo.setdefault(idx.a1_codes[r].upper(), {})[str(idx.country[r])] = r
        idx.memo["a1codes"] = memo
    return memo


@lru_cache(maxsize=1)
def _country_codes() -> frozenset[str]:
    return frozenset(str(c) for c in np.unique(get_index().country))


def _choose(idx: Index, rows: np.ndarray, primary: np.ndarray, q: Query) -> tuple[list[int], bool]:
    """Candidates best first, and whether the top one is a clear choice.

    Each candidate weighs its population (at ``ALTERNATE_WEIGHT`` when matched only by
    an alternate name); a division gives way to a city of its country weighing
    ``CITY_OVER_ADMIN1_SHARE`` of it; the heaviest wins, ties to the first found.
    Without a country it must have no rival of ``AMBIGUITY_SHARE`` of its weight and
    ``AMBIGUITY_MIN_POP``.
    """
    country, want = q.country, q.want
    weight: dict[int, float] = {}
    where: dict[int, tuple[str, int, int]] = {}  # row -> (country, kind, division row)
    for r, p, pop, cc, kind, a1 in zip(
        rows.tolist(),
        primary.tolist(),
        idx.pop[rows].tolist(),
        idx.country[rows].tolist(),
        idx.kind[rows].tolist(),
        idx.a1[rows].tolist(),
        strict=True,
    ):
        w = float(max(pop, 1)) * (1.0 if p else ALTERNATE_WEIGHT)
        weight[r] = max(weight.get(r, 0.0), w)
        where[r] = (cc, kind, a1)
    cands = [r for r in weight if country is None or where[r][0] == country]
    if want is not None:
        wanted = ADMIN1 if want == "admin1" else CITY
        cands = [r for r in cands if where[r][1] == wanted]
    if q.within is not None:
        cands = [r for r in cands if where[r][2] in q.within]
    if not cands:
        return [], False
    if want != "admin1":  # a division loses to a city of its name unless that is a hamlet
        cities = [c for c in cands if where[c][1] == CITY]
        cands = [
            r
            for r in cands
            if where[r][1] == CITY
            or not any(
                where[c][0] == where[r][0] and weight[c] >= CITY_OVER_ADMIN1_SHARE * weight[r]
                for c in cities
            )
        ]
    cands.sort(key=lambda r: -weight[r])
    if country is not None or len(cands) == 1:
        return cands, True
    top = weight[cands[0]]
    rivals = [r for r in cands[1:] if weight[r] >= max(AMBIGUITY_SHARE * top, AMBIGUITY_MIN_POP)]
    return ([cands[0], *rivals] if rivals else cands), not rivals


def _candidates(idx: Index, q: Query) -> tuple[list[int], bool]:
    key = normalize(q.text)
    if q.tag is not None:  # "Altai Krai": only divisions that are krais
        rows, primary = idx.lookup(f"{A1_SPACE}{key}|{q.tag}")
    else:
        rows, primary = idx.lookup(key)
        if q.want == "admin1":  # names without their kind word count for divisions
            r2, p2 = idx.lookup(A1_SPACE + key)
            rows, primary = np.concatenate([rows, r2]), np.concatenate([primary, p2])
    return _choose(idx, rows, primary, q)


def exact(
    idx: Index, name: str, country: str | None, hint: Hint | None = None
) -> int | PlaceError | Query:
    """The row an exact match of a typed name gives, the error it gives, or the reading
    to match fuzzily (the name with a trailing country code taken off, if it has one)."""
    q = _parse(name, country)
    if q.country is not None and q.country not in _country_codes():
        return PlaceNotFound(f"unknown country code {q.country!r} for place {q.text!r}", [])
    if not normalize(q.text):
        return PlaceNotFound("empty place name", [])
    for reading in chain((q,), _readings(idx, q)):
        cands, clear = _candidates(idx, reading)
        if cands and clear:
            return cands[0]
        if cands:
            shown = f"{reading.text}, {reading.country}" if reading.country else reading.text
            labels = [label(idx, r) for r in cands[:8]]
            return AmbiguousPlace(
                f"ambiguous place {shown!r}: {', '.join(labels)}; add a country",
                make_places(idx, cands[:8]),
            )
    return _with_country_code(q) or q
