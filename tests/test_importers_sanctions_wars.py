"""Compiled sanctions/NATO/wars table -> features rows; and the built tables' contract."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from conftest import missing_part
from twinrisk.importers import sanctions_wars

ROOT = Path(__file__).resolve().parents[1]
FILE = ROOT.parent / "shared" / "reference" / "compiled" / "sanctions_wars.csv"
DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def test_compiled_rows_split_by_kind() -> None:
    if not FILE.exists():
        missing_part(f"{FILE}")
    t = sanctions_wars.to_tables(sanctions_wars.read_sanctions_wars(FILE))
    assert len(t["sanctions"]) == 76 and len(t["memberships"]) == 32 and len(t["wars"]) == 14
    assert "GB" not in set(t["sanctions"]["imposer"])  # written UK
    crimea = t["wars"][(t["wars"].start == "2014-02-27")].iloc[0]
    assert crimea["kind"] == "occupation" and crimea["end"] == ""
    assert t["sources"]["source_id"].is_unique


def test_built_tables_contract() -> None:
    feats = ROOT / "features"
    ids = set(pd.read_csv(feats / "sources.csv", dtype=str)["source_id"])
    iso = set(pd.read_csv(feats / "countries.csv", dtype=str, keep_default_na=False)["iso2"])
    specs = {
        "sanctions_regimes.csv": (["target"], ["start", "end"]),
        "memberships.csv": (["country"], ["joined", "left"]),
        "wars.csv": (["state_a", "state_b"], ["start", "end"]),
        "country_indicators.csv": (["country"], []),
    }
    for name, (codes, dates) in specs.items():
        df = pd.read_csv(feats / name, dtype=str, keep_default_na=False)
        for cell in df["sources"]:
            assert cell and set(cell.split(";")) <= ids, (name, cell)
        for c in codes:
            assert set(df[c]) - iso <= {"EU"}, (name, c)
        for c in dates:
            assert all(not v or DATE.fullmatch(v) for v in df[c]), (name, c)
    s = pd.read_csv(feats / "sanctions_regimes.csv", dtype=str, keep_default_na=False)
    assert set(s["imposer"]) <= {"EU", "UN", "US", "UK", "CA", "AU", "JP", "CH", "NZ", "CN"}
    assert s["regime_id"].is_unique
