"""COW MID 5.0 importer (fatal MIDs, hostility >= 4, from 1990), on ../shared."""

from __future__ import annotations

from pathlib import Path

from conftest import missing_part
from twinrisk.importers import cow_mid

REF = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "cow_mid_5.0"


def test_cow_mid_fatal_disputes() -> None:
    a, b = REF / "MIDA 5.0.csv", REF / "MIDB 5.0.csv"
    if not (a.exists() and b.exists()):
        missing_part(f"{REF}")
    mid = cow_mid.read_cow_mid(a, b)
    table = cow_mid.to_table(mid)
    assert len(table) > 100
    assert table["war_id"].is_unique
    assert (table["start"].str[:4].astype(int) >= 1990).all()
    assert set(table["kind"]) <= {"war", "armed_clash"}
    assert not (table["state_a"] == table["state_b"]).any()
