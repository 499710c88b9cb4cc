"""Exact matching: the readings of a typed name, and the place each one names.

Readings of a typed name, tried in turn until one matches: the text as typed (a
"(province)" / "(city)" suffix fixes the kind); "Name, CC"; a kind word without
parentheses ("Utrecht Province", "Province of Utrecht", "Gmina Ozimek", "Yubei
District"); "Name, Area" by a first- or second-level unit's name or GeoNames admin-1
code ("Columbus, Indiana", "Portland, OR", "Ostrówek, Wieluń County"); "Name,
Country"; a qualifier in parentheses dropped ("Aken (Elbe)"); spellings people use
("Taarbæk" for "Tårbæk", "Bad Kötzting" for "Kötzting", "Weiden in der Oberpfalz" for
"Weiden", "重庆市" for "重庆"); and a division's name without its kind word ("La
Creuse"). A name that no reading matches goes to fuzzy matching (``fuzzy``).

Never a wrong place in silence: a reading that matches places of similar weight is an
``AmbiguousPlace`` listing them (name, area, kind, population) — across countries when
none is given, and within the country between namesakes far apart (Freudenberg in
North Rhine-Westphalia, Baden-Württemberg and Bavaria) — unless a hint tells them
apart: the area, a GeoNames id or a point (``hints``). A namesake chosen because the
others are much smaller is named in the place's ``note``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import chain

import numpy as np

from twinrisk.core.errors import AmbiguousPlace, PlaceError, PlaceNotFound
from twinrisk.core.inputs import country_code
from twinrisk.core.models import Place
from twinrisk.places.cache import get_index
from twinrisk.places.divisions import KIND_TAGS
from twinrisk.places.hints import NEAR_KM, Hint
from twinrisk.places.index import ADMIN1, ADMIN2, CITY, Index, label, make_places
from twinrisk.places.names import A1_SPACE, normalize
from twinrisk.places.sources import country_names
from twinrisk.places.territories import country_codes

#: a second candidate this large relative to the first makes a bare name ambiguous
AMBIGUITY_SHARE = 0.05
#: ... provided it is a real town, not a hamlet sharing a famous name
AMBIGUITY_MIN_POP = 50_000
#: within a country: a namesake of this share of the largest one's weight makes the
#: name ambiguous (Freudenberg: 18,601 / 4,268 / 4,089); below it the largest is
#: taken and the others named in the note
NAMESAKE_SHARE = 0.1
#: namesakes nearer than this are one place for every fact (GeoNames lists some towns
#: twice, and a municipality and its seat share a name)
SAME_PLACE_KM = 25.0
#: a place matched only by an alternate name competes at this fraction of its population
#: (GeoNames lists "Victoria" for Hong Kong and "Calcutta" for Kolkata)
ALTERNATE_WEIGHT = 0.1
#: within a country, a place matched by another's alternate name stays a candidate
#: beside one matched by its own name only if it weighs this many times more (Peking
#: for Beijing, not Aken, Dutch for Aachen, beside Aken on the Elbe)
OWN_NAME_OVER_ALTERNATE = 10.0
#: ... and a larger place matched by an alternate name is a rival of a town bearing the
#: name only when that town is smaller than this (Lake Worth, Texas, 4,822 inhabitants,
#: beside Lake Worth Beach, Florida; not Stavropol, 433,931, beside Tolyatti, once
#: Stavropol-on-Volga)
ALTERNATE_RIVAL_MAX_POP = 50_000
#: with a country given, a city beats a division of the same name unless it is this small
CITY_OVER_ADMIN1_SHARE = 0.01
#: a point hint is trusted this far from a unit's point (a county's centre may lie far
#: from its seat); cities use ``hints.NEAR_KM``
NEAR_KM_BY_KIND = {CITY: NEAR_KM, ADMIN2: 60.0, ADMIN1: 400.0}

_KIND_SUFFIX = re.compile(
    r"\s*\((province|state|region|prefecture|oblast|county|city|municipality)\)\s*$", re.I
)
_PAREN_ADMIN = {"province", "state", "region", "prefecture", "oblast", "county"}
#: a qualifier in parentheses that is not a kind: "Aken (Elbe)", "Halle (Saale)"
_PAREN_QUALIFIER = re.compile(r"^(.*\S)\s*\(([^()]+)\)\s*$")
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
#: second-level unit words, at the end ("Täby Municipality", "Viimsi Parish", "Yubei
#: District", "Santa Clara County") or the start ("Gmina Ozimek", "Comune di Ledro")
_UNIT_SUFFIX = re.compile(
    r"^(?P<stem>.+?) (?P<word>municipality|urban municipality|rural municipality|"
    r"kommun|kommune|kommuna|municipio|municipiu|comune|commune|gemeinde|gmina|parish|"
    r"vald|valla|district|rayon|raion|rajon|county|borough|london borough|"
    r"metropolitan borough|city|town|township|department|prefecture|region|province|"
    r"okres|powiat|kreis|landkreis|obshtina|opstina|opcina|obcina|savivaldybe|novads|"
    r"shi|qu|xian|zhen)$"
)
_UNIT_PREFIX = re.compile(
    r"^(?P<word>gmina|powiat|landkreis|kreis|comune di|comune|commune de|commune d|"
    r"municipio de|municipio|concelho de|concelho|municipality of|city of|town of|"
    r"borough of|district of|county of|parish of|okres|obshtina|opstina|opcina|obcina|"
    r"stadt|markt|gemeinde|ayuntamiento de|bashkia|komuna e|comuna)(?: )(?P<stem>.+)$"
)
#: the same unit word in the languages GeoNames writes Chinese and Japanese names in
_UNIT_EQUIVALENTS = {
    "district": ("qu",),
    "county": ("xian",),
    "city": ("shi",),
    "prefecture": ("shi", "diqu"),
    "town": ("zhen",),
}
#: German locative qualifiers: "Weiden in der Oberpfalz", "Lindau am Harz"
_LOCATIVE = re.compile(
    r"^(?P<stem>.+?) (?:in der|in den|im|in|an der|am|an|ob der|bei|auf der|uber)"
    r" (?P<area>.+)$"
)
#: spa and market prefixes official names gained or lost ("Bad Kötzting" / "Kötzting")
_PREFIXES = ("bad ", "markt ", "stadt ")
#: a leading article: "La Creuse", "Le Havre" (GeoNames: Creuse, Le Havre)
_ARTICLE = re.compile(r"^(?:la|le|les|l|el|il|lo|the|de|het|den|der|die|das) (.+)$")
#: CJK unit characters written after a name: 市 city, 区 district, 县 county, 州
_CJK_UNIT = re.compile(r"^(.+?)(?:市|区|區|县|縣|州|省|町|村)$")


class Match(int):
    """A matched row, with a note saying how a namesake was told apart (or None): an
    ``int`` so callers and tests that compare rows keep working."""

    note: str | None

    def __new__(cls, row: int, note: str | None = None) -> Match:
        obj = super().__new__(cls, row)
        obj.note = note
        return obj


@dataclass(frozen=True)
class Query:
    """One reading of a typed name: the text to look up and what constrains it."""

    text: str
    country: str | None
    want: str | None  # "city" | "admin1" (a division of either level) | None
    within: frozenset[int] | None = None  # division rows the place must lie in
    tag: str | None = None  # a distinctive kind word the division must carry
    division_space: bool = False  # also look the text up among names without kind words
    near: tuple[float, float] | None = None  # a point hint (for fuzzy matching)
    #: a loose reading (a spelling variant): it decides only a name no other place in
    #: the country shares ("Lindau am Harz" is not Lindau on Lake Constance)
    loose: bool = False


def _parse(name: str, country: str | None) -> Query:
    """The plain reading, and of forms like 'Guangdong (province)' or 'Lulea, SE' the
    reading with the kind or country taken off."""
    text = name.strip()
    want: str | None = None
    m = _KIND_SUFFIX.search(text)
    if m:
        want = "admin1" if m.group(1).lower() in _PAREN_ADMIN else "city"
        text = text[: m.start()].strip()
    return Query(text, asked_country(country), want)


def asked_country(country: str | None) -> str | None:
    """The ISO code a typed country means: upper case, UK and EL read as GB and GR (the
    EU's own codes), None when blank."""
    return (country_code(country) or None) if country else None


def _with_country_code(q: Query) -> Query | None:
    """'Lulea, SE' (no country given) -> 'Lulea' in SE."""
    m = _TRAILING_CC.match(q.text)
    if q.country is None and m and m.group(2).upper() in _country_codes():
        return Query(m.group(1), m.group(2).upper(), q.want, q.within)
    return None


def _kind_readings(base: Query) -> Iterator[Query]:
    """Readings of a typed kind or unit word: 'Utrecht Province' (a division), 'Gmina
    Ozimek' / 'Täby Municipality' / 'Yubei District' (the unit by its name without the
    word, the name with the word as GeoNames writes it in pinyin, then the seat town)."""
    key = normalize(base.text)
    m = _TYPED_ADMIN.match(key)
    if m and base.want in (None, "admin1"):
        word = m.group("word") or m.group("word2")
        yield replace(
            base, text=m.group("stem") or m.group("stem2"), want="admin1", tag=KIND_TAGS.get(word)
        )
    m2 = _UNIT_SUFFIX.match(key) or _UNIT_PREFIX.match(key)
    if m2 and base.want in (None, "admin1"):
        stem, word = m2.group("stem"), m2.group("word")
        yield replace(base, text=stem, want="admin1", division_space=True)
        for other in _UNIT_EQUIVALENTS.get(word, ()):
            yield replace(base, text=f"{stem} {other}")
    m = _TYPED_CITY.match(key)
    if m and base.want in (None, "city"):
        yield replace(base, text=m.group(1) or m.group(2), want="city")
    if m2 and base.want in (None, "city"):
        yield replace(base, text=m2.group("stem"), want="city")


def _spellings(idx: Index, base: Query) -> Iterator[Query]:
    """Spellings people use for names GeoNames writes otherwise."""
    key = normalize(base.text)
    if "aa" in key:  # Danish and Norwegian: "Taarbæk" is "Tårbæk"
        yield replace(base, text=key.replace("aa", "a"), loose=True)
    for prefix in _PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix) + 2:
            yield replace(base, text=key[len(prefix) :], loose=True)
    m = _LOCATIVE.match(key)
    if m:  # "Weiden in der Oberpfalz": the area, when it is a division, decides
        areas = _divisions_named(idx, m.group("area"), base.country)
        if areas and base.within is None:
            yield replace(base, text=m.group("stem"), within=frozenset(areas))
        yield replace(base, text=m.group("stem"), loose=True)
    m3 = _CJK_UNIT.match(base.text.strip())
    if m3:
        yield replace(base, text=m3.group(1), loose=True)
    m4 = _ARTICLE.match(key)
    if m4:  # "La Creuse" for the Creuse department
        yield replace(base, text=m4.group(1), loose=True, division_space=True)


def _readings(idx: Index, q: Query) -> Iterator[Query]:
    """Further readings, tried in turn when the plain one matches nothing (see the
    module's docstring for the order)."""
    coded = _with_country_code(q)
    bases = ([coded] if coded is not None else []) + [q]
    for base in bases:
        if base is coded:
            yield base
        yield from _kind_readings(base)
    head, sep, tail = q.text.rpartition(",")
    if sep and head.strip() and tail.strip():
        tail_key = normalize(tail)
        divisions = _divisions_named(idx, tail_key, q.country)
        if divisions:
            within = frozenset(divisions) if q.within is None else q.within & set(divisions)
            area = Query(head, q.country, q.want, within)
            yield area
            yield from _kind_readings(area)
            yield from _spellings(idx, area)
        cc = country_names().get(tail_key)
        if cc and q.country in (None, cc):
            yield Query(head, cc, q.want, q.within)
    m = _PAREN_QUALIFIER.match(q.text)
    if m:  # "Wetter (Hessen)": an area in brackets decides; a river ("Aken (Elbe)") not
        areas = _divisions_named(idx, normalize(m.group(2)), q.country)
        if areas and q.within is None:
            yield replace(q, text=m.group(1), within=frozenset(areas))
        yield replace(q, text=m.group(1))
    for base in bases:
        for spelled in _spellings(idx, base):
            yield spelled
            yield from _kind_readings(spelled)
    if q.want in (None, "admin1"):  # "La Creuse", "Xishuangbanna": a unit's core name
        yield replace(q, want="admin1", division_space=True)


def _divisions_named(idx: Index, key: str, country: str | None) -> list[int]:
    """Division rows (either level) named ``key``, with that name without its kind
    word, or with that GeoNames admin-1 code, in ``country``."""
    rows = np.concatenate([idx.lookup(key)[0], idx.lookup(A1_SPACE + key)[0]])
    rows = rows[idx.kind[rows] != CITY]
    if country is not None:
        rows = rows[np.isin(idx.country[rows], country_codes(country))]
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


def _gid_rows(idx: Index) -> dict[int, int]:
    """GeoNames id -> row (cities and second-level units)."""
    memo = idx.memo.get("gid_rows")
    if memo is None:
        has = np.flatnonzero(idx.gid >= 0)
        memo = dict(zip(idx.gid[has].tolist(), has.tolist(), strict=True))
        idx.memo["gid_rows"] = memo
    return memo


@lru_cache(maxsize=1)
def _country_codes() -> frozenset[str]:
    return frozenset(str(c) for c in np.unique(get_index().country))


def km_between(idx: Index, a: int, b: int) -> float:
    return km_to(idx, a, float(idx.lat[b]), float(idx.lon[b]))


def km_to(idx: Index, row: int, lat: float, lon: float) -> float:
    """Great-circle km from a row's point to (lat, lon); inf where the row has none."""
    la1, lo1 = float(idx.lat[row]), float(idx.lon[row])
    if la1 != la1 or lat != lat:
        return math.inf
    p1, p2 = math.radians(la1), math.radians(lat)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon - lo1) / 2) ** 2
    )
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def fits(idx: Index, row: int, q: Query) -> bool:
    """Whether a row is of the kind the reading wants and lies in its areas."""
    if q.want is not None and (idx.kind[row] == CITY) != (q.want == "city"):
        return False
    return q.within is None or int(idx.a1[row]) in q.within or int(idx.a2[row]) in q.within


@dataclass
class Choice:
    """The candidates of one reading, best first; whether the first is a clear choice;
    and, when it is, the namesakes it was chosen over (much smaller, far apart)."""

    cands: list[int]
    clear: bool
    passed_over: list[int]


def _choose(idx: Index, rows: np.ndarray, primary: np.ndarray, q: Query) -> Choice:
    """Candidates best first, and whether the top one is a clear choice.

    Each candidate weighs its population (at ``ALTERNATE_WEIGHT`` when matched only by
    an alternate name); a division gives way to a city of its country weighing
    ``CITY_OVER_ADMIN1_SHARE`` of it; the heaviest wins, ties to the first found.
    Without a country it must have no rival of ``AMBIGUITY_SHARE`` of its weight and
    ``AMBIGUITY_MIN_POP``; within a country, no namesake of the same level more than
    ``SAME_PLACE_KM`` away of ``NAMESAKE_SHARE`` of its weight.
    """
    country, want = q.country, q.want
    if country is not None and len(rows):  # most names: a few rows once in the country
        mine = np.isin(idx.country[rows], country_codes(country))
        rows, primary = rows[mine], primary[mine]
    if len(rows) and np.isnan(idx.lat[rows]).any():  # a division with no town: no point
        keep = ~np.isnan(idx.lat[rows])
        rows, primary = rows[keep], primary[keep]
    if len(rows) == 0:
        return Choice([], False, [])
    if len(rows) == 1 or bool((rows == rows[0]).all()):  # one place: no weighing
        r = int(rows[0])
        return Choice([r], True, []) if fits(idx, r, q) else Choice([], False, [])
    weight: dict[int, float] = {}
    is_own: dict[int, bool] = {}
    where: dict[int, tuple[str, int, int, int]] = {}  # row -> (country, kind, a1, a2)
    for r, p, pop, cc, kind, a1, a2 in zip(
        rows.tolist(),
        primary.tolist(),
        idx.pop[rows].tolist(),
        idx.country[rows].tolist(),
        idx.kind[rows].tolist(),
        idx.a1[rows].tolist(),
        idx.a2[rows].tolist(),
        strict=True,
    ):
        w = float(max(pop, 1)) * (1.0 if p else ALTERNATE_WEIGHT)
        weight[r] = max(weight.get(r, 0.0), w)
        is_own[r] = is_own.get(r, False) or bool(p)
        where[r] = (cc, kind, a1, a2)
    cands = [r for r in weight if fits(idx, r, q)]  # (rows are of the country already)
    if not cands:
        return Choice([], False, [])
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
    elif any(where[r][1] == ADMIN1 for r in cands):  # a state before a county of its name
        top_a1 = max(weight[r] for r in cands if where[r][1] == ADMIN1)
        cands = [
            r
            for r in cands
            if where[r][1] == ADMIN1 or where[r][2] not in cands or weight[r] > top_a1
        ]
    alt_rivals: list[int] = []
    if country is not None:  # a place's own name before another's alternate ("Aken")
        own = [r for r in cands if is_own[r]]
        if own:
            top_own = max(own, key=lambda r: weight[r])
            # a larger place that went by this name (Lake Worth Beach, Florida, was Lake
            # Worth until 2019) stays a rival of the town that bears it now
            alt_rivals = [
                r
                for r in cands
                if not is_own[r]
                and idx.pop[top_own] < ALTERNATE_RIVAL_MAX_POP
                and idx.pop[r] >= idx.pop[top_own]
                and weight[r] < OWN_NAME_OVER_ALTERNATE * weight[top_own]
                and km_between(idx, top_own, r) > SAME_PLACE_KM
            ]
            cands = [
                r
                for r in cands
                if is_own[r] or weight[r] >= OWN_NAME_OVER_ALTERNATE * weight[top_own]
            ]
    cands.sort(key=lambda r: -weight[r])
    if len(cands) == 1 and not alt_rivals:
        return Choice(cands, True, [])
    top = cands[0]
    if country is None:
        rivals = [
            r
            for r in cands[1:]
            if weight[r] >= max(AMBIGUITY_SHARE * weight[top], AMBIGUITY_MIN_POP)
        ]
        return Choice([top, *rivals] if rivals else cands, not rivals, [])
    same_level = [
        r
        for r in cands[1:]
        if (where[r][1] == CITY) == (where[top][1] == CITY)
        and where[r][3] != top  # a town inside the unit named so is that unit
        and where[top][3] != r
        and km_between(idx, top, r) > SAME_PLACE_KM
    ]
    rivals = [r for r in same_level if weight[r] >= NAMESAKE_SHARE * weight[top]]
    rivals += [
        r
        for r in alt_rivals
        if r not in rivals and r != top and weight[r] >= NAMESAKE_SHARE * weight[top]
    ]
    if rivals:
        return Choice([top, *rivals], False, [])
    return Choice(cands, True, same_level)


def _candidates(idx: Index, q: Query) -> Choice:
    key = normalize(q.text)
    if q.tag is not None:  # "Altai Krai": only divisions that are krais
        rows, primary = idx.lookup(f"{A1_SPACE}{key}|{q.tag}")
    else:
        rows, primary = idx.lookup(key)
        if q.want == "admin1" or q.division_space:  # names without their kind word
            r2, p2 = idx.lookup(A1_SPACE + key)
            rows, primary = np.concatenate([rows, r2]), np.concatenate([primary, p2])
    return _choose(idx, rows, primary, q)


def _passed_over_note(idx: Index, row: int, others: list[int]) -> str | None:
    if not others:
        return None
    shown = ", ".join(label(idx, r, population=True) for r in others[:3])
    more = f" and {len(others) - 3} more" if len(others) > 3 else ""
    return (
        f"the largest of {len(others) + 1} places so named in {idx.country[row]}; "
        f"also: {shown}{more}"
    )


def _ambiguous(idx: Index, reading: Query, cands: list[int]) -> AmbiguousPlace:
    shown = f"{reading.text}, {reading.country}" if reading.country else reading.text
    labels = [label(idx, r, population=True) for r in cands[:8]]
    top = cands[0]
    area = idx.names[int(idx.a1[top])] if idx.kind[top] != ADMIN1 and idx.a1[top] >= 0 else ""
    example = f" (e.g. '{reading.text}, {area}')" if area else ""
    advice = (
        f"add the state, province or county{example}, a GeoNames id or coordinates"
        if reading.country
        else "add a country"
    )
    return AmbiguousPlace(
        f"ambiguous place {shown!r}: {'; '.join(labels)}; {advice}",
        make_places(idx, cands[:8]),
    )


def _by_geonames_id(idx: Index, q: Query, gid: int) -> Match | PlaceError:
    row = _gid_rows(idx).get(gid)
    if row is None:
        return PlaceNotFound(
            f"GeoNames id {gid} for place {q.text!r} is not in the gazetteer (towns of 500 "
            "or more inhabitants, seats, and second-level units holding one)",
            [],
        )
    if q.country is not None and idx.country[row] not in country_codes(q.country):
        return PlaceNotFound(
            f"GeoNames id {gid} is {label(idx, row)}, not a place in {q.country}", []
        )
    return Match(row, f"chosen by GeoNames id {gid}")


def _near(
    idx: Index, cands: list[int], point: tuple[float, float]
) -> tuple[int | None, int | None, float]:
    """(the candidate nearest the point within its kind's distance or None, the nearest
    of all, its distance)."""
    best, best_km, nearest, nearest_km = None, math.inf, None, math.inf
    for r in cands:
        km = km_to(idx, r, *point)
        if km < nearest_km:
            nearest, nearest_km = r, km
        if km <= NEAR_KM_BY_KIND[int(idx.kind[r])] and km < best_km:
            best, best_km = r, km
    return best, nearest, nearest_km


def exact(
    idx: Index, name: str, country: str | None, hint: Hint | None = None
) -> int | PlaceError | Query | Place:
    """The row an exact match of a typed name gives (a ``Match``), the error it gives,
    or the reading to match fuzzily (the name with a trailing country code taken off,
    if it has one, and the area hint as a constraint)."""
    q = _parse(name, country)
    if q.country is not None and q.country not in _country_codes():
        return PlaceNotFound(f"unknown country code {q.country!r} for place {q.text!r}", [])
    if not normalize(q.text):
        return PlaceNotFound("empty place name", [])
    if hint is not None and hint.geonames_id is not None:
        return _by_geonames_id(idx, q, hint.geonames_id)
    if hint is not None and hint.admin:
        areas = _divisions_named(idx, normalize(hint.admin), q.country)
        if not areas:
            where = f" in {q.country}" if q.country else ""
            return PlaceNotFound(
                f"unknown area {hint.admin!r}{where} for place {q.text!r}; accepted: the name "
                "of a state, province, county, district or municipality it lies in",
                [],
            )
        q = replace(q, within=frozenset(areas))
    point = hint.point if hint is not None else None
    far: tuple[int, float] | None = None
    for reading in chain((q,), _readings(idx, q)):
        choice = _candidates(idx, reading)
        if not choice.cands:
            continue
        if point is not None:
            got, nearest, km = _near(idx, choice.cands, point)
            if got is not None:
                return Match(got, f"told apart from its namesakes by the given point ({km:.0f} km)")
            if nearest is not None and (far is None or km < far[1]):
                far = (nearest, km)
            continue
        if reading.loose and (len(choice.cands) > 1 or choice.passed_over):
            return _ambiguous(idx, reading, choice.cands + choice.passed_over)
        if choice.clear:
            return Match(
                choice.cands[0], _passed_over_note(idx, choice.cands[0], choice.passed_over)
            )
        return _ambiguous(idx, reading, choice.cands)
    if far is not None:
        assert point is not None
        from twinrisk.places.given_point import at_given_point  # (it reads Query)

        # the point names another place of that name, one the gazetteer lacks
        return at_given_point(
            idx,
            replace(q, near=point),
            PlaceNotFound(
                f"no place named {q.text!r}{' in ' + q.country if q.country else ''} lies "
                f"near the given point ({point[0]:.4f}, {point[1]:.4f}); the nearest so "
                f"named is {label(idx, far[0])}, {far[1]:.0f} km away",
                [label(idx, far[0])],
            ),
        )
    return replace(_with_country_code(q) or q, near=point)
