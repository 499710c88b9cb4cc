"""OWID V-Dem RoW and TI CPI importers, run on the reference copies in ../shared."""

from __future__ import annotations

from pathlib import Path

from conftest import missing_part
from twinrisk.importers import owid_indicators

ROOT = Path(__file__).resolve().parents[1]
REF = ROOT.parent / "shared" / "reference"
VDEM = REF / "vdem_regimes_of_the_world_owid" / "political-regime.csv"
CPI = REF / "ti_cpi_owid" / "ti-corruption-perception-index.csv"


def test_vdem_and_cpi() -> None:
    if not (VDEM.exists() and CPI.exists()):
        missing_part(f"{VDEM} / {CPI}")
    iso = owid_indicators.iso3_to_iso2(ROOT / "features" / "countries.csv")
    vdem = owid_indicators.to_table(owid_indicators.read_owid_vdem(VDEM), "vdem_row", iso)
    assert set(vdem["value"]) <= {0, 1, 2, 3}
    assert vdem["year"].min() == 2000 and vdem["year"].max() == 2022
    assert not vdem.duplicated(["country", "year"]).any()
    cpi = owid_indicators.to_table(owid_indicators.read_owid_cpi(CPI), "cpi_score", iso)
    assert cpi["value"].between(0, 100).all()
    assert (cpi["sources"] == "ti_cpi_" + cpi["year"].astype(str)).all()
    assert cpi["year"].min() == 2012
