"""EUMS member-states importer, run on the reference copy in ../shared."""

from __future__ import annotations

from pathlib import Path

from conftest import missing_part
from twinrisk.importers import eums

FILE = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "reference"
    / "eu_membership_eums"
    / "member_states_raw.csv"
)


def test_eu_members_with_uk_exit() -> None:
    if not FILE.exists():
        missing_part(f"{FILE}")
    table = eums.to_table(eums.read_eums(FILE))
    assert len(table) == 28
    uk = table[table.country == "GB"].iloc[0]
    assert (uk["joined"], uk["left"]) == ("1973-01-01", "2020-01-31")
    assert (table[table.country != "GB"]["left"] == "").all()
    assert table[table.country == "HR"].iloc[0]["joined"] == "2013-07-01"
