"""BoC–BoE Sovereign Default Database importer, run on the published workbook and CSV."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import missing_part
from twinrisk.importers import ImportFormatError
from twinrisk.importers.boc_boe import HEADER, read_boc_boe, to_table

REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference"
# a git worktree elsewhere may point at the copy explicitly
REFERENCE = Path(os.environ.get("TWINRISK_REFERENCE", str(REFERENCE)))
FOLDER = REFERENCE / "boc_boe_sovereign_defaults_2024"
WORKBOOK = FOLDER / "BoC-BoE-Database-2024.xlsx"
OBSERVATIONS = FOLDER / "boc_boe_debt_in_default_2024.csv"


def _need(path: Path) -> None:
    if not path.exists():
        missing_part(f"{path} is not beside the repository")


def test_workbook_and_observation_csv_read_the_same():
    _need(WORKBOOK)
    _need(OBSERVATIONS)
    a = read_boc_boe(WORKBOOK)
    b = read_boc_boe(OBSERVATIONS)
    assert a.shape == (10688, 49)
    assert list(a.columns) == list(b.columns)
    assert (a.fillna("").to_numpy() == b.fillna("").to_numpy()).all()


def test_known_defaults_become_open_spans():
    _need(WORKBOOK)
    table = to_table(read_boc_boe(WORKBOOK))
    assert list(table.columns) == HEADER

    def span(cc: str, creditor: str, start: str) -> dict:
        rows = table[(table.country == cc) & (table.creditor == creditor)]
        rows = rows[rows.start == start]
        assert len(rows) == 1, (cc, creditor, start)
        return rows.iloc[0].to_dict()

    lk = span("LK", "bonds", "2022")
    assert lk["end"] == "" and "8,722.0" in lk["note"]
    assert span("ZM", "bonds", "2020")["end"] == ""
    assert span("GH", "bonds", "2022")["end"] == ""
    assert span("UA", "bonds", "2022")["end"] == ""
    # closed span: Sri Lanka's China arrears 1996-1997
    assert span("LK", "china", "1996")["end"] == "1997"
    assert set(table.kind) == {"default", "arrears"}
    assert (table.sources == "boc_boe_sovdef_2024;boc_tr124_2023").all()
    assert not table.duplicated(["country", "creditor", "start"]).any()


def test_country_filter_and_bad_file(tmp_path: Path):
    _need(OBSERVATIONS)
    only = to_table(read_boc_boe(OBSERVATIONS), countries={"LK"})
    assert set(only.country) == {"LK"}
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ImportFormatError):
        read_boc_boe(bad)
