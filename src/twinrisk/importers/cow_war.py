"""Correlates of War Inter-State War Data v4.0 -> rows of ``features/wars.csv``.

One row per pair of states on opposite sides of a war, dated by the overlap of the
two states' participation spells (a state can have two spells). Only wars that
started in or after ``MIN_YEAR`` are kept (states of the post-1945 system); pairs
where either state has no ISO 3166-1 code (South Vietnam, Czechoslovakia, ...) are
dropped. The file is published with bare CR line endings; pandas reads it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from twinrisk.importers._state_codes import iso2

SOURCE_ID = "cow_interstate_war_v4"
MIN_YEAR = 1946
COLUMNS = ["war_id", "state_a", "state_b", "start", "end", "kind", "sources", "note"]
REQUIRED = ["WarNum", "WarName", "ccode", "StateName", "Side"] + [
    f"{p}{u}{n}" for n in (1, 2) for p in ("Start", "End") for u in ("Month", "Day", "Year")
]


def _date(year: int, month: int, day: int) -> str:
    """YYYY-MM-DD, or YYYY-MM / YYYY when COW codes the day/month as unknown (-9)."""
    if year < 0:
        return ""
    if month < 0:
        return f"{year:04d}"
    if day < 0:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def read_cow_war(path: Path | str) -> pd.DataFrame:
    """One row per state spell: war_num, war_name, ccode, state_name, side, start, end."""
    raw = pd.read_csv(path)
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise ValueError(f"{path}: not a COW inter-state war file, missing {missing}")
    rows = []
    for r in raw.itertuples(index=False):
        for n in (1, 2):
            sy = int(getattr(r, f"StartYear{n}"))
            if sy < 0:
                continue
            rows.append(
                {
                    "war_num": int(r.WarNum),
                    "war_name": str(r.WarName),
                    "ccode": int(r.ccode),
                    "state_name": str(r.StateName),
                    "side": int(r.Side),
                    "start": _date(
                        sy, int(getattr(r, f"StartMonth{n}")), int(getattr(r, f"StartDay{n}"))
                    ),
                    "end": _date(
                        int(getattr(r, f"EndYear{n}")),
                        int(getattr(r, f"EndMonth{n}")),
                        int(getattr(r, f"EndDay{n}")),
                    ),
                }
            )
    return pd.DataFrame(rows)


def _key(d: str) -> str:
    """Sort key comparing partial dates (YYYY < YYYY-MM < YYYY-MM-DD by prefix)."""
    return d


def to_table(spells: pd.DataFrame, min_year: int = MIN_YEAR) -> pd.DataFrame:
    """Pairs of opposing states with the overlap of their spells, kind ``war``."""
    spells = spells[spells["start"].str[:4].astype(int) >= min_year]
    out = []
    for (num, name), war in spells.groupby(["war_num", "war_name"], sort=True):
        one = war[war["side"] == 1]
        two = war[war["side"] == 2]
        seen: set[tuple[str, str, str]] = set()
        for a in one.itertuples(index=False):
            for b in two.itertuples(index=False):
                ia, ib = iso2(a.ccode), iso2(b.ccode)
                if ia is None or ib is None or ia == ib:
                    continue
                start = max(a.start, b.start, key=_key)
                end = min(a.end, b.end, key=_key) if a.end and b.end else (a.end or b.end)
                if end and end < start[: len(end)]:
                    continue  # spells do not overlap
                if (ia, ib, start) in seen:
                    continue
                seen.add((ia, ib, start))
                prec = (
                    ""
                    if len(start) == 10 and len(end) == 10
                    else "; a date known only to month/year"
                )
                out.append(
                    {
                        "war_id": f"cow{num}_{ia}_{ib}_{start[:4]}".lower(),
                        "state_a": ia,
                        "state_b": ib,
                        "start": start,
                        "end": end,
                        "kind": "war",
                        "sources": SOURCE_ID,
                        "note": f"COW war {num} {name}; {a.state_name} (side 1) vs"
                        f" {b.state_name} (side 2); overlap of participation spells{prec}",
                    }
                )
    df = pd.DataFrame(out, columns=COLUMNS)
    dup = df.groupby("war_id").cumcount()
    df["war_id"] = df["war_id"] + dup.map(lambda n: f"_{n + 1}" if n else "")
    return df
