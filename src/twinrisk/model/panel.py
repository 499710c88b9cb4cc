"""The likelihood's history panel: dyad-years built from the dated tie histories.

For each year Y, every tie alive on 31 December Y-1 is one row, with its features
as of that day (the shared pipeline, so a tie's own ending never feeds its own
precedent counts) and label 1 when a confirmed ending (suspended, terminated,
lapsed, blocked) falls in Y..Y+4. A date counts from the end of its period (a year
from 31 December), as everywhere in twinrisk.

A tie starts at its first signed, listed, active or contested event. A tie whose
history begins with its ending existed before it, from an unknown date: it counts
from the first panel year (``start_known`` False), because leaving it out would
drop half the recorded endings and keep the ties that were never seen ending.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from twinrisk.data.loaders import Tables
from twinrisk.features.factors.dated import period_end
from twinrisk.model.relational import likelihood_columns

FIRST_YEAR = 2005
HORIZON_YEARS = 5
ENDINGS = frozenset({"suspended", "terminated", "lapsed", "blocked"})
STARTS = frozenset({"signed", "listed", "active", "contested"})
TIE_EVENTS = "tie_events.csv"


@dataclass(frozen=True)
class TieHistory:
    """One tie's dated history: when it is known to exist, and its confirmed endings
    and resumptions (known date, calendar year), oldest first."""

    start: dt.date | None
    changes: tuple[tuple[dt.date, int, bool], ...]  # (known on, year, True = ending)

    def alive(self, day: dt.date, floor: dt.date) -> bool:
        """Known to exist on ``day`` and not ended (or resumed since)."""
        if (self.start or floor) > day:
            return False
        ended = False
        for known, _year, ending in self.changes:
            if known <= day:
                ended = ending
        return not ended

    def ends_within(self, first: int, last: int) -> bool:
        return any(ending and first <= year <= last for _known, year, ending in self.changes)


def tie_histories(tables: Tables) -> dict[str, TieHistory]:
    """Every curated tie's history from ``tie_events.csv`` (unconfirmed endings, which
    rest on a statement not naming the pair, are not endings)."""
    events = tables.extra[TIE_EVENTS]
    out: dict[str, TieHistory] = {}
    for dyad_id in tables.dyads["dyad_id"]:
        out[str(dyad_id)] = TieHistory(None, ())
    for dyad_id, group in events.groupby("dyad_id", sort=False):
        known = [period_end(d) for d in group["date"]]
        starts = [k for k, e in zip(known, group["event"], strict=True) if e in STARTS and k]
        changes = sorted(
            (k, int(str(d)[:4]), e in ENDINGS)
            for k, d, e, c in zip(
                known, group["date"], group["event"], group["confirmed"], strict=True
            )
            if k is not None and (e == "resumed" or (e in ENDINGS and _true(c)))
        )
        out[str(dyad_id)] = TieHistory(min(starts) if starts else None, tuple(changes))
    return out


def _true(value: object) -> bool:
    return value is True or str(value).strip().lower() == "true"


def last_panel_year(tables: Tables) -> int:
    """The last year whose five-year horizon ends inside the data (the latest
    tie event's year)."""
    years = tables.extra[TIE_EVENTS]["date"].astype(str).str[:4].astype(int)
    return int(years.max()) - HORIZON_YEARS + 1


def panel_frame(tables: Tables, years: tuple[int, ...] | None = None) -> pd.DataFrame:
    """Dyad-years (see module docstring): features as of 31 December Y-1 and
    ``panel_year``, ``dyad_id``, ``label``, ``start_known``, ``tie_age``."""
    from twinrisk.model.engine import build_history
    from twinrisk.model.train import curated_features

    histories = tie_histories(tables)
    years = years or tuple(range(FIRST_YEAR, last_panel_year(tables) + 1))
    floor = dt.date(FIRST_YEAR - 1, 12, 31)
    frames = []
    for year in years:
        day = dt.date(year - 1, 12, 31)
        ids = tables.dyads["dyad_id"].astype(str)
        alive = np.array([histories[i].alive(day, floor) for i in ids], dtype=bool)
        sub = tables.dyads[alive]
        if sub.empty:
            continue
        feats = curated_features(tables, sub, day).reset_index(drop=True)
        columns = {name: feats[name].to_numpy() for name in feats.columns}
        for name, values in likelihood_columns(columns, tables, build_history(tables)).items():
            feats[name] = values
        tie = [histories[i] for i in ids[alive]]
        feats["panel_year"] = year
        feats["dyad_id"] = ids[alive].to_numpy()
        feats["label"] = [int(h.ends_within(year, year + HORIZON_YEARS - 1)) for h in tie]
        feats["start_known"] = [h.start is not None for h in tie]
        feats["tie_age"] = [np.nan if h.start is None else year - 1 - h.start.year for h in tie]
        frames.append(feats)
    return pd.concat(frames, ignore_index=True)
