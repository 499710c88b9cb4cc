"""COW Inter-State War v4.0 importer, run on the reference copy in ../shared."""

from __future__ import annotations

from pathlib import Path

from conftest import missing_part
from twinrisk.importers import cow_war

REF = Path(__file__).resolve().parents[1].parent / "shared" / "reference"
FILE = REF / "cow_interstate_war_v4.0" / "Inter-StateWarData_v4.0.csv"


def test_cow_war_pairs() -> None:
    if not FILE.exists():
        missing_part(f"{FILE}")
    spells = cow_war.read_cow_war(FILE)
    assert len(spells) >= 337  # one row per participation spell
    table = cow_war.to_table(spells)
    assert list(table.columns) == cow_war.COLUMNS
    assert table["war_id"].is_unique
    assert (table["start"].str[:4].astype(int) >= cow_war.MIN_YEAR).all()
    kashmir = table[
        (table.state_a == "IN") & (table.state_b == "PK") & table.start.str.startswith("1947")
    ]
    assert len(kashmir) == 1 and kashmir.iloc[0]["kind"] == "war"
    assert set(table["sources"]) == {cow_war.SOURCE_ID}
