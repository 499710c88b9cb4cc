"""Our World in Data grapher CSV downloads -> rows of ``features/country_indicators.csv``.

Two charts in OWID's standard layout ``Entity,Code,Year,<value column>[,...]``:

- "Political regime" (V-Dem Regimes of the World, ``v2x_regime``): ``vdem_row``
  0 closed autocracy, 1 electoral autocracy, 2 electoral democracy, 3 liberal democracy;
- "Corruption Perceptions Index" (Transparency International): ``cpi_score`` 0-100.

Rows whose ``Code`` is not an ISO 3166-1 alpha-3 code of a country in
``features/countries.csv`` (OWID_* aggregates, historical entities) and rows without
a value are dropped. Long output: country (ISO2), year, indicator, value, sources.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

COLUMNS = ["country", "year", "indicator", "value", "sources"]
VDEM = ("vdem_row", "Political regime", "vdem_row_v13")
CPI = ("cpi_score", "Corruption Perceptions Index", None)  # source per edition: ti_cpi_<year>


def _read(path: Path | str, value_col: str) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype={"Code": str}, keep_default_na=False)
    missing = [c for c in ("Entity", "Code", "Year", value_col) if c not in raw.columns]
    if missing:
        raise ValueError(f"{path}: not an OWID '{value_col}' download, missing {missing}")
    raw = raw[raw[value_col].astype(str).str.strip() != ""]
    return pd.DataFrame(
        {
            "entity": raw["Entity"],
            "iso3": raw["Code"],
            "year": raw["Year"].astype(int),
            "value": pd.to_numeric(raw[value_col]),
        }
    )


def read_owid_vdem(path: Path | str) -> pd.DataFrame:
    """entity, iso3, year, value (0-3) from the OWID 'political-regime' CSV."""
    return _read(path, VDEM[1])


def read_owid_cpi(path: Path | str) -> pd.DataFrame:
    """entity, iso3, year, value (0-100) from the OWID 'ti-corruption-perception-index' CSV."""
    return _read(path, CPI[1])


def iso3_to_iso2(countries_csv: Path | str) -> dict[str, str]:
    with open(countries_csv, encoding="utf-8", newline="") as fh:
        return {r["iso3"]: r["iso2"] for r in csv.DictReader(fh) if r["iso3"] and r["iso2"]}


def to_table(
    df: pd.DataFrame, indicator: str, iso_map: dict[str, str], min_year: int = 2000
) -> pd.DataFrame:
    """Long rows for one indicator; CPI rows cite the edition (``ti_cpi_<year>``)."""
    keep = df[(df["year"] >= min_year) & df["iso3"].isin(iso_map.keys())]
    if indicator == VDEM[0]:
        sources = pd.Series(VDEM[2], index=keep.index)
    elif indicator == CPI[0]:
        sources = "ti_cpi_" + keep["year"].astype(str)
    else:
        raise ValueError(f"unknown indicator {indicator!r}")
    out = pd.DataFrame(
        {
            "country": keep["iso3"].map(iso_map),
            "year": keep["year"],
            "indicator": indicator,
            "value": keep["value"].astype(int),
            "sources": sources,
        }
    )
    return out.sort_values(["country", "year"]).reset_index(drop=True)[COLUMNS]
