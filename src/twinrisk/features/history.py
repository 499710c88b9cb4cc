"""The curated history in the shape the features need: ended dyads keyed by place
ids and country pairs, and bilateral events keyed by country pair.

Built once per data version. Year-only facts are taken as known from 31 December
of their year, so a feature "as of" a date never sees an ending reported later
that year (no look-ahead in backtests).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from twinrisk.data.codes import ENDED_STATUSES
from twinrisk.data.loaders import Tables


def pair_key(a: Any, b: Any) -> np.ndarray:
    """An order-free key for two columns of ids (or country codes)."""
    x = np.asarray(a, dtype=object).astype(str).astype(object)
    y = np.asarray(b, dtype=object).astype(str).astype(object)
    first = x <= y
    keys: np.ndarray = np.where(first, x + "|" + y, y + "|" + x).astype(object)
    return keys


def cutoff_year(as_of_days: np.ndarray) -> np.ndarray:
    """Last calendar year whose year-only facts are known on each date (days since
    the epoch): a year counts as known only from its 31 December."""
    days = np.asarray(as_of_days, dtype="datetime64[D]")
    year = days.astype("datetime64[Y]")
    year_end = days == (year + 1).astype("datetime64[D]") - 1
    cutoff: np.ndarray = year.astype(np.int64) + 1970 - 1 + year_end.astype(np.int64)
    return cutoff


def curated_place_id(name: str, country: str) -> str:
    """Fallback id for a curated place the gazetteer cannot resolve."""
    return f"cur:{country}:{name.strip().casefold()}"


#: reasons of an ending that make it coercion or reprisal by the side that cut it
COERCIVE_REASONS = ("retaliation", "diplomatic_pressure", "political_clause")


@dataclass(frozen=True)
class EndedGroup:
    """Ended dyads sharing a key, oldest first, as arrays."""

    years: np.ndarray  # int64, ascending
    pairs: np.ndarray  # place-pair keys
    labels: np.ndarray  # "Local–Partner (year)"
    ids: np.ndarray  # dyad ids


@dataclass(frozen=True)
class EventGroup:
    """Events between one pair of states, oldest first, as arrays."""

    days: np.ndarray  # int64 days since the epoch, ascending
    severity: np.ndarray  # float
    hard: np.ndarray  # bool: sanctions or war
    labels: np.ndarray  # "title (YYYY-MM-DD)"
    sources: np.ndarray


def _ended_groups(frame: pd.DataFrame, key: str) -> dict[str, EndedGroup]:
    out = {}
    ordered = frame.sort_values(["ended_year", "dyad_id"], kind="stable")
    labels = (
        ordered["local_place"]
        + "–"
        + ordered["partner_place"]
        + " ("
        + ordered["ended_year"].astype(str)
        + ")"
    )
    ordered = ordered.assign(_label=labels)
    for value, group in ordered.groupby(key, sort=False):
        out[str(value)] = EndedGroup(
            years=group["ended_year"].to_numpy(dtype=np.int64),
            pairs=group["pair"].to_numpy(dtype=object),
            labels=group["_label"].to_numpy(dtype=object),
            ids=group["dyad_id"].to_numpy(dtype=object),
        )
    return out


@dataclass(frozen=True)
class History:
    """Ended dyads and events with place ids attached, indexed for lookups by key.

    The indexes make a feature for one dyad a few array look-ups, and a batch one
    look-up per distinct key, with the same code.
    """

    dyads: pd.DataFrame  # every curated dyad with local_id, partner_id, pair, cpair
    ended: pd.DataFrame  # the ended ones
    ended_pairs: frozenset[str]  # place-pair keys of ended dyads (for leave-self-out)
    by_cpair: dict[str, EndedGroup]  # ended dyads by pair of states
    by_place: dict[str, EndedGroup]  # ended dyads by either place
    by_cutting_state: dict[str, EndedGroup]  # ended dyads by the state whose side cut them
    events: dict[str, EventGroup]  # events by pair of states

    @classmethod
    def build(cls, tables: Tables, place_id: Callable[[str, str], str]) -> History:
        dyads = tables.dyads.copy()
        dyads["local_id"] = [
            place_id(n, c)
            for n, c in zip(dyads["local_place"], dyads["local_country"], strict=True)
        ]
        dyads["partner_id"] = [
            place_id(n, c)
            for n, c in zip(dyads["partner_place"], dyads["partner_country"], strict=True)
        ]
        dyads["pair"] = pair_key(dyads["local_id"], dyads["partner_id"])
        dyads["cpair"] = pair_key(dyads["local_country"], dyads["partner_country"])
        ended = dyads[dyads["status"].isin(ENDED_STATUSES)].copy()
        ended["ended_year"] = ended["ended_year"].astype("int64")
        by_place = pd.concat(
            [ended.assign(place=ended[f"{side}_id"]) for side in ("local", "partner")],
            ignore_index=True,
        )
        # ties a state's side cut as coercion or reprisal (a city ending a tie over a
        # war or a lapse is no record of reprisal): as the partner side or the local side
        coercive = ended[ended["reason_code"].isin(COERCIVE_REASONS)]
        cut = pd.concat(
            [
                coercive[coercive["ended_by"].isin(["partner", "both"])].assign(
                    state=lambda d: d["partner_country"]
                ),
                coercive[coercive["ended_by"].isin(["local", "both"])].assign(
                    state=lambda d: d["local_country"]
                ),
            ],
            ignore_index=True,
        )
        ev = tables.events.copy()
        ev["cpair"] = pair_key(ev["country_a"], ev["country_b"])
        ev["date"] = pd.to_datetime(ev["date"])
        ev = ev.sort_values(["date", "event_id"], kind="stable")
        events = {}
        for cpair, g in ev.groupby("cpair", sort=False):
            events[str(cpair)] = EventGroup(
                days=(g["date"].to_numpy(dtype="datetime64[D]").astype(np.int64)),
                severity=g["severity"].to_numpy(dtype=float),
                hard=g["kind"].isin(["sanctions", "war"]).to_numpy(dtype=bool),
                labels=(g["title"] + " (" + g["date"].dt.strftime("%Y-%m-%d") + ")").to_numpy(
                    dtype=object
                ),
                sources=g["sources"].to_numpy(dtype=object),
            )
        return cls(
            dyads=dyads,
            ended=ended,
            ended_pairs=frozenset(ended["pair"]),
            by_cpair=_ended_groups(ended, "cpair"),
            by_place=_ended_groups(by_place, "place"),
            by_cutting_state=_ended_groups(cut.drop_duplicates("dyad_id"), "state"),
            events=events,
        )

    @cached_property
    def ended_columns(self) -> dict[str, np.ndarray]:
        """The ended dyads as one array per column, for per-proposal look-ups that
        should not pay for a DataFrame."""
        out = {}
        for name, values in self.ended.items():
            if name == "ended_year":
                out[name] = values.to_numpy(dtype=np.int64)
            else:  # missing values as None: equal to themselves, and JSON null
                out[name] = values.astype(object).where(values.notna(), None).to_numpy(object)
        return out

    def endings(
        self,
        index: dict[str, EndedGroup],
        keys: np.ndarray,
        cutoffs: np.ndarray,
        pairs: np.ndarray,
        limit: int = 2,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per row: how many ended dyads share its key and were known by its cut-off
        year, leaving out the row's own dyad; plus up to ``limit`` of the most recent
        as labels and as dyad ids. Computed once per distinct (key, cut-off, own pair)."""
        own = np.array([p if p in self.ended_pairs else "" for p in pairs.tolist()], dtype=object)
        codes, uniques = distinct(keys, cutoffs, own)
        counts = np.zeros(len(uniques), dtype=np.int64)
        labels = np.full(len(uniques), "", dtype=object)
        ids = np.full(len(uniques), "", dtype=object)
        for i, (key, cutoff, pair) in enumerate(uniques):
            group = index.get(key)
            if group is None:
                continue
            n = int(np.searchsorted(group.years, cutoff, side="right"))
            keep = group.pairs[:n] != pair
            counts[i] = int(keep.sum())
            recent = np.flatnonzero(keep)[::-1][:limit]
            labels[i] = "; ".join(group.labels[recent])
            ids[i] = ";".join(group.ids[recent])
        return counts[codes], labels[codes], ids[codes]


def distinct(*columns: np.ndarray) -> tuple[np.ndarray, list[tuple[Any, ...]]]:
    """Codes of each row's tuple of values, and the distinct tuples (hashable values,
    no missing ones). Hashing runs in pandas' C code, so 100,000 rows cost milliseconds;
    a handful of rows (one proposal) take a plain dict, which costs microseconds."""
    if len(columns[0]) <= 16:
        seen: dict[tuple[Any, ...], int] = {}
        keys = zip(*(list(c) for c in columns), strict=True)
        rows = [seen.setdefault(key, len(seen)) for key in keys]
        return np.array(rows, dtype=np.int64), list(seen)
    combined = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        codes, uniques = pd.factorize(column)
        combined = combined * (len(uniques) + 1) + codes
    _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
    return inverse.reshape(-1), list(zip(*(list(c[first]) for c in columns), strict=True))
