"""IMF arrangement-list importer, run on an excerpt of the workbook in its own layout.

The excerpt (tests/data/imf_arrangements_excerpt.xlsx) keeps the workbook's title,
units and header rows, nine arrangement rows copied unchanged and the footer.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from twinrisk.importers import ImportFormatError
from twinrisk.importers.imf_arrangements import (
    HEADER,
    SOURCE_ID,
    iso2,
    new_rows,
    read_imf_arrangements,
    to_table,
)

EXCERPT = Path(__file__).parent / "data" / "imf_arrangements_excerpt.xlsx"


def _row(table: pd.DataFrame, country: str, approved: str, facility: str = "") -> dict[str, object]:
    rows = table[(table.country == country) & (table.approved == approved)]
    if facility:
        rows = rows[rows.facility == facility]
    assert len(rows) == 1, (country, approved, rows)
    return dict(rows.iloc[0])


def test_reads_the_arrangement_rows_and_skips_title_and_footer():
    frame = read_imf_arrangements(EXCERPT)
    assert len(frame) == 9
    assert frame["Country"].iloc[0] == "Afghanistan, I. S. of"


def test_rows_dated_with_actual_or_scheduled_ends():
    table = to_table(read_imf_arrangements(EXCERPT))
    assert list(table.columns) == HEADER
    assert (table.sources == SOURCE_ID).all()
    # FCTA (undefined in the workbook) and Czechoslovakia (no ISO code) are left out
    assert len(table) == 7
    assert "FCTA" not in set(table.facility)
    # cancelled arrangement: actual end = cancellation date
    ar = _row(table, "AR", "2000-03-10")
    assert ar["ended"] == "2003-01-23" and "cancellation" in str(ar["note"])
    assert ar["amount_sdr_m"] == "16936.8"
    # an arrangement running past the list's date: end blank, scheduled date in the note
    ke = _row(table, "KE", "2016-03-14", "SBA")
    assert ke["ended"] == "" and "2018-03-13" in str(ke["note"])
    assert "precautionary" in str(ke["note"])
    # before 1972 the list gives US$, so no SDR amount
    ec = _row(table, "EC", "1970-09-14")
    assert ec["amount_sdr_m"] == "" and "US$22m" in str(ec["note"])
    assert _row(table, "AF", "1965-06-17")["ended"] == "1966-06-16"


def test_country_filter_and_later_as_of():
    frame = read_imf_arrangements(EXCERPT)
    assert set(to_table(frame, countries={"LK", "ZM"}).country) == {"LK", "ZM"}
    lk = _row(to_table(frame, as_of=pd.Timestamp("2020-01-01")), "LK", "2016-06-03")
    assert lk["ended"] == "2019-06-02"


def test_curated_rows_win_over_imported_ones():
    table = to_table(read_imf_arrangements(EXCERPT))
    existing = pd.DataFrame(
        {"country": ["KE", "AR"], "facility": ["SBA", "SBA"], "approved": ["2016-03-14", "2000-03"]}
    )
    kept = new_rows(existing, table)
    assert len(kept) == len(table) - 2
    assert not ((kept.country == "KE") & (kept.facility == "SBA")).any()
    assert ((kept.country == "KE") & (kept.facility == "SCF")).any()


def test_imf_country_names():
    assert iso2("China, P.R. of") == "CN"
    assert iso2("Kyrgyz Republic") == "KG"
    assert iso2("Yugoslavia, FR") is None
    with pytest.raises(ImportFormatError, match="Narnia"):
        iso2("Narnia")


def test_bad_files_are_refused(tmp_path: Path):
    wb = openpyxl.Workbook()
    wb.active.append(["Country", "Year"])  # type: ignore[union-attr]
    wb.save(tmp_path / "other.xlsx")
    with pytest.raises(ImportFormatError, match="Arr. Type"):
        read_imf_arrangements(tmp_path / "other.xlsx")
    src = openpyxl.load_workbook(EXCERPT)
    ws = src.active
    assert ws is not None
    ws.cell(row=5, column=10).value = "soon"
    src.save(tmp_path / "bad_date.xlsx")
    with pytest.raises(ImportFormatError, match=r":5: .*soon"):
        read_imf_arrangements(tmp_path / "bad_date.xlsx")
    src = openpyxl.load_workbook(EXCERPT)
    ws = src.active
    assert ws is not None
    ws.cell(row=4, column=6).value = "XYZ"
    src.save(tmp_path / "bad_facility.xlsx")
    with pytest.raises(ImportFormatError, match="XYZ"):
        to_table(read_imf_arrangements(tmp_path / "bad_facility.xlsx"))
