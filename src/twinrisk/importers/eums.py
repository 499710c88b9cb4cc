"""EUMS database (Fjelstul), ``member_states_raw.csv`` -> EU rows of ``features/memberships.csv``.

One row per member state (EU-28 incl. the United Kingdom): ``joined`` =
``accession_date`` (founders carry the ECSC date 1952-07-23), ``left`` =
``exit_date`` (United Kingdom 2020-01-31). EU law (and so an EU sanctions regime)
binds a state from ``joined`` up to and including ``left``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

SOURCE_ID = "eums_fjelstul_2021"
COLUMNS = ["country", "body", "joined", "left", "sources", "note"]
REQUIRED = ["member_state", "iso_alpha_2_code", "accession_date", "exit_date"]
FOUNDING = "1952-07-23"


def read_eums(path: Path | str) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise ValueError(f"{path}: not the EUMS member_states file, missing {missing}")
    out = raw[REQUIRED].copy()
    for col in ("accession_date", "exit_date"):
        out[col] = out[col].replace("NA", "")  # R's missing value in the raw file
    return out


def to_table(eums: pd.DataFrame, extra_sources: str = "") -> pd.DataFrame:
    src = SOURCE_ID + (f";{extra_sources}" if extra_sources else "")
    rows = []
    for r in eums.itertuples(index=False):
        note = f"{r.member_state}"
        if r.accession_date == FOUNDING:
            note += "; founder, dated from the ECSC (1952-07-23) as in EUMS"
        if r.exit_date:
            note += f"; withdrew {r.exit_date}"
        rows.append(
            {
                "country": r.iso_alpha_2_code,
                "body": "EU",
                "joined": r.accession_date,
                "left": r.exit_date,
                "sources": src,
                "note": note,
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)
