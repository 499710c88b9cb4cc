"""Bank of Canada–Bank of England Sovereign Default Database -> dated default spans.

Reads the database as the Bank of Canada publishes it: the Valet-style CSV export
(blocks "TERMS AND CONDITIONS", "NAME", "DESCRIPTION", "LINK", "SERIES",
"OBSERVATIONS"), either as the ``.csv`` file or as the sheet of that name inside the
published workbook (``BoC-BoE-Database-2024.xlsx``, sheet ``Data_2024.csv``). A
plain CSV holding only the OBSERVATIONS table (header starting ``k,DEBT_COUNTRY``)
is read as well.

The observations are annual stocks of sovereign debt in default (US$ millions) per
country and creditor category. ``to_table`` turns them into one row per run of
consecutive years with a positive amount (or the Bank's ``****`` marker, which the
workbook puts where a category is in default but no amount is given) per country
and creditor category: ``country,start,end,creditor,kind,sources,note``. A run that
reaches the last year of the data is left open (``end`` blank).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pycountry

from twinrisk.importers import ImportFormatError

HEADER = ["country", "start", "end", "creditor", "kind", "sources", "note"]
SOURCE_IDS = "boc_boe_sovdef_2024;boc_tr124_2023"

#: the Bank's creditor-category columns -> (creditor label in the table, kind)
CATEGORIES: dict[str, tuple[str, str]] = {
    "TOTAL": ("all", "default"),
    "IMF": ("imf", "default"),
    "IBRD": ("ibrd", "default"),
    "IDA": ("ida", "default"),
    "IADB": ("iadb", "default"),
    "PARIS_CLUB": ("paris_club", "default"),
    "CHINA": ("china", "default"),
    "OTHER_OFFICIAL_CREDITORS": ("other_official", "default"),
    "PRIVATE_CREDITORS": ("other_private", "default"),
    "FC_BANK_LOANS": ("bank_loans", "default"),
    "FC_BONDS": ("bonds", "default"),
    "LC_DEBT": ("local_currency_debt", "default"),
    "FISCAL_ARREARS": ("domestic_arrears", "arrears"),
}

#: the Bank's own country codes that are not ISO 3166-1 alpha-3
NONSTANDARD_ISO3 = {"ANG": "AI", "ARU": "AW", "LIT": "LT", "MHI": "MH", "KOS": "XK"}
#: entries with no current ISO 3166-1 code (dissolved states, aggregates): skipped
NO_ISO2 = {"WORLD", "CSK", "YUG", "ANT"}

MARKER = "****"
_COL = re.compile(r"^DEBT_(.+)_(\d{4})$")


def _rows_from_workbook(path: Path) -> list[list[str]]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        names = [n for n in wb.sheetnames if n.lower().endswith(".csv")]
        if not names:
            raise ImportFormatError(path, 1, "a sheet named like 'Data_2024.csv' (Valet export)")
        ws = wb[names[0]]
        return [
            ["" if c is None else str(c) for c in row] for row in ws.iter_rows(values_only=True)
        ]
    finally:
        wb.close()


def _rows_from_csv(path: Path) -> list[list[str]]:
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    return list(csv.reader(io.StringIO(text)))


def read_boc_boe(path: Path) -> pd.DataFrame:
    """The OBSERVATIONS table as text: columns ``k``, ``DEBT_COUNTRY``, ``DEBT_YEAR`` …"""
    path = Path(path)
    rows = _rows_from_workbook(path) if path.suffix.lower() == ".xlsx" else _rows_from_csv(path)
    start = None
    for i, row in enumerate(rows):
        first = row[0].strip() if row else ""
        if first == "OBSERVATIONS":
            start = i + 1
            break
        if first == "k" and len(row) > 1 and row[1].strip() == "DEBT_COUNTRY":
            start = i
            break
    if start is None or start >= len(rows):
        raise ImportFormatError(path, 1, "an OBSERVATIONS block with header 'k,DEBT_COUNTRY,…'")
    header = [h.strip() for h in rows[start]]
    width = len(header)
    while width and not header[width - 1]:
        width -= 1
    header = header[:width]
    for col in ("k", "DEBT_COUNTRY", "DEBT_YEAR"):
        if col not in header:
            raise ImportFormatError(path, start + 1, f"column {col!r} in the observations header")
    body = []
    for row in rows[start + 1 :]:
        if not any(c.strip() for c in row):
            continue
        body.append((row + [""] * width)[:width])
    frame = pd.DataFrame(body, columns=header, dtype=str)
    years = pd.to_numeric(frame["DEBT_YEAR"], errors="coerce")
    if years.isna().any():
        bad = int(years.isna().to_numpy().argmax())
        raise ImportFormatError(path, start + 2 + bad, "a year in DEBT_YEAR")
    frame["DEBT_YEAR"] = years.astype(int)
    return frame


def _iso2(code: str) -> str | None:
    code = code.strip().upper()
    if code in NO_ISO2:
        return None
    if code in NONSTANDARD_ISO3:
        return NONSTANDARD_ISO3[code]
    c = pycountry.countries.get(alpha_3=code)
    return str(c.alpha_2) if c else None


def _category_columns(columns: list[str]) -> dict[str, str]:
    """Map category key -> column name (the total is headed ``DEBT_TOTAL_2023`` in 2024)."""
    out: dict[str, str] = {}
    for col in columns:
        m = _COL.match(col)
        if m and m.group(1) in CATEGORIES and m.group(1) not in out:
            out[m.group(1)] = col
    return out


def _cell(value: object) -> tuple[bool, float | None]:
    """(in default?, amount) for one cell: a positive number, or the ``****`` marker."""
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    text = text.strip()
    if not text:
        return False, None
    if set(text) == {"*"}:
        return True, None
    try:
        amount = float(text.replace(",", ""))
    except ValueError:
        return False, None
    return amount > 0, amount if amount > 0 else None


def to_table(frame: pd.DataFrame, countries: set[str] | None = None) -> pd.DataFrame:
    """One row per (country, creditor category, run of consecutive years in default).

    ``countries``: keep only these ISO2 codes (None = every country the Bank lists).
    """
    cols = _category_columns(list(frame.columns))
    last_year = int(frame["DEBT_YEAR"].max())
    codes = frame["k"].astype(str).str.split("_").str[0]
    out: list[dict[str, object]] = []
    for code, group in frame.groupby(codes, sort=True):
        iso2 = _iso2(str(code))
        if iso2 is None or (countries is not None and iso2 not in countries):
            continue
        name = str(group["DEBT_COUNTRY"].iloc[0]).strip()
        group = group.sort_values("DEBT_YEAR")
        for key, (creditor, kind) in CATEGORIES.items():
            col = cols.get(key)
            if col is None:
                continue
            years: list[tuple[int, float | None]] = []
            for year, value in zip(group["DEBT_YEAR"], group[col], strict=True):
                flag, amount = _cell(value)
                if flag:
                    years.append((int(year), amount))
            runs: list[list[tuple[int, float | None]]] = []
            for year, amount in years:
                if runs and year == runs[-1][-1][0] + 1:
                    runs[-1].append((year, amount))
                else:
                    runs.append([(year, amount)])
            for run in runs:
                first, last = run[0][0], run[-1][0]
                amounts = [(a, y) for y, a in run if a is not None]
                markers = [y for y, a in run if a is None]
                parts = [f"BoC-BoE 2024: {name}, {creditor} debt in default {first}-{last}"]
                if amounts:
                    peak, peak_year = max(amounts)
                    parts.append(f"peak US${peak:,.1f}m ({peak_year})")
                if markers:
                    parts.append(f"amount not given ('****') in {len(markers)} year(s)")
                if last == last_year:
                    parts.append(f"still in default in {last_year}, the last year of the data")
                parts.append("year precision (annual stocks)")
                out.append(
                    {
                        "country": iso2,
                        "start": str(first),
                        "end": "" if last == last_year else str(last),
                        "creditor": creditor,
                        "kind": kind,
                        "sources": SOURCE_IDS,
                        "note": "; ".join(parts),
                    }
                )
    return pd.DataFrame(out, columns=HEADER)
