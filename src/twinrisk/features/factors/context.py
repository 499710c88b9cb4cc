"""What every factor's computation may read: the rows being scored, the tables and
the history, and intermediate results several factors share (computed once, on
first use).

Everything is computed on the distinct keys of the rows (country pairs, places,
cut-off years) and mapped back, so a batch of 100,000 dyads costs little more than
a batch of its distinct pairs. Plain numpy arrays rather than a DataFrame: one
proposal costs microseconds per column instead of pandas' fixed cost per operation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from functools import cached_property, lru_cache
from typing import Any

import numpy as np
import pandas as pd

from twinrisk.data.loaders import Tables
from twinrisk.features.factors.dated import democracy, measures_between, shared_alliances
from twinrisk.features.history import History, cutoff_year, distinct, pair_key

#: regimes and wars named in a sentence (the most recent first)
MEASURES_SHOWN = 3

#: (debtor, creditor, metric) -> years ascending, values, source ids
DebtIndex = dict[tuple[str, str, str], tuple[np.ndarray, ...]]
_EPOCH = dt.date(1970, 1, 1)


class Context:
    """The rows of one run (see ``features.build.feature_columns`` for ``dyads`` and
    ``facts``) and the shared work of their factors."""

    def __init__(
        self,
        dyads: Mapping[str, Any],
        tables: Tables,
        history: History,
        facts: Mapping[str, np.ndarray],
    ) -> None:
        self.dyads = dyads
        self.tables = tables
        self.history = history
        self.facts = facts
        self.lc = np.asarray(dyads["local_country"], dtype=object)
        self.pc = np.asarray(dyads["partner_country"], dtype=object)
        self.n = len(self.lc)
        self.local_id = np.asarray(dyads["local_id"], dtype=object)
        self.partner_id = np.asarray(dyads["partner_id"], dtype=object)
        self.as_of_days = np.asarray(dyads["as_of"], dtype="datetime64[D]")
        self.cutoff = cutoff_year(self.as_of_days)
        self.pair = pair_key(self.local_id, self.partner_id)
        self.cpair = pair_key(self.lc, self.pc)

    @cached_property
    def debt(self) -> DebtIndex:
        return _debt_index(self.tables)

    def latest_debt(self, metric: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Latest figure of ``metric`` owed by the local to the partner state, as of the
        cut-off: value (NaN if none), its year (0 if none) and its source ids."""
        codes, uniques = distinct(self.lc, self.pc, self.cutoff)
        value = np.full(len(uniques), np.nan)
        year = np.zeros(len(uniques), dtype=np.int64)
        src = np.full(len(uniques), "", dtype=object)
        for i, (debtor, creditor, cut) in enumerate(uniques):
            entry = self.debt.get((debtor, creditor, metric))
            if entry is None:
                continue
            k = int(np.searchsorted(entry[0], cut, side="right"))
            if k:
                year[i], value[i], src[i] = entry[0][k - 1], entry[1][k - 1], entry[2][k - 1]
        return value[codes], year[codes], src[codes]

    @cached_property
    def country(self) -> dict[str, np.ndarray]:
        """The local country's row of ``countries.csv``, one array per column read."""
        pos, columns = _country_index(self.tables)
        rows = _rows_of(self.lc, pos)
        return {name: values[rows] for name, values in columns.items()}

    @cached_property
    def local_name(self) -> np.ndarray:
        return np.asarray(self.dyads["local_name"], dtype=object)

    @cached_property
    def local_admin1(self) -> np.ndarray:
        if "local_admin1" in self.dyads:
            return np.asarray(self.dyads["local_admin1"], dtype=object)
        return np.full(self.n, "", dtype=object)

    @cached_property
    def _pair_days(self) -> tuple[np.ndarray, list[tuple[Any, ...]]]:
        """The distinct (local country, partner country, date) of the rows, once."""
        return distinct(self.lc, self.pc, self.as_of_days.astype(np.int64))

    def per_pair_day(
        self, fn: Callable[[str, str, dt.date], tuple[Any, ...]], width: int
    ) -> list[np.ndarray]:
        """``fn(local country, partner country, date)`` once per distinct triple, as
        ``width`` object arrays aligned with the rows."""
        codes, uniques = self._pair_days
        out = [np.empty(len(uniques), dtype=object) for _ in range(width)]
        for i, (lc, pc, day) in enumerate(uniques):
            values = fn(str(lc), str(pc), day_to_date(day))
            for column, value in zip(out, values, strict=True):
                column[i] = value
        return [column[codes] for column in out]

    @cached_property
    def measures(self) -> dict[str, np.ndarray]:
        """Per row: sanctions regimes and wars in force between the two states on the
        date (``dated.measures_between``), the most recent first: a flag, the first few
        labels and their sources."""
        tables = self.tables

        def in_force(lc: str, pc: str, day: dt.date) -> tuple[bool, str, str]:
            found = sorted(measures_between(tables, lc, pc, day), key=lambda s: s.start)[::-1]
            shown = found[:MEASURES_SHOWN]
            more = len(found) - len(shown)
            labels = "; ".join(s.label for s in shown) + (f"; and {more} more" if more else "")
            return bool(found), labels, ";".join(s.sources for s in shown)

        flag, labels, sources = self.per_pair_day(in_force, 3)
        return {"in_force": flag.astype(bool), "labels": labels, "sources": sources}

    @cached_property
    def partner_state(self) -> dict[str, np.ndarray]:
        """Per row: whether the partner state is a democracy (V-Dem, latest year known
        by the date), the alliances the two states share on the date, and sources."""
        tables = self.tables

        def profile(lc: str, pc: str, day: dt.date) -> tuple[object, str, str]:
            year = day.year if (day.month, day.day) == (12, 31) else day.year - 1
            rated, sources = democracy(tables, pc, year)
            return rated, ", ".join(shared_alliances(tables, lc, pc, day)), sources

        rated, allies, sources = self.per_pair_day(profile, 3)
        return {
            "democracy": np.array([r is True for r in rated], dtype=bool),
            "allies": allies,
            "sources": sources,
        }

    @cached_property
    def climate(self) -> dict[str, np.ndarray]:
        return _climate(self.history, self.cpair, self.as_of_days.astype(np.int64))

    def fact(self, name: str, default: Any, dtype: Any = object) -> np.ndarray:
        """A location fact of the local place, ``default`` where it is missing."""
        if name not in self.facts:
            return np.full(self.n, default, dtype=dtype)
        values = np.asarray(self.facts[name])
        if dtype is object and default is not None:
            values = values.astype(object)
            values[pd.isna(values)] = default
            return values
        if dtype is bool and values.dtype == object:
            values = values.copy()
            values[pd.isna(values)] = default
        return values.astype(dtype)

    @cached_property
    def curated_sources(self) -> np.ndarray:
        return self.fact("curated_sources", "")


def member_of(values: np.ndarray, wanted: frozenset[str]) -> np.ndarray:
    """``np.isin(values, wanted)`` for an object array against a set: a hash look-up per
    value, without the sort and the list ``np.isin`` builds on every call (which cost
    more than the rest of some factors for one proposal)."""
    return np.fromiter((v in wanted for v in values.tolist()), bool, len(values))


def day_to_date(day: Any) -> dt.date:
    """A day number since the epoch (``as_of`` as int64, a key of ``distinct``) as a date."""
    return _EPOCH + dt.timedelta(days=int(str(day)))


def years(values: np.ndarray) -> np.ndarray:
    """Whole years as Python ints, ``None`` where missing: hashable and equal to
    themselves, so reasons can be written once per distinct situation."""
    out = np.full(len(values), None, dtype=object)
    known = ~np.isnan(values)
    out[known] = values[known].astype(np.int64).tolist()
    return out


@lru_cache(maxsize=4)
def _debt_index(tables: Tables) -> DebtIndex:
    out: DebtIndex = {}
    ordered = tables.country_debt.sort_values("year", kind="stable")
    for (debtor, creditor, metric), g in ordered.groupby(
        ["debtor", "creditor", "metric"], sort=False
    ):
        out[(str(debtor), str(creditor), str(metric))] = (
            g["year"].to_numpy(dtype=np.int64),
            g["value"].to_numpy(dtype=float),
            g["sources"].to_numpy(dtype=object),
        )
    return out


@lru_cache(maxsize=4)
def _country_index(tables: Tables) -> tuple[dict[str, int], dict[str, np.ndarray]]:
    """Row of each country code, and the country columns the factors read; the last
    row of every column is the "not in the table" row."""
    c = tables.countries
    pos = {str(code): i for i, code in enumerate(c["iso2"].tolist())}
    cols = {
        "imf_dsa_date": c["imf_dsa_date"].to_numpy(dtype="datetime64[ns]"),
        "imf_dsa_risk": c["imf_dsa_risk"].to_numpy(dtype=object),
        "sources": c["sources"].fillna("").to_numpy(dtype=object),
        "bri_mou": c["bri_mou"].fillna("unknown").to_numpy(dtype=object),
        "bri_mou_year": c["bri_mou_year"].to_numpy(dtype=float, na_value=np.nan),
        "bri_exit_year": c["bri_exit_year"].to_numpy(dtype=float, na_value=np.nan),
    }
    missing = {
        "imf_dsa_date": np.datetime64("NaT"),
        "imf_dsa_risk": None,
        "sources": "",
        "bri_mou": "unknown",
        "bri_mou_year": np.nan,
        "bri_exit_year": np.nan,
    }
    for name, value in missing.items():
        cols[name] = np.append(cols[name], np.array([value], dtype=cols[name].dtype))
    return pos, cols


def _rows_of(keys: np.ndarray, pos: dict[str, int]) -> np.ndarray:
    """Row positions of ``keys`` in a lookup (``len(pos)`` for unknown keys), looking up
    each distinct key once."""
    codes, uniques = distinct(keys)
    rows = np.fromiter((pos.get(k, len(pos)) for (k,) in uniques), np.int64, len(uniques))
    found: np.ndarray = rows[codes]
    return found


CLIMATE_HALF_LIFE_YEARS = 3.0
SANCTIONS_WINDOW_YEARS = 10


def _climate(history: History, cpair: np.ndarray, as_of_days: np.ndarray) -> dict[str, np.ndarray]:
    """Decayed sum of event severities, the two weightiest events, and an open
    sanctions-or-war flag (not followed by a normalisation), per row."""
    codes, uniques = distinct(cpair, as_of_days)
    k = len(uniques)
    out = {
        "tension": np.zeros(k),
        "events": np.full(k, "", dtype=object),
        "sources": np.full(k, "", dtype=object),
        "open_hard": np.zeros(k, dtype=bool),
        "hard_label": np.full(k, "", dtype=object),
        "hard_sources": np.full(k, "", dtype=object),
    }
    for i, (pair, day) in enumerate(uniques):
        g = history.events.get(pair)
        if g is None:
            continue
        n = int(np.searchsorted(g.days, day, side="right"))
        if n == 0:
            continue
        age = (day - g.days[:n]) / 365.25
        weight = g.severity[:n] * 0.5 ** (age / CLIMATE_HALF_LIFE_YEARS)
        out["tension"][i] = max(float(weight.sum()), 0.0)
        top = np.lexsort((-g.days[:n], -np.abs(weight)))[:2]
        out["events"][i] = "; ".join(g.labels[top])
        out["sources"][i] = ";".join(g.sources[top])
        hard = np.flatnonzero(g.hard[:n] & (age <= SANCTIONS_WINDOW_YEARS))
        if hard.size:
            last = hard[-1]
            thaws = np.flatnonzero(g.severity[:n] <= -2)
            if not thaws.size or g.days[thaws[-1]] < g.days[last]:
                out["open_hard"][i] = True
                out["hard_label"][i] = g.labels[last]
                out["hard_sources"][i] = g.sources[last]
    return {name: values[codes] for name, values in out.items()}
