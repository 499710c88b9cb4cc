"""Typed loaders for ``features/``: the only way downstream code reads the tables.

Loading validates first and refuses bad data with every problem listed, so a
score is never computed from a table that breaks its own rules. The data version
(a hash of the table contents) travels with every score.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from twinrisk.config import cache_dir, features_dir
from twinrisk.data.registry import BY_FILE, TABLES


def data_version(data_dir: Path | None = None) -> str:
    """A short hash of every table's bytes: equal tables give equal versions.

    The hash is recomputed only when a file's name, size or modification time
    changes, so asking for the version on every request costs a few ``stat`` calls."""
    root = Path(data_dir or features_dir())
    with os.scandir(root) as entries:
        stamps = tuple(
            sorted(
                (e.name, st.st_size, st.st_mtime_ns)
                for e in entries
                if e.name.endswith(".csv") and e.is_file()
                for st in (e.stat(),)
            )
        )
    return _hash_tables(root, stamps)


@lru_cache(maxsize=16)
def _hash_tables(root: Path, stamps: tuple[tuple[str, int, int], ...]) -> str:
    digest = hashlib.sha256()
    for name, _size, _mtime in stamps:
        digest.update(name.encode())
        digest.update((root / name).read_bytes())
    return "data-" + digest.hexdigest()[:12]


@dataclass(frozen=True, eq=False)
class Tables:
    """The validated tables, typed; ``sources`` is indexed by ``source_id``."""

    version: str
    sources: pd.DataFrame
    countries: pd.DataFrame
    country_debt: pd.DataFrame
    places: pd.DataFrame
    dyads: pd.DataFrame
    events: pd.DataFrame
    extra: dict[str, pd.DataFrame] = field(default_factory=dict)

    def source_rows(self, ids: str | list[str] | None) -> list[dict[str, object]]:
        """Source records (title, publisher, year, URL) for ``a;b``-style id lists."""
        if ids is None or (isinstance(ids, float) and pd.isna(ids)):
            return []
        wanted = ids.split(";") if isinstance(ids, str) else list(ids)
        records = _source_records(self)
        return [
            records[sid]
            for sid in dict.fromkeys(s.strip() for s in wanted if s and s.strip())
            if sid in records
        ]


@lru_cache(maxsize=4)
def _source_records(tables: Tables) -> dict[str, dict[str, object]]:
    s = tables.sources
    return {
        sid: {"id": sid, "title": title, "publisher": pub, "year": int(year), "url": url}
        for sid, title, pub, year, url in zip(
            s["source_id"], s["title"], s["publisher"], s["year"], s["url"], strict=True
        )
    }


def _finish(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    spec = BY_FILE.get(name)
    for column in spec.bool_columns if spec else ():
        frame[column] = frame[column].eq("true")
    return frame


def load_tables(data_dir: Path | None = None) -> Tables:
    """Validated tables from ``data_dir`` (default ``features/``); cached per version."""
    root = _resolved(str(data_dir or features_dir()))
    return _load_cached(root, data_version(root))


@lru_cache(maxsize=64)
def _resolved(path: str) -> Path:
    """The absolute path of the tables' folder, resolved once per name: every scored
    proposal asks for the tables, and resolving costs a stat per path component."""
    return Path(path).resolve()


def _cache_path(version: str) -> Path:
    """The typed tables of a data version, per set of registered tables and schemas:
    a new table or schema in the code must not be served from an older cache."""
    return cache_dir() / "tables" / f"{version}-{_registry_key()}"


@lru_cache(maxsize=1)
def _registry_key() -> str:
    digest = hashlib.sha256()
    for spec in TABLES:
        digest.update(f"{spec.file}|{spec.required}|{spec.bool_columns}|".encode())
        digest.update(repr(sorted(spec.schema.columns)).encode())
        digest.update(
            repr(
                [
                    (c, str(col.dtype), [str(k) for k in col.checks])
                    for c, col in spec.schema.columns.items()
                ]
            ).encode()
        )
    return digest.hexdigest()[:8]


def _read_cache(version: str) -> dict[str, pd.DataFrame] | None:
    """Tables of this exact content hash, validated before (parquet: no code runs)."""
    folder = _cache_path(version)
    if not (folder / "complete").exists():
        return None
    try:
        return {p.stem + ".csv": pd.read_parquet(p) for p in folder.glob("*.parquet")}
    except (OSError, ValueError):
        return None


def _write_cache(version: str, typed: dict[str, pd.DataFrame]) -> None:
    folder = _cache_path(version)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, frame in typed.items():
            tmp = folder / f".{name}.tmp"
            frame.to_parquet(tmp, index=False)
            tmp.replace(folder / (Path(name).stem + ".parquet"))
        (folder / "complete").touch()
    except OSError:
        pass  # a read-only cache directory only costs speed


@lru_cache(maxsize=4)
def _load_cached(root: Path, version: str) -> Tables:
    cached = _read_cache(version)
    if cached is None:
        from twinrisk.data.validate import DataValidationError, validate_dir

        typed, problems = validate_dir(root)
        if problems:
            raise DataValidationError(problems)
        _write_cache(version, typed)
    else:
        typed = cached
    t = {name: _finish(name, frame) for name, frame in typed.items()}
    attrs = {spec.attribute: t[spec.file] for spec in TABLES if spec.attribute}
    attrs["sources"] = attrs["sources"].set_index("source_id", drop=False)
    extra = {
        name: frame
        for name, frame in t.items()
        if not getattr(BY_FILE.get(name), "attribute", None)
    }
    return Tables(version=version, extra=extra, **attrs)
