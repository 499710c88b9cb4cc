"""Raw factor values for a frame of dyads, as of each row's date.

One row per dyad in, one column per factor out (plus ``<factor>__…`` evidence
columns the explanations quote: the year of a debt figure, the events behind the
climate, example precedents, source ids). Everything is computed on the distinct
keys of the frame (country pairs, places, cut-off years) and mapped back to rows,
so a batch of 100,000 dyads costs little more than a batch of distinct pairs.

Every factor is defined for any pair of countries: a Japanese creditor, an EU
sanctions regime or a Russian partner raise the score through the same columns
as a Chinese one.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from twinrisk.core.terms import TERMS
from twinrisk.data.loaders import Tables
from twinrisk.features.history import History, _distinct, cutoff_year, pair_key

FACTOR_IDS = (
    "debt_share",
    "debt_distress",
    "bri_mou",
    "flagship_project",
    "partner_finance",
    "port_or_base",
    "border_proximity",
    "capital",
    "tech_hub",
    "country_endings",
    "partner_place_endings",
    "partner_retaliation",
    "local_place_endings",
    "climate_tension",
    "sanctions",
    "counterparty_united_front",
    "political_clause",
    "conditional_aid",
    "sensitive_domains",
    "no_exit_clause",
    "unpublished_text",
    "consultation_skipped",
    "no_prior_cooperation",
)

#: the state that runs a strategic programme with national memoranda in the data
BRI_STATE = "CN"
CLIMATE_HALF_LIFE_YEARS = 3.0
SANCTIONS_WINDOW_YEARS = 10
INPUT_COLUMNS = (
    "local_id",
    "local_name",
    "local_country",
    "partner_id",
    "partner_name",
    "partner_country",
    "as_of",
)


@lru_cache(maxsize=4)
def _debt_index(tables: Tables) -> dict[tuple[str, str, str], tuple[np.ndarray, ...]]:
    """(debtor, creditor, metric) -> years ascending, values, source ids; once per data."""
    out: dict[tuple[str, str, str], tuple[np.ndarray, ...]] = {}
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


def _latest(
    index: dict[tuple[str, str, str], tuple[np.ndarray, ...]],
    metric: str,
    lc: np.ndarray,
    pc: np.ndarray,
    cutoff: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Latest figure of ``metric`` owed by the local to the partner state, as of cut-off:
    value (NaN if none), its year (0 if none) and its source ids."""
    codes, uniques = _distinct(lc, pc, cutoff)
    value = np.full(len(uniques), np.nan)
    year = np.zeros(len(uniques), dtype=np.int64)
    src = np.full(len(uniques), "", dtype=object)
    for i, (debtor, creditor, cut) in enumerate(uniques):
        entry = index.get((debtor, creditor, metric))
        if entry is None:
            continue
        n = int(np.searchsorted(entry[0], cut, side="right"))
        if n:
            year[i], value[i], src[i] = entry[0][n - 1], entry[1][n - 1], entry[2][n - 1]
    return value[codes], year[codes], src[codes]


def _climate(history: History, cpair: np.ndarray, as_of_days: np.ndarray) -> dict[str, np.ndarray]:
    """Decayed sum of event severities, the two weightiest events, and an open
    sanctions-or-war flag (not followed by a normalisation), per row."""
    codes, uniques = _distinct(cpair, as_of_days)
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


@lru_cache(maxsize=4)
def _country_index(tables: Tables) -> tuple[dict[str, int], dict[str, np.ndarray]]:
    """Row of each country code, and the country columns the features read; the last
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
    codes, uniques = _distinct(keys)
    rows = np.fromiter((pos.get(k, len(pos)) for (k,) in uniques), np.int64, len(uniques))
    return rows[codes]


def _years(values: np.ndarray) -> np.ndarray:
    """Whole years as Python ints, ``None`` where missing: hashable and equal to
    themselves, so reasons can be written once per distinct situation."""
    out = np.full(len(values), None, dtype=object)
    known = ~np.isnan(values)
    out[known] = values[known].astype(np.int64).tolist()
    return out


def _fact(
    facts: Mapping[str, np.ndarray], name: str, n: int, default: Any, dtype: Any = object
) -> np.ndarray:
    if name not in facts:
        return np.full(n, default, dtype=dtype)
    values = np.asarray(facts[name])
    if dtype is object and default is not None:
        values = values.astype(object)
        values[pd.isna(values)] = default
        return values
    if dtype is bool and values.dtype == object:
        values = values.copy()
        values[pd.isna(values)] = default
    return values.astype(dtype)


def feature_columns(
    dyads: Mapping[str, Any],
    tables: Tables,
    history: History,
    facts: Mapping[str, np.ndarray],
) -> dict[str, np.ndarray]:
    """Raw factor values and evidence, one array per column (see module docstring).

    ``dyads`` maps ``INPUT_COLUMNS`` (``as_of`` as dates) and any term columns
    (parsed values, ``None`` when unknown) to equal-length arrays; ``facts`` maps
    ``places.location_fact_columns`` names to arrays aligned with the rows' local
    places. Plain arrays rather than a DataFrame: one proposal costs microseconds
    per column instead of pandas' fixed cost per operation, and 100,000 rows cost
    the same vectorised work either way.
    """
    lc = np.asarray(dyads["local_country"], dtype=object)
    n = len(lc)
    pc = np.asarray(dyads["partner_country"], dtype=object)
    local_id = np.asarray(dyads["local_id"], dtype=object)
    partner_id = np.asarray(dyads["partner_id"], dtype=object)
    as_of_days = np.asarray(dyads["as_of"], dtype="datetime64[D]")
    cutoff = cutoff_year(as_of_days)
    pair = pair_key(local_id, partner_id)
    cpair = pair_key(lc, pc)
    out: dict[str, np.ndarray] = {}

    # --- debt exposure -------------------------------------------------------
    debt = _debt_index(tables)
    value, year, src = _latest(debt, "ppg_share_pct", lc, pc, cutoff)
    out["debt_share"] = np.nan_to_num(value, nan=0.0)
    out["debt_share__imputed"] = np.isnan(value)
    out["debt_share__year"] = _years(np.where(year > 0, year, np.nan))
    out["debt_share__src"] = src

    pos, countries = _country_index(tables)
    rows = _rows_of(lc, pos)
    dsa_date = countries["imf_dsa_date"][rows]
    risk = countries["imf_dsa_risk"][rows]
    rated = pd.notna(risk)
    dsa_known = rated & ~np.isnat(dsa_date) & (dsa_date <= as_of_days.astype("datetime64[ns]"))
    country_src = countries["sources"][rows]
    out["debt_distress"] = np.where(dsa_known, risk, "none").astype(object)
    out["debt_distress__imputed"] = rated & ~dsa_known
    out["debt_distress__date"] = np.where(dsa_known, dsa_date, np.datetime64("NaT"))
    out["debt_distress__src"] = np.where(rated, country_src, "").astype(object)

    # --- Belt and Road -------------------------------------------------------
    status = countries["bri_mou"][rows]
    signed = countries["bri_mou_year"][rows]
    exited = countries["bri_exit_year"][rows]
    # a memorandum whose year no source gives counts as signed, flagged imputed
    in_force = np.isin(status, ["yes", "exited"]) & ~(signed > cutoff) & ~(exited <= cutoff)
    unclear = np.isin(status, ["unclear", "unknown"])
    to_bri_state = pc == BRI_STATE
    out["bri_mou"] = np.where(
        to_bri_state & in_force, 1.0, np.where(to_bri_state & unclear, 0.5, 0.0)
    )
    out["bri_mou__imputed"] = to_bri_state & (unclear | (in_force & np.isnan(signed)))
    out["bri_mou__year"] = _years(np.where(to_bri_state, signed, np.nan))
    out["bri_mou__status"] = np.where(to_bri_state, status, "").astype(object)
    out["bri_mou__exit"] = _years(exited)
    out["bri_mou__src"] = np.where(to_bri_state, country_src, "").astype(object)

    # --- location facts of the local place -----------------------------------
    curated_src = _fact(facts, "curated_sources", n, "")
    flag_project = _fact(facts, "flagship_project", n, "")
    flag_year = (
        pd.to_numeric(pd.Series(facts["flagship_year"], dtype=object), errors="coerce").to_numpy(
            dtype=float
        )
        if "flagship_year" in facts
        else np.full(n, np.nan)
    )
    flagship = (
        (_fact(facts, "flagship_financier", n, "") == pc)
        & (flag_project != "")
        & ~(flag_year > cutoff)
    )
    out["flagship_project"] = flagship.astype(float)
    out["flagship_project__name"] = np.where(flagship, flag_project, "").astype(object)
    out["flagship_project__year"] = _years(np.where(flagship, flag_year, np.nan))
    out["flagship_project__src"] = np.where(flagship, curated_src, "").astype(object)

    value, year, src = _latest(debt, "commitments_usd_bn", lc, pc, cutoff)
    out["partner_finance"] = np.nan_to_num(value, nan=0.0)
    out["partner_finance__imputed"] = np.isnan(value)
    out["partner_finance__year"] = _years(np.where(year > 0, year, np.nan))
    out["partner_finance__src"] = src

    naval = _fact(facts, "naval_base", n, False, bool)
    seaport = _fact(facts, "seaport", n, False, bool)
    out["port_or_base"] = np.where(
        naval, "naval_base", np.where(seaport, "seaport", "none")
    ).astype(object)
    out["port_or_base__src"] = curated_src
    out["port_or_base__via"] = _fact(facts, "seaport_source", n, "")
    border = _fact(facts, "border_km", n, np.nan, float)
    disputed = _fact(facts, "disputed_border_km", n, np.nan, float)
    nearer_disputed = ~np.isnan(disputed) & ((disputed <= border) | np.isnan(border))
    nearest_border = np.fmin(border, disputed)
    out["border_proximity"] = nearest_border
    out["border_proximity__imputed"] = np.isnan(nearest_border)
    out["border_proximity__which"] = np.where(
        nearer_disputed, _fact(facts, "disputed_border", n, ""), "an international land border"
    ).astype(object)
    out["border_proximity__src"] = np.where(
        nearer_disputed, _fact(facts, "disputed_border_sources", n, ""), ""
    ).astype(object)
    capital = _fact(facts, "capital", n, "none")
    out["capital"] = np.where(np.isin(capital, ["national", "admin1"]), capital, "none").astype(
        object
    )
    out["capital__src"] = curated_src
    tech = _fact(facts, "tech_hub", n, False, bool)
    out["tech_hub"] = tech.astype(float)
    out["tech_hub__src"] = np.where(tech, curated_src, "").astype(object)

    # --- termination precedents ---------------------------------------------
    for factor, index, keys in (
        ("country_endings", history.by_cpair, cpair),
        ("partner_place_endings", history.by_place, partner_id),
        ("local_place_endings", history.by_place, local_id),
        ("partner_retaliation", history.by_cutting_state, pc),
    ):
        counts, labels, ids = history.endings(index, keys, cutoff, pair)
        out[factor] = counts.astype(float)
        out[f"{factor}__examples"] = labels
        out[f"{factor}__ids"] = ids

    # --- bilateral climate ---------------------------------------------------
    climate = _climate(history, cpair, as_of_days.astype(np.int64))
    out["climate_tension"] = climate["tension"]
    out["climate_tension__events"] = climate["events"]
    out["climate_tension__src"] = climate["sources"]
    out["sanctions"] = climate["open_hard"].astype(float)
    out["sanctions__event"] = climate["hard_label"]
    out["sanctions__src"] = climate["hard_sources"]

    # --- proposal terms ------------------------------------------------------
    for key, term in TERMS.items():
        values = np.asarray(dyads[key], dtype=object) if key in dyads else np.full(n, None, object)
        known = pd.notna(values) if values.size else np.zeros(0, dtype=bool)
        risk_values = np.full(n, np.nan)
        if known.any() and term.kind == "bool":
            risk_values[known] = (values[known] != bool(term.good)).astype(float)
        elif known.any():
            risk_values[known] = [term.risk(v) for v in values[known]]
        out[term.factor] = risk_values
        out[f"{term.factor}__imputed"] = ~known
        out[f"{term.factor}__given"] = values

    out["cutoff"] = cutoff
    out["pair"] = pair
    return out


def build_features(
    dyads: pd.DataFrame, tables: Tables, history: History, facts: pd.DataFrame
) -> pd.DataFrame:
    """``feature_columns`` as a DataFrame indexed like ``dyads``, for training and
    analysis; ``facts`` is ``places.location_facts`` indexed by place id."""
    aligned = facts.reindex(dyads["local_id"].to_numpy(dtype=object))
    columns = {
        name: values.to_numpy(dtype=object) if values.dtype == object else values.to_numpy()
        for name, values in aligned.items()
    }
    return object_frame(feature_columns(dyads, tables, history, columns), dyads.index)


def object_frame(columns: Mapping[str, Any], index: Any = None) -> pd.DataFrame:
    """A DataFrame that keeps object arrays as objects: pandas would otherwise copy every
    text column into Arrow strings, which costs more than the scoring itself."""
    return pd.DataFrame(
        {
            name: pd.Series(values, index=index, dtype=object)
            if isinstance(values, np.ndarray) and values.dtype == object
            else values
            for name, values in columns.items()
        },
        index=index,
    )
