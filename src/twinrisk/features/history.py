"""The curated history in the shape the features need: ended dyads keyed by place
ids and country pairs, and bilateral events keyed by country pair.

Built once per data version. Year-only facts are taken as known from 31 December
of their year, so a feature "as of" a date never sees an ending reported later
that year (no look-ahead in backtests).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from twinrisk.data.loaders import Tables
from twinrisk.data.codes import ENDED_STATUSES


def pair_key(a: pd.Series, b: pd.Series) -> pd.Series:
    """An order-free key for two columns of ids (or country codes)."""
    a = a.astype(str)
    b = b.astype(str)
    lo = a.where(a <= b, b)
    hi = b.where(a <= b, a)
    return lo + "|" + hi


def cutoff_year(as_of: pd.Series) -> pd.Series:
    """Last calendar year whose year-only facts are known on ``as_of``."""
    dates = pd.to_datetime(as_of)
    year_end = (dates.dt.month == 12) & (dates.dt.day == 31)
    return (dates.dt.year - 1 + year_end.astype(int)).astype("int64")


def curated_place_id(name: str, country: str) -> str:
    """Fallback id for a curated place the gazetteer cannot resolve."""
    return f"cur:{country}:{name.strip().casefold()}"


@dataclass(frozen=True)
class History:
    """Ended dyads and events, with place ids attached."""

    dyads: pd.DataFrame  # every curated dyad with local_id, partner_id, pair, cpair
    ended: pd.DataFrame  # the ended ones
    ended_by_place: pd.DataFrame  # ended dyads exploded to one row per place (place_id)
    events: pd.DataFrame  # events with cpair

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
        # which state's side ended the tie (for retaliation records)
        by_partner = ended["ended_by"].isin(["partner", "both"])
        by_local = ended["ended_by"].isin(["local", "both"])
        ended["partner_side_ended"] = by_partner
        ended["local_side_ended"] = by_local
        sides = []
        for side in ("local", "partner"):
            part = ended[
                ["dyad_id", "pair", "ended_year", "local_place", "partner_place", f"{side}_id"]
            ].rename(columns={f"{side}_id": "place_id"})
            sides.append(part)
        ended_by_place = pd.concat(sides, ignore_index=True)
        events = tables.events.copy()
        events["cpair"] = pair_key(events["country_a"], events["country_b"])
        events["date"] = pd.to_datetime(events["date"])
        return cls(dyads=dyads, ended=ended, ended_by_place=ended_by_place, events=events)


def count_known(
    rows: pd.DataFrame,
    key: str,
    table: pd.DataFrame,
    table_key: str,
) -> pd.Series:
    """For each row, how many ``table`` records share its key and are known by its
    cutoff year, leaving out the row's own dyad (leave-self-out).

    ``rows`` needs ``key``, ``cutoff`` and ``pair`` (its own place-pair key) and a
    unique index; ``table`` needs ``table_key``, ``ended_year`` and ``pair``.
    """
    left = rows[[key, "cutoff", "pair"]].reset_index(names="_row")
    right = table[[table_key, "ended_year", "pair"]].rename(columns={"pair": "_pair"})
    merged = left.merge(right, left_on=key, right_on=table_key, how="inner")
    keep = (merged["ended_year"] <= merged["cutoff"]) & (merged["_pair"] != merged["pair"])
    return merged[keep].groupby("_row").size().reindex(rows.index, fill_value=0)


def examples_known(
    rows: pd.DataFrame,
    key: str,
    table: pd.DataFrame,
    table_key: str,
    *,
    limit: int = 2,
) -> tuple[pd.Series, pd.Series]:
    """Up to ``limit`` example ended dyads per row (same rules as ``count_known``):
    labels such as "Linköping–Guangzhou (2019)" and their dyad ids. Computed once per
    distinct (key, cutoff, own pair), so large batches stay cheap."""
    group = [key, "cutoff", "pair"]
    uniq = rows[group].drop_duplicates()
    cols = [table_key, "ended_year", "pair", "dyad_id", "local_place", "partner_place"]
    right = table[list(dict.fromkeys(cols))].rename(columns={"pair": "_pair"})
    merged = uniq.merge(right, left_on=key, right_on=table_key, how="inner")
    merged = merged[
        (merged["ended_year"] <= merged["cutoff"]) & (merged["_pair"] != merged["pair"])
    ]
    merged = merged.sort_values(["ended_year", "dyad_id"], ascending=[False, True], kind="stable")
    merged["_label"] = (
        merged["local_place"]
        + "–"
        + merged["partner_place"]
        + " ("
        + merged["ended_year"].astype(str)
        + ")"
    )
    top = merged.groupby(group, sort=False).head(limit)
    agg = top.groupby(group, sort=False).agg(
        examples=("_label", "; ".join), example_ids=("dyad_id", ";".join)
    )
    out = rows[group].merge(agg, left_on=group, right_index=True, how="left")
    return (
        out["examples"].fillna("").set_axis(rows.index),
        out["example_ids"].fillna("").set_axis(rows.index),
    )
