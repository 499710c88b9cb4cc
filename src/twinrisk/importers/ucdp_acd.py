"""UCDP/PRIO Armed Conflict Dataset (v23.1 CSV) -> rows of ``features/wars.csv``.

Keeps interstate conflicts (``type_of_conflict`` 2). One row per conflict episode
and pair of primary/secondary states on opposite sides (``gwno_a``/``gwno_a_2nd``
vs ``gwno_b``/``gwno_b_2nd``, comma-separated GW numbers; at least one of the two a
primary party). ``start`` is the episode
start (``start_date2``), ``end`` the episode end (``ep_end_date``) or blank when the
episode is still active in the last year of the file. ``kind`` is ``war`` when any
year of the episode reached 1,000 battle deaths (intensity 2), else ``armed_clash``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from twinrisk.importers._state_codes import iso2

SOURCE_ID = "ucdp_prio_acd_231"
COLUMNS = ["war_id", "state_a", "state_b", "start", "end", "kind", "sources", "note"]
REQUIRED = [
    "conflict_id", "location", "side_a", "side_b", "year", "intensity_level",
    "type_of_conflict", "start_date2", "ep_end", "ep_end_date",
    "gwno_a", "gwno_a_2nd", "gwno_b", "gwno_b_2nd",
]  # fmt: skip


def read_ucdp_acd(path: Path | str) -> pd.DataFrame:
    """The conflict-year rows, as strings (empty = missing)."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise ValueError(f"{path}: not a UCDP/PRIO ACD file, missing {missing}")
    return raw


def _codes(*cells: str) -> list[int]:
    return [int(x) for cell in cells for x in cell.split(",") if x.strip()]


def to_table(acd: pd.DataFrame) -> pd.DataFrame:
    inter = acd[acd["type_of_conflict"] == "2"]
    last_year = acd["year"].astype(int).max()
    out = []
    for (cid, start), ep in inter.groupby(["conflict_id", "start_date2"], sort=True):
        ended = ep[ep["ep_end"] == "1"]
        end = ended["ep_end_date"].iloc[-1] if len(ended) else ""
        years = ep["year"].astype(int)
        if not end and years.max() < last_year:
            end = ""  # inactive without a coded end: leave unknown
        kind = "war" if (ep["intensity_level"] == "2").any() else "armed_clash"
        first = ep.iloc[0]
        prim = set(_codes(*ep["gwno_a"], *ep["gwno_b"]))
        side_a = set(_codes(*ep["gwno_a"], *ep["gwno_a_2nd"]))
        side_b = set(_codes(*ep["gwno_b"], *ep["gwno_b_2nd"]))
        seen: set[tuple[str, str]] = set()
        for ca in sorted(side_a):
            for cb in sorted(side_b):
                if ca not in prim and cb not in prim:
                    continue  # two secondary supporters: not a direct pair
                ia, ib = iso2(ca), iso2(cb)
                if ia is None or ib is None or ia == ib or (ia, ib) in seen:
                    continue
                seen.add((ia, ib))
                status = (
                    f"active in {last_year} (last year of v23.1)"
                    if not end and years.max() == last_year
                    else ""
                )
                out.append(
                    {
                        "war_id": f"ucdp{cid}_{ia}_{ib}_{start[:4]}".lower(),
                        "state_a": ia,
                        "state_b": ib,
                        "start": start,
                        "end": end,
                        "kind": kind,
                        "sources": SOURCE_ID,
                        "note": f"UCDP conflict {cid} ({first['location']}: {first['side_a']} vs"
                        f" {first['side_b']}), episode years {years.min()}-{years.max()}"
                        + (f"; {status}" if status else ""),
                    }
                )
    return pd.DataFrame(out, columns=COLUMNS)
