"""Building the gazetteer index from the packaged data (seconds; ``cache`` keeps it).

The build folds the 1.4 million names column-wise (one ``normalize_many`` pass over
all of them, one vectorised FNV-1a hash) rather than one Python call per name. A
division's coordinates are the population-weighted centroid (on the sphere) of its
GeoNames cities and its population their summed population: GeoNames gives no
centroid or census figure for divisions, and the cities are what a partnership is
about. Curated aliases point at a GeoNames id, or at the most populous place of the
name they give.
"""

from __future__ import annotations

from itertools import chain

import numpy as np

from twinrisk.places.divisions import division_names, unit_label
from twinrisk.places.index import (
    AC_WIDTH,
    ADMIN1,
    ADMIN2,
    CITY,
    LOCATED_SEAT,
    LOCATED_TOWNS,
    Index,
)
from twinrisk.places.names import (
    A1_SPACE,
    key_hash,
    key_hashes,
    latin_key,
    normalize,
    normalize_many,
)
from twinrisk.places.sources import (
    read_admin1,
    read_admin2,
    read_aliases,
    read_cities,
    read_city_units,
    read_countries,
)

#: alternate names of places this populous are offered by autocomplete too
AC_ALTERNATE_MIN_POP = 15_000
#: "did you mean" offers towns of this many inhabitants or more (and every division)
FUZZY_MIN_POP = 5000


def build_index() -> Index:
    """Parse the package data into column arrays; seconds, so callers cache it.

    Rows: cities, then first-level divisions, then the second-level units that hold
    at least one city (a unit with none has no point to stand on)."""
    cities = read_cities()
    countries = read_countries()
    admin1 = read_admin1()
    units = read_city_units()
    admin2_all = read_admin2()
    city_a2_line = [units.get(g, -1) for g in cities["geonameid"]]
    held = set(city_a2_line)
    admin2 = [u for u in admin2_all if u.line in held]
    n_c, n_a, n_b = len(cities["name"]), len(admin1), len(admin2)
    n = n_c + n_a + n_b
    b0 = n_c + n_a  # first admin-2 row
    kind = np.zeros(n, np.uint8)
    kind[n_c:b0] = ADMIN1
    kind[b0:] = ADMIN2
    gid = np.full(n, -1, np.int64)
    gid[:n_c] = cities["geonameid"]
    gid[b0:] = [u.geonameid for u in admin2]
    country = np.array(
        cities["countrycode"] + [cc for cc, _, _, _ in admin1] + [u.country for u in admin2],
        "<U2",
    )
    a1_codes = [""] * n_c + [code for _, code, _, _ in admin1] + [""] * n_b
    a1_row = {(cc, code): n_c + j for j, (cc, code, _, _) in enumerate(admin1)}
    a1 = np.full(n, -1, np.int32)
    a1[:n_c] = [
        a1_row.get(k, -1) for k in zip(cities["countrycode"], cities["admin1code"], strict=True)
    ]
    a1[n_c:b0] = np.arange(n_c, b0)
    a1[b0:] = [a1_row.get((u.country, u.admin1_code), -1) for u in admin2]
    a2_row = {u.line: b0 + j for j, u in enumerate(admin2)}
    a2 = np.full(n, -1, np.int32)
    a2[:n_c] = [a2_row.get(line, -1) for line in city_a2_line]
    a2[b0:] = np.arange(b0, n)
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    lat[:n_c], lon[:n_c] = cities["latitude"], cities["longitude"]
    pop = np.zeros(n, np.int64)
    pop[:n_c] = [p or 0 for p in cities["population"]]
    names: list[str] = (
        cities["name"] + [display for _, _, display, _ in admin1] + [u.name for u in admin2]
    )
    units_text = [""] * (n_c + n_a) + [unit_label(u.unit, [u.name, *u.aliases]) for u in admin2]
    located = np.zeros(n, np.uint8)
    _division_centroids(a1, lat, lon, pop, n_c, range(n_c, b0))
    _division_centroids(a2, lat, lon, pop, n_c, range(b0, n))
    located[n_c:] = LOCATED_TOWNS
    admin2_keys = [normalize_many([u.name, *u.aliases]) for u in admin2]
    seat = np.full(n, -1, np.int32)
    _seats(a2, lat, lon, pop, located, seat, n_c, b0, admin2_keys, cities["name"])

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
        extra, core = division_names(uniq)
        texts.extend(uniq + extra)
        a1_rows.extend([row] * (len(uniq) + len(extra)))
        a1_prim.extend(t < 2 for t in range(len(uniq) + len(extra)))
        cores.extend(A1_SPACE + c for c in core)
        core_rows.extend([row] * len(core))
    # a second-level unit: its name and English aliases ("Täby Municipality") are its
    # own; its names without the unit word go to the division-only key space
    for j, u in enumerate(admin2):
        row = b0 + j
        uniq = list(dict.fromkeys([u.name, *u.aliases]))
        extra, core = division_names(uniq)
        texts.extend(uniq + extra)
        a1_rows.extend([row] * (len(uniq) + len(extra)))
        a1_prim.extend([True] * len(uniq) + [False] * len(extra))
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
    sel = np.flatnonzero(hashes != np.uint64(key_hash("")))
    order = sel[np.lexsort((~prim_arr[sel], row_arr[sel], hashes[sel]))]
    h_o, r_o = hashes[order], row_arr[order]
    first = np.ones(len(order), bool)
    first[1:] = (r_o[1:] != r_o[:-1]) | (h_o[1:] != h_o[:-1])
    keep = order[first]
    key_h, key_r, key_p = hashes[keep], row_arr[keep], prim_arr[keep]

    # "did you mean" offers towns of FUZZY_MIN_POP or more by their own name, and divisions
    fuzzy: dict[str, int] = {}
    for i, pos in enumerate(np.flatnonzero(prim_arr[:n_city_texts]).tolist()):
        k = keys[pos]
        if pop[i] >= FUZZY_MIN_POP and k and (k not in fuzzy or pop[fuzzy[k]] < pop[i]):
            fuzzy[k] = i
    for j in range(n_a + n_b):
        k = normalize(names[n_c + j])
        if k:
            fuzzy.setdefault(k, n_c + j)

    idx = Index(
        kind=kind,
        gid=gid,
        country=country,
        a1=a1,
        a2=a2,
        located=located,
        seat=seat,
        units=units_text,
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
    for alias, canonical, cc, want_gid in read_aliases():
        target = by_gid.get(want_gid) if want_gid is not None else None
        if target is None:
            target = _best_named(idx, canonical, cc, cities_only=False)
        k = normalize(alias)
        if target is not None and k:
            extra_h.append(key_hash(k))
            extra_r.append(target)
            # an alias naming a second-level unit points at its seat (Egedal ->
            # Ølstykke): the unit stands there and is one partner with it
            rows = np.concatenate([idx.lookup(k)[0], idx.lookup(A1_SPACE + k)[0]])
            for r in rows[(idx.kind[rows] == ADMIN2) & (idx.country[rows] == cc)].tolist():
                if idx.kind[target] == CITY and idx.a2[target] == r:
                    idx.lat[r], idx.lon[r] = idx.lat[target], idx.lon[target]
                    idx.located[r], idx.seat[r] = LOCATED_SEAT, target
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
    a1: np.ndarray, lat: np.ndarray, lon: np.ndarray, pop: np.ndarray, n_c: int, rows: range
) -> None:
    """Divisions (``rows``, ``a1`` the division row of each city): population-weighted
    centroid of their cities on the unit sphere, and the cities' summed population (in
    place)."""
    n = len(a1)
    has = a1[:n_c] >= 0
    w = np.maximum(pop[:n_c][has], 1).astype(float)
    la, lo = np.radians(lat[:n_c][has]), np.radians(lon[:n_c][has])
    xyz = np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], 1) * w[:, None]
    sums = np.zeros((n, 3))
    np.add.at(sums, a1[:n_c][has], xyz)
    np.add.at(pop, a1[:n_c][has], pop[:n_c][has])
    at = np.arange(rows.start, rows.stop)
    s = sums[at]
    ok = np.linalg.norm(s, axis=1) > 0
    lat[at[ok]] = np.degrees(np.arctan2(s[ok, 2], np.hypot(s[ok, 0], s[ok, 1])))
    lon[at[ok]] = np.degrees(np.arctan2(s[ok, 1], s[ok, 0]))


def _seats(
    a2: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    pop: np.ndarray,
    located: np.ndarray,
    seat: np.ndarray,
    n_c: int,
    b0: int,
    unit_keys: list[list[str]],
    city_names: list[str],
) -> None:
    """A second-level unit stands at its seat when one of its towns carries its name
    (Täby for Täby Kommun, Spittal for the Bezirk Spittal an der Drau): the most
    populous town whose name is one of the unit's names or their cores, or the one
    its names contain ("Concelho de Sesimbra"). Wikidata and people place a
    municipality at its seat; the centroid of towns stays for the rest (in place)."""
    wanted: dict[int, set[str]] = {}
    for j, keys in enumerate(unit_keys):
        cores = set(keys)
        for k in keys:
            cores.update(division_names([k])[1])
        wanted[b0 + j] = {c for c in cores if "|" not in c}
    best: dict[int, int] = {}
    in_unit = np.flatnonzero(a2[:n_c] >= 0)
    city_keys = normalize_many([city_names[i] for i in in_unit.tolist()])
    for i, k in zip(in_unit.tolist(), city_keys, strict=True):
        row = int(a2[i])
        names = wanted[row]
        named = k in names or (len(k) >= 4 and any(f" {k} " in f" {w} " for w in names))
        if named and (row not in best or pop[i] > pop[best[row]]):
            best[row] = i
    for row, i in best.items():
        lat[row], lon[row] = lat[i], lon[i]
        located[row] = LOCATED_SEAT
        seat[row] = i


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
        if keys[i] and (prim[i] or latin_key(keys[i]))
    ]
    raw = [keys[i].encode() for i in take]
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
