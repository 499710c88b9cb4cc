"""Location facts for any resolved place: coast, borders, capitals, curated flags.

Distances to the coast, to a land border and to a curated disputed border come from
the Natural Earth geometry (``geometry``). Disputed borders:
``features/disputed_borders.csv`` names stretches of that land border (a country
pair, optionally clipped to a lat/lon box) or cited reference points; each row has
its sources. Capitals: national from GeoNames country info, provincial only where
``features/places.csv`` says so (GeoNames' PPLA codes are not in the packaged data).
Seaports: curated flag, else an NGA World Port Index port within ``PORT_RADIUS_KM``
(when ``features/ports.csv`` exists).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

import numpy as np
import pandas as pd

from twinrisk.config import features_dir
from twinrisk.core.models import Place
from twinrisk.places.cache import get_index
from twinrisk.places.curated import curated_hint
from twinrisk.places.geometry import chord_to_km, get_geometry, kd_tree, xyz
from twinrisk.places.memo import LRU
from twinrisk.places.resolution import resolve_many

PORT_RADIUS_KM = 10.0
#: a city of a million or more spreads far beyond its GeoNames point (Mumbai's lies
#: 12 km from the World Port Index's Mumbai port), so its radius is wider
LARGE_CITY_POPULATION = 1_000_000
LARGE_CITY_PORT_RADIUS_KM = 20.0


# ------------------------------------------------------------------ curated tables


def _read_csv(name: str) -> pd.DataFrame:
    path = features_dir() / name
    if not path.exists():
        return pd.DataFrame()
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.EmptyDataError, pd.errors.ParserError):
        return pd.DataFrame()


def _stamp(name: str) -> tuple[str, float, int]:
    path = features_dir() / name
    try:
        st = path.stat()
    except OSError:
        return (str(path), 0.0, 0)
    return (str(path), st.st_mtime, st.st_size)


@dataclass
class Disputed:
    names: list[str]
    sources: list[str]
    trees: list[object]


@lru_cache(maxsize=4)
def _disputed(stamp: tuple[str, float, int]) -> Disputed:
    """One KD-tree per curated disputed border, cut from the Natural Earth border."""
    table = _read_csv("disputed_borders.csv")
    names: list[str] = []
    sources: list[str] = []
    trees: list[object] = []
    if table.empty:
        return Disputed(names, sources, trees)
    geo = get_geometry()
    lat = np.degrees(np.arcsin(np.clip(geo.border_xyz[:, 2], -1, 1)))
    lon = np.degrees(np.arctan2(geo.border_xyz[:, 1], geo.border_xyz[:, 0]))
    for _, row in table.iterrows():
        if row.get("kind") == "point":
            pts = xyz(np.array([float(row["lat"])]), np.array([float(row["lon"])]))
        else:
            a, b = row["country_a"], row["country_b"]
            sel = ((geo.border_a == a) & (geo.border_b == b)) | (
                (geo.border_a == b) & (geo.border_b == a)
            )
            for col, arr, op in (
                ("min_lat", lat, np.greater_equal),
                ("max_lat", lat, np.less_equal),
                ("min_lon", lon, np.greater_equal),
                ("max_lon", lon, np.less_equal),
            ):
                if row.get(col, ""):
                    sel &= op(arr, float(row[col]))
            pts = geo.border_xyz[sel]
        if len(pts):
            names.append(row["name"])
            sources.append(row.get("sources", ""))
            trees.append(kd_tree(pts))
    return Disputed(names, sources, trees)


@lru_cache(maxsize=4)
def _curated(stamp: tuple[str, float, int]) -> pd.DataFrame:
    """features/places.csv keyed by resolved place id (rows that do not resolve are skipped)."""
    table = _read_csv("places.csv")
    if table.empty or not {"name", "country"} <= set(table.columns):
        return pd.DataFrame()
    levels = table.get("admin_level", [""] * len(table))
    want = [None if lvl != "admin1" else "admin1" for lvl in levels]
    names = [f"{n} (province)" if w else n for n, w in zip(table["name"], want, strict=True)]
    hints = [
        None if w else curated_hint(n, c)
        for n, c, w in zip(table["name"], table["country"], want, strict=True)
    ]
    resolved = resolve_many(names, list(table["country"]), hints)
    ids = [p.tie_id if isinstance(p, Place) else None for p in resolved]
    table = table.assign(place_id=ids).dropna(subset=["place_id"])
    return table.drop_duplicates("place_id").set_index("place_id")


@lru_cache(maxsize=4)
def _ports(stamp: tuple[str, float, int]) -> object | None:
    table = _read_csv("ports.csv")
    if table.empty or not {"lat", "lon"} <= set(table.columns):
        return None
    lat = pd.to_numeric(table["lat"], errors="coerce").to_numpy()
    lon = pd.to_numeric(table["lon"], errors="coerce").to_numpy()
    ok = ~(np.isnan(lat) | np.isnan(lon))
    return kd_tree(xyz(lat[ok], lon[ok])) if ok.any() else None


# ------------------------------------------------------------------ facts

COLUMNS = [
    "coast_km",
    "border_km",
    "disputed_border_km",
    "disputed_border",
    "disputed_border_sources",
    "capital",
    "seaport",
    "naval_base",
    "tech_hub",
    "flagship_project",
    "flagship_financier",
    "flagship_year",
    "curated_sources",
    "seaport_source",
]
#: dtype of each array ``location_fact_columns`` returns: float64 (NaN where unknown)
#: for distances and the flagship year, bool for flags, object (Python str) for text
COLUMN_DTYPES: dict[str, np.dtype[Any]] = {
    c: np.dtype(float)
    if c in ("coast_km", "border_km", "disputed_border_km", "flagship_year")
    else np.dtype(bool)
    if c in ("seaport", "naval_base", "tech_hub")
    else np.dtype(object)
    for c in COLUMNS
}
#: places whose facts are kept, per version of the curated tables (their path, mtime and
#: size): one row, a tuple in ``COLUMNS`` order, per place id
FACTS_CACHE_SIZE = 131_072
#: KD-tree queries for this many new places or more run on all CPUs
PARALLEL_MIN = 4096

Stamps = tuple[tuple[str, float, int], ...]


@lru_cache(maxsize=2)
def _facts_cache(stamps: Stamps) -> LRU[str, tuple[Any, ...]]:
    """The rows computed under one version of the tables (the last two versions kept)."""
    return LRU(FACTS_CACHE_SIZE)


def _stamps() -> Stamps:
    return (_stamp("places.csv"), _stamp("disputed_borders.csv"), _stamp("ports.csv"))


def _query_km(tree: Any, pts: np.ndarray) -> np.ndarray:
    """Distance (km on the sphere) from each point to the nearest point of ``tree``."""
    workers = -1 if len(pts) >= PARALLEL_MIN else 1
    return chord_to_km(tree.query(pts, workers=workers)[0])


def _capital_ids() -> frozenset[str]:
    idx = get_index()
    got = idx.memo.get("capital_ids")
    if got is None:
        got = frozenset(f"gn:{int(idx.gid[r])}" for r in idx.capitals)
        idx.memo["capital_ids"] = got
    return cast("frozenset[str]", got)


def _derive(places: list[Place], stamps: Stamps) -> dict[str, np.ndarray]:
    """The facts computed from geometry, one array per column, for ``places``."""
    geo = get_geometry()
    lat = np.array([p.lat if p.lat is not None else np.nan for p in places], float)
    lon = np.array([p.lon if p.lon is not None else np.nan for p in places], float)
    ok = ~(np.isnan(lat) | np.isnan(lon))
    pts = xyz(lat[ok], lon[ok])
    n = len(places)
    coast = np.full(n, np.nan)
    border = np.full(n, np.nan)
    coast[ok] = _query_km(geo.coast, pts)
    border[ok] = _query_km(geo.border, pts)
    disp = _disputed(stamps[1])
    d_km = np.full(n, np.nan)
    d_idx = np.full(n, -1)
    for j, tree in enumerate(disp.trees):
        d = np.full(n, np.inf)
        d[ok] = _query_km(tree, pts)
        better = d < np.where(np.isnan(d_km), np.inf, d_km)
        d_km[better], d_idx[better] = d[better], j
    capital_ids = _capital_ids()
    ports = _ports(stamps[2])
    wpi = np.zeros(n, bool)
    if ports is not None and ok.any():
        radius = np.array(
            [
                LARGE_CITY_PORT_RADIUS_KM
                if (p.population or 0) >= LARGE_CITY_POPULATION
                else PORT_RADIUS_KM
                for p in places
            ]
        )
        wpi[ok] = _query_km(ports, pts) <= radius[ok]
    names = np.array(["", *disp.names], dtype=object)
    sources = np.array(["", *disp.sources], dtype=object)
    return {
        "coast_km": coast,
        "border_km": border,
        "disputed_border_km": d_km,
        "disputed_border": names[d_idx + 1],
        "disputed_border_sources": sources[d_idx + 1],
        "capital": np.array(
            ["national" if p.tie_id in capital_ids else "none" for p in places], dtype=object
        ),
        "seaport": wpi,
        "seaport_source": np.where(wpi, "wpi", "").astype(object),
    }


@lru_cache(maxsize=4)
def _curated_rows(stamp: tuple[str, float, int]) -> dict[str, dict[str, Any]]:
    """What ``features/places.csv`` sets, per resolved place id: flags, the flagship
    project, sources; its seaport flag (then the source is "curated") and its capital
    level where it gives one of national / admin1 / none."""
    cur = _curated(stamp)
    if cur.empty:
        return {}
    ids = cur.index

    def flag(col: str) -> list[bool]:
        values: list[bool] = (
            cur.get(col, pd.Series("", index=ids)).astype(str).str.lower().eq("true").tolist()
        )
        return values

    cols: dict[str, list[Any]] = {"naval_base": flag("naval_base"), "tech_hub": flag("tech_hub")}
    if "seaport" in cur:
        cols["seaport"] = flag("seaport")
        cols["seaport_source"] = ["curated"] * len(ids)
    for col in ("flagship_project", "flagship_financier"):
        if col in cur:
            cols[col] = cur[col].fillna("").tolist()
    if "flagship_year" in cur:
        cols["flagship_year"] = [
            float(v) for v in pd.to_numeric(cur["flagship_year"], errors="coerce").tolist()
        ]
    if "sources" in cur:
        cols["curated_sources"] = cur["sources"].fillna("").tolist()
    capital = (
        cur["capital"].where(cur["capital"].isin(["national", "admin1", "none"]), "").tolist()
        if "capital" in cur
        else [""] * len(ids)
    )
    out: dict[str, dict[str, Any]] = {}
    for i, pid in enumerate(ids.tolist()):
        row = {c: v[i] for c, v in cols.items()}
        if not row.get("seaport", True):
            # a false or empty cell never hides a port the World Port Index records
            del row["seaport"], row["seaport_source"]
        if capital[i]:
            row["capital"] = capital[i]
        out[str(pid)] = row
    return out


#: facts of a place with no row in features/places.csv
_NOT_CURATED: dict[str, Any] = {
    "naval_base": False,
    "tech_hub": False,
    "flagship_project": "",
    "flagship_financier": "",
    "flagship_year": np.nan,
    "curated_sources": "",
}


def _compute(places: list[Place], stamps: Stamps) -> dict[str, list[Any]]:
    """Derived facts, then the curated ones over them, for distinct places: one list
    per column of Python floats, bools and strs."""
    derived = _derive(places, stamps)
    n = len(places)
    cols = {c: derived[c].tolist() if c in derived else [_NOT_CURATED[c]] * n for c in COLUMNS}
    curated = _curated_rows(stamps[0])
    if curated:
        for i, p in enumerate(places):
            extra = curated.get(p.tie_id)
            if extra:
                for c, v in extra.items():
                    cols[c][i] = v
    return cols


def _distinct_columns(
    places: Sequence[Place],
) -> tuple[list[str], dict[str, np.ndarray], np.ndarray | None]:
    """The facts of each distinct place id (first-seen order), one array per column, and
    where each input place is among them (None when the input has no repeats)."""
    stamps = _stamps()
    cache = _facts_cache(stamps)
    first: dict[str, int] = {}
    where = [first.setdefault(p.id, len(first)) for p in places]
    ids = list(first)
    distinct: Sequence[Place] = places
    inv = None
    if len(ids) != len(where):
        inv = np.array(where, np.intp)
        slots: list[Place | None] = [None] * len(ids)
        for p, i in zip(places, where, strict=True):
            slots[i] = p
        distinct = cast("list[Place]", slots)
    rows = cache.get_many(ids)
    if None in rows:
        todo = [i for i, r in enumerate(rows) if r is None]
        cols = _compute([distinct[i] for i in todo], stamps)
        new = list(zip(*(cols[c] for c in COLUMNS), strict=True))
        cache.put_many([ids[i] for i in todo], new)
        if len(todo) == len(ids):  # all new: the columns as computed
            return ids, {c: np.array(cols[c], COLUMN_DTYPES[c]) for c in COLUMNS}, inv
        for i, row in zip(todo, new, strict=True):
            rows[i] = row
    if not rows:
        return ids, {c: np.empty(0, COLUMN_DTYPES[c]) for c in COLUMNS}, inv
    return (
        ids,
        {
            c: np.array(v, COLUMN_DTYPES[c])
            for c, v in zip(COLUMNS, zip(*rows, strict=True), strict=True)
        },
        inv,
    )


def location_fact_columns(places: Sequence[Place]) -> dict[str, np.ndarray]:
    """Derived and curated location facts, one array per column of ``COLUMNS``, aligned
    with ``places`` (repeats included); dtypes as in ``COLUMN_DTYPES``.

    Each place's row is cached per place id and version of the curated tables, so a
    place seen before costs a dictionary look-up; new places are computed together.
    """
    _, cols, inv = _distinct_columns(places)
    return cols if inv is None else {c: v[inv] for c, v in cols.items()}


def location_facts(places: Sequence[Place]) -> pd.DataFrame:
    """``location_fact_columns`` as a frame indexed by place id (named ``place_id``),
    one row per input place, repeats included; ``flagship_year`` as nullable Int64."""
    if not len(places):
        out = pd.DataFrame.from_records([], index=[], columns=COLUMNS).astype(
            {**{c: COLUMN_DTYPES[c] for c in COLUMNS}, "flagship_year": "Int64"}
        )
        out.index.name = "place_id"
        return out
    ids, arrays, inv = _distinct_columns(places)
    cols: dict[str, Any] = dict(arrays)
    cols["flagship_year"] = pd.array(cols["flagship_year"], dtype="Int64")
    out = pd.DataFrame(cols, index=pd.Index(ids, name="place_id"), copy=False)
    return out if inv is None else out.iloc[inv]


@lru_cache(maxsize=1)
def _border_points_by_pair() -> dict[frozenset[str], np.ndarray]:
    """Positions of the border points of each pair of neighbouring states, once."""
    geo = get_geometry()
    key = pd.Series(
        np.where(geo.border_a < geo.border_b, geo.border_a, geo.border_b).astype(object)
        + "|"
        + np.where(geo.border_a < geo.border_b, geo.border_b, geo.border_a).astype(object)
    )
    return {
        frozenset(str(k).split("|")): np.asarray(rows)
        for k, rows in key.groupby(key, sort=False).indices.items()
    }


@lru_cache(maxsize=512)
def _pair_border(a: str, b: str) -> Any | None:
    """A KD-tree of the land border between two states (Natural Earth), or None when
    they share none."""
    rows = _border_points_by_pair().get(frozenset((a, b)))
    if rows is None:
        return None
    return kd_tree(get_geometry().border_xyz[rows])


def partner_border_km(places: Sequence[Place], partner_countries: Sequence[str]) -> np.ndarray:
    """Distance from each place to its own state's land border with the partner state
    (NaN when the two share none): the border that matters for a tie is the one with
    the partner, not the nearest of any kind."""
    out = np.full(len(places), np.nan)
    rows_of: dict[tuple[str, str], list[int]] = {}
    for i, (p, pc) in enumerate(zip(places, partner_countries, strict=True)):
        if p.lat is not None and p.lon is not None:
            rows_of.setdefault((p.country, str(pc)), []).append(i)
    for pair, rows in rows_of.items():
        tree = _pair_border(*pair)
        if tree is None:
            continue
        lat = np.array([places[i].lat for i in rows], dtype=float)
        lon = np.array([places[i].lon for i in rows], dtype=float)
        out[rows] = _query_km(tree, xyz(lat, lon))
    return out
