"""Correlates of War Militarized Interstate Disputes v5.0 -> rows of ``features/wars.csv``.

Keeps only disputes that started in or after ``MIN_YEAR`` with hostility level >= 4
(use of force; 5 = war) and at least one fatality (``fatality`` >= 1), to keep the
table small. One row per pair of participants on opposite sides (``sidea`` 1 vs 0),
dated by the overlap of their participation (MIDB); -9 days/months give YYYY-MM/YYYY.
``kind`` is ``war`` for hostility level 5, else ``armed_clash``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from twinrisk.importers._state_codes import iso2
from twinrisk.importers.cow_war import _date

SOURCE_ID = "cow_mid_5"
MIN_YEAR = 1990
COLUMNS = ["war_id", "state_a", "state_b", "start", "end", "kind", "sources", "note"]
REQ_A = ["dispnum", "styear", "fatality", "hostlev", "ongo2014"]
REQ_B = [
    "dispnum",
    "ccode",
    "stabb",
    "stday",
    "stmon",
    "styear",
    "endday",
    "endmon",
    "endyear",
    "sidea",
]


def read_cow_mid(mida: Path | str, midb: Path | str) -> pd.DataFrame:
    """Participant rows (MIDB) joined with their dispute (MIDA) fields."""
    a = pd.read_csv(mida)
    b = pd.read_csv(midb)
    for df, req, p in ((a, REQ_A, mida), (b, REQ_B, midb)):
        missing = [c for c in req if c not in df.columns]
        if missing:
            raise ValueError(f"{p}: not a MID 5.0 file, missing {missing}")
    a = a[REQ_A].rename(
        columns={
            "styear": "dispute_styear",
            "fatality": "dispute_fatality",
            "hostlev": "dispute_hostlev",
        }
    )
    return b.merge(a, on="dispnum", how="inner")


def to_table(mid: pd.DataFrame, min_year: int = MIN_YEAR) -> pd.DataFrame:
    keep = mid[
        (mid["dispute_styear"] >= min_year)
        & (mid["dispute_hostlev"] >= 4)
        & (mid["dispute_fatality"] >= 1)
    ]
    out = []
    for num, d in keep.groupby("dispnum", sort=True):
        hostlev = int(d["dispute_hostlev"].iloc[0])
        ongoing = int(d["ongo2014"].iloc[0]) == 1
        side_a = d[d["sidea"] == 1]
        side_b = d[d["sidea"] == 0]
        for pa in side_a.itertuples(index=False):
            for pb in side_b.itertuples(index=False):
                ia, ib = iso2(pa.ccode), iso2(pb.ccode)
                if ia is None or ib is None or ia == ib:
                    continue
                sa, sb = _date(pa.styear, pa.stmon, pa.stday), _date(pb.styear, pb.stmon, pb.stday)
                ea, eb = (
                    _date(pa.endyear, pa.endmon, pa.endday),
                    _date(pb.endyear, pb.endmon, pb.endday),
                )
                start, end = max(sa, sb), min(ea, eb)
                if end < start[: len(end)]:
                    continue
                note = f"COW MID {num}, hostility level {hostlev}, fatal; {pa.stabb} vs {pb.stabb}"
                if ongoing:
                    note += "; dispute ongoing at end of 2014 (end = last coded date)"
                if len(start) < 10 or len(end) < 10:
                    note += "; a date known only to month/year"
                out.append(
                    {
                        "war_id": f"mid{num}_{ia}_{ib}".lower(),
                        "state_a": ia,
                        "state_b": ib,
                        "start": start,
                        "end": end,
                        "kind": "war" if hostlev == 5 else "armed_clash",
                        "sources": SOURCE_ID,
                        "note": note,
                    }
                )
    df = pd.DataFrame(out, columns=COLUMNS)
    return df.drop_duplicates(subset=["war_id"], keep="first")
