"""AidData Global Chinese Development Finance (GCDF 3.0) -> commitment totals.

Reads the project-level CSV (columns "Recipient ISO-3", "Commitment Year",
"Amount (Constant USD 2021)", "Recommended For Aggregates"; an optional admin-1
column "ADM1 Name" from the geocoded release) and writes per-country (and, when
present, per-admin-1) totals of committed amounts and project counts by year.
Only rows recommended for aggregates count, as AidData advises. AidData's
country-totals file (country_name, iso3c, total_commitments_bn) is read too.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pycountry

from twinrisk.importers import ImportFormatError, write_csv, write_sources

HEADER = ["country", "admin1", "year", "commitments_usd_bn", "projects", "sources"]
SOURCE_ID = "aiddata_gcdf3"
PROJECT_COLS = [
    "Recipient ISO-3",
    "Commitment Year",
    "Amount (Constant USD 2021)",
    "Recommended For Aggregates",
]
TOTALS_COLS = ["iso3c", "total_commitments_bn"]


def _iso2(iso3: str) -> str | None:
    c = pycountry.countries.get(alpha_3=iso3.strip().upper())
    return str(c.alpha_2) if c else None


def read(path: Path) -> list[list[object]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        if all(c in header for c in TOTALS_COLS):
            out: list[list[object]] = []
            for rec in reader:
                try:
                    v = float(rec["total_commitments_bn"])
                except (TypeError, ValueError):
                    raise ImportFormatError(
                        path, reader.line_num, "a number in total_commitments_bn"
                    ) from None
                cc = _iso2(rec["iso3c"] or "")
                if cc:
                    out.append([cc, "", "", round(v, 4), "", SOURCE_ID])
            return out
        missing = [c for c in PROJECT_COLS if c not in header]
        if missing:
            raise ImportFormatError(path, 1, f"GCDF project-level columns {missing}")
        adm1 = "ADM1 Name" if "ADM1 Name" in header else None
        sums: dict[tuple[str, str, int], list[float]] = defaultdict(lambda: [0.0, 0])
        for rec in reader:
            line = reader.line_num
            if None in rec or any(rec[c] is None for c in PROJECT_COLS):
                raise ImportFormatError(path, line, f"{len(header)} fields")
            if rec["Recommended For Aggregates"].strip().lower() != "yes":
                continue
            try:
                year = int(float(rec["Commitment Year"]))
                amount = float(rec["Amount (Constant USD 2021)"] or 0)
            except ValueError:
                raise ImportFormatError(
                    path,
                    line,
                    "an integer Commitment Year and a numeric Amount (Constant USD 2021)",
                ) from None
            cc = _iso2(rec["Recipient ISO-3"])
            if cc is None:
                continue
            keys = [(cc, "", year)]
            if adm1 and (rec[adm1] or "").strip():
                keys += [(cc, a.strip(), year) for a in rec[adm1].split("|") if a.strip()]
            for k in keys:
                sums[k][0] += amount
                sums[k][1] += 1
    return [
        [cc, a1, year, round(v / 1e9, 6), int(n), SOURCE_ID]
        for (cc, a1, year), (v, n) in sorted(sums.items())
    ]


def run(path: Path, out: Path) -> str:
    rows = read(path)
    n = write_csv(out, HEADER, rows)
    write_sources(
        out,
        [
            [
                SOURCE_ID,
                "Global Chinese Development Finance Dataset, Version 3.0",
                "AidData at William & Mary",
                2023,
                "https://www.aiddata.org/data/aiddatas-global-chinese-development-finance-dataset-version-3-0",
                "CC BY 4.0",
                f"imported from {path.name}",
            ]
        ],
    )
    return f"wrote {n} commitment rows to {out}"
