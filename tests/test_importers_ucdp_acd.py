"""UCDP/PRIO ACD v23.1 importer, run on the reference copy in ../shared."""

from __future__ import annotations

from pathlib import Path

from conftest import missing_part
from twinrisk.importers import ucdp_acd

REF = Path(__file__).resolve().parents[1].parent / "shared" / "reference"
FILE = REF / "ucdp_prio_acd_23.1" / "UcdpPrioConflict_v23_1.csv"


def test_ucdp_interstate_episodes() -> None:
    if not FILE.exists():
        missing_part(f"{FILE}")
    acd = ucdp_acd.read_ucdp_acd(FILE)
    assert len(acd) == 2626
    table = ucdp_acd.to_table(acd)
    assert table["war_id"].is_unique
    ru_ua = table[(table.state_a == "RU") & (table.state_b == "UA")]
    assert len(ru_ua) == 1
    row = ru_ua.iloc[0]
    assert (row["start"], row["end"], row["kind"]) == ("2022-02-24", "", "war")
    assert set(table["kind"]) <= {"war", "armed_clash"}
