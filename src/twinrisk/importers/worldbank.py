"""World Bank International Debt Statistics -> ``country_debt`` rows.

Reads the DataBank export ("Country Name,Country Code,Counterpart-Area Name,
Counterpart-Area Code,Series Name,Series Code,2000 [YR2000],...") for the series
DT.DOD.DPPG.CD (PPG external debt stock, current US$) by creditor, and also the
ONE Campaign derivative (debtor_name, year, creditor_name, bilateral, ...). Output:
``ppg_stock_usd_bn`` rows per debtor, creditor and year, plus ``ppg_share_pct``
where an "All creditors"/"World" total is present.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pycountry

from twinrisk.importers import ImportFormatError, write_csv, write_sources

HEADER = ["debtor", "creditor", "year", "metric", "value", "sources", "note"]
SOURCE_ID = "wb_ids"
YEAR_COL = re.compile(r"^(\d{4}) \[YR\d{4}\]$")
TOTALS = {"all creditors", "world", "wld"}
ONE_COLS = ["debtor_name", "year", "creditor_name"]


def _iso2(name_or_code: str) -> str | None:
    text = name_or_code.strip()
    if text.lower() == "china":
        return "CN"
    try:
        c = pycountry.countries.lookup(text)
    except LookupError:
        return None
    return str(c.alpha_2)


def _num(text: str) -> float | None:
    t = text.strip()
    return None if t in ("", "..") else float(t)


def _databank(path: Path, header: list[str], reader: Any) -> dict[tuple[str, str, int], float]:
    needed = ["Country Code", "Series Code"]
    if any(c not in header for c in needed):
        raise ImportFormatError(path, 1, f"DataBank columns {needed}")
    years = {i: int(m.group(1)) for i, h in enumerate(header) if (m := YEAR_COL.match(h))}
    if not years:
        raise ImportFormatError(path, 1, "year columns like '2020 [YR2020]'")
    cc = header.index("Country Code")
    sc = header.index("Series Code")
    cp = header.index("Counterpart-Area Code") if "Counterpart-Area Code" in header else None
    stocks: dict[tuple[str, str, int], float] = {}
    for row in reader:
        line = reader.line_num
        if not row or not any(row):
            continue
        if len(row) < len(header):
            if row[0].startswith(("Data from database", "Last Updated")):
                continue
            raise ImportFormatError(path, line, f"{len(header)} fields, got {len(row)}")
        if row[sc] != "DT.DOD.DPPG.CD":
            continue
        debtor = _iso2(row[cc])
        creditor = "ALL" if cp is None or row[cp].strip().lower() in TOTALS else _iso2(row[cp])
        if debtor is None or creditor is None:
            continue
        for i, year in years.items():
            try:
                v = _num(row[i])
            except ValueError:
                raise ImportFormatError(path, line, f"a number or '..' in '{header[i]}'") from None
            if v is not None:
                stocks[(debtor, creditor, year)] = v
    return stocks


def _one(path: Path, header: list[str], reader: Any) -> dict[tuple[str, str, int], float]:
    parts = [h for h in header if h not in ONE_COLS]
    stocks: dict[tuple[str, str, int], float] = {}
    for row in reader:
        line = reader.line_num
        if len(row) != len(header):
            raise ImportFormatError(path, line, f"{len(header)} fields, got {len(row)}")
        rec = dict(zip(header, row, strict=True))
        try:
            year = int(rec["year"])
            total = sum(_num(rec[p]) or 0.0 for p in parts)
        except ValueError:
            raise ImportFormatError(path, line, "an integer year and numeric amounts") from None
        debtor = _iso2(rec["debtor_name"])
        cname = rec["creditor_name"].strip()
        creditor = "ALL" if cname.lower() in TOTALS else _iso2(cname)
        if debtor and creditor:
            stocks[(debtor, creditor, year)] = total
    return stocks


def read(path: Path) -> list[list[object]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None) or []
        if all(c in header for c in ONE_COLS):
            stocks = _one(path, header, reader)
        else:
            stocks = _databank(path, header, reader)
    rows: list[list[object]] = []
    for (debtor, creditor, year), v in sorted(stocks.items()):
        if creditor == "ALL" or creditor == debtor:
            continue
        rows.append([debtor, creditor, year, "ppg_stock_usd_bn", round(v / 1e9, 4), SOURCE_ID, ""])
        total = stocks.get((debtor, "ALL", year))
        if total:
            rows.append(
                [
                    debtor,
                    creditor,
                    year,
                    "ppg_share_pct",
                    round(100 * v / total, 3),
                    SOURCE_ID,
                    "share of PPG external debt stock owed to the creditor",
                ]
            )
    return rows


def run(path: Path, out: Path) -> str:
    rows = read(path)
    n = write_csv(out, HEADER, rows)
    write_sources(
        out,
        [
            [
                SOURCE_ID,
                "International Debt Statistics",
                "World Bank",
                2024,
                "https://www.worldbank.org/en/programs/debt-statistics/ids",
                "CC BY 4.0",
                f"imported from {path.name}",
            ]
        ],
    )
    return f"wrote {n} country_debt rows to {out}"
