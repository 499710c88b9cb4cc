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

import numpy as np
import pandas as pd

from twinrisk.data.loaders import Tables
from twinrisk.features.history import History, count_known, cutoff_year, examples_known, pair_key
from twinrisk.features.terms import TERMS

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

FACT_DEFAULTS: dict[str, object] = {
    "coast_km": np.nan,
    "border_km": np.nan,
    "disputed_border_km": np.nan,
    "disputed_border": "",
    "disputed_border_sources": "",
    "capital": "none",
    "seaport": False,
    "naval_base": False,
    "tech_hub": False,
    "flagship_project": "",
    "flagship_financier": "",
    "flagship_year": pd.NA,
    "curated_sources": "",
    "seaport_source": "",
}


def _latest_debt(rows: pd.DataFrame, debt: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Latest figure of ``metric`` owed by the local to the partner country, as of cut-off."""
    sub = debt[debt["metric"] == metric][["debtor", "creditor", "year", "value", "sources"]]
    uniq = rows[["local_country", "partner_country", "cutoff"]].drop_duplicates()
    m = uniq.merge(
        sub,
        left_on=["local_country", "partner_country"],
        right_on=["debtor", "creditor"],
        how="inner",
    )
    m = m[m["year"] <= m["cutoff"]].sort_values("year", kind="stable")
    last = m.groupby(["local_country", "partner_country", "cutoff"], sort=False).tail(1)
    last = last[["local_country", "partner_country", "cutoff", "year", "value", "sources"]]
    out = rows[["local_country", "partner_country", "cutoff"]].merge(
        last, on=["local_country", "partner_country", "cutoff"], how="left"
    )
    return out.set_axis(rows.index)


def _climate(rows: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Decayed sum of event severities and an open sanctions-or-war flag per row."""
    uniq = rows[["cpair", "as_of"]].drop_duplicates()
    m = uniq.merge(events, on="cpair", how="inner")
    m = m[m["date"] <= m["as_of"]].copy()
    age_years = (m["as_of"] - m["date"]).dt.days.to_numpy() / 365.25
    m["weight"] = m["severity"].astype(float).to_numpy() * 0.5 ** (
        age_years / CLIMATE_HALF_LIFE_YEARS
    )
    m["age"] = age_years
    hard = m["kind"].isin(["sanctions", "war"]) & (m["age"] <= SANCTIONS_WINDOW_YEARS)
    thaw = m["severity"] <= -2
    keys = ["cpair", "as_of"]
    last_hard = m[hard].groupby(keys)["date"].max().rename("last_hard")
    last_thaw = m[thaw].groupby(keys)["date"].max().rename("last_thaw")
    tension = m.groupby(keys)["weight"].sum().clip(lower=0).rename("tension")
    ordered = m.assign(absw=m["weight"].abs()).sort_values(["absw", "date"], ascending=False)
    top = ordered.groupby(keys, sort=False).head(2)
    top = top.assign(label=top["title"] + " (" + top["date"].dt.strftime("%Y-%m-%d") + ")")
    evid = top.groupby(keys, sort=False).agg(
        events=("label", "; ".join), sources=("sources", ";".join)
    )
    hard_rows = m[hard].sort_values("date").groupby(keys).tail(1)
    hard_rows = hard_rows.assign(
        hard_label=hard_rows["title"] + " (" + hard_rows["date"].dt.strftime("%Y-%m-%d") + ")"
    )
    hard_ev = hard_rows.set_index(keys)[["hard_label", "sources"]].rename(
        columns={"sources": "hard_sources"}
    )
    agg = pd.concat([tension, last_hard, last_thaw, evid, hard_ev], axis=1)
    out = rows[keys].merge(agg, left_on=keys, right_index=True, how="left").set_axis(rows.index)
    open_hard = out["last_hard"].notna() & (
        out["last_thaw"].isna() | (out["last_thaw"] < out["last_hard"])
    )
    out["open_hard"] = open_hard
    out["tension"] = out["tension"].fillna(0.0)
    return out


def build_features(
    dyads: pd.DataFrame, tables: Tables, history: History, facts: pd.DataFrame
) -> pd.DataFrame:
    """Raw factor values and evidence for ``dyads`` (see module docstring).

    ``dyads`` holds ``INPUT_COLUMNS`` plus any term columns (parsed values, ``None``
    when unknown); ``facts`` is ``places.location_facts`` indexed by place id.
    """
    rows = dyads.reset_index(drop=True).copy()
    rows["as_of"] = pd.to_datetime(rows["as_of"]).astype("datetime64[ns]")
    rows["cutoff"] = cutoff_year(rows["as_of"])
    rows["pair"] = pair_key(rows["local_id"], rows["partner_id"])
    rows["cpair"] = pair_key(rows["local_country"], rows["partner_country"])
    out = pd.DataFrame(index=rows.index)

    # --- debt exposure -------------------------------------------------------
    share = _latest_debt(rows, tables.country_debt, "ppg_share_pct")
    out["debt_share"] = share["value"].astype(float).fillna(0.0)
    out["debt_share__imputed"] = share["value"].isna()
    out["debt_share__year"] = share["year"].astype("Int64")
    out["debt_share__src"] = share["sources"].fillna("")

    countries = tables.countries.set_index("iso2")
    local_c = countries.reindex(rows["local_country"])
    local_c.index = rows.index
    dsa_known = local_c["imf_dsa_date"].notna() & (local_c["imf_dsa_date"] <= rows["as_of"])
    rated = local_c["imf_dsa_risk"].notna()
    out["debt_distress"] = local_c["imf_dsa_risk"].where(dsa_known, "none").fillna("none")
    out["debt_distress__imputed"] = rated & ~dsa_known
    out["debt_distress__date"] = local_c["imf_dsa_date"].where(dsa_known)
    out["debt_distress__src"] = local_c["sources"].where(rated, "").fillna("")

    # --- Belt and Road -------------------------------------------------------
    status = local_c["bri_mou"].fillna("unknown")
    signed = local_c["bri_mou_year"].astype("Float64")
    exited = local_c["bri_exit_year"].astype("Float64")
    # a memorandum whose year no source gives counts as signed, flagged imputed
    in_force = (
        status.isin(["yes", "exited"])
        & (signed <= rows["cutoff"]).fillna(True)
        & ~(exited <= rows["cutoff"]).fillna(False)
    )
    unclear = status.isin(["unclear", "unknown"])
    to_bri_state = rows["partner_country"].eq(BRI_STATE)
    out["bri_mou"] = np.where(
        to_bri_state & in_force, 1.0, np.where(to_bri_state & unclear, 0.5, 0.0)
    )
    out["bri_mou__imputed"] = (to_bri_state & (unclear | (in_force & signed.isna()))).to_numpy()
    out["bri_mou__year"] = signed.where(to_bri_state).astype("Int64")
    out["bri_mou__status"] = status.where(to_bri_state, "")
    out["bri_mou__exit"] = exited.astype("Int64")
    out["bri_mou__src"] = local_c["sources"].where(to_bri_state, "").fillna("")

    # --- location facts of the local place -----------------------------------
    place = facts.reindex(rows["local_id"])
    place.index = rows.index
    for column, default in FACT_DEFAULTS.items():
        if column not in place:
            place[column] = default
        elif not isinstance(default, float) and default is not pd.NA:
            place[column] = place[column].fillna(default)
    flag_year = pd.to_numeric(place["flagship_year"], errors="coerce")
    flagship = (
        place["flagship_financier"].eq(rows["partner_country"])
        & place["flagship_project"].astype(bool)
        & (flag_year.isna() | (flag_year <= rows["cutoff"]))
    )
    out["flagship_project"] = flagship.astype(float)
    out["flagship_project__name"] = place["flagship_project"].where(flagship, "")
    out["flagship_project__year"] = flag_year.where(flagship).astype("Int64")
    out["flagship_project__src"] = place["curated_sources"].where(flagship, "")

    finance = _latest_debt(rows, tables.country_debt, "commitments_usd_bn")
    out["partner_finance"] = finance["value"].astype(float).fillna(0.0)
    out["partner_finance__imputed"] = finance["value"].isna()
    out["partner_finance__year"] = finance["year"].astype("Int64")
    out["partner_finance__src"] = finance["sources"].fillna("")

    out["port_or_base"] = np.where(
        place["naval_base"].astype(bool),
        "naval_base",
        np.where(place["seaport"].astype(bool), "seaport", "none"),
    )
    out["port_or_base__src"] = place["curated_sources"]
    out["port_or_base__via"] = place["seaport_source"]
    border = place["border_km"].astype(float)
    disputed = place["disputed_border_km"].astype(float)
    nearer_disputed = disputed.notna() & ((disputed <= border) | border.isna())
    out["border_proximity"] = np.fmin(border.to_numpy(), disputed.to_numpy())
    out["border_proximity__imputed"] = np.isnan(out["border_proximity"].to_numpy())
    out["border_proximity__which"] = np.where(
        nearer_disputed, place["disputed_border"], "an international land border"
    )
    out["border_proximity__src"] = np.where(nearer_disputed, place["disputed_border_sources"], "")
    out["capital"] = place["capital"].where(place["capital"].isin(["national", "admin1"]), "none")
    out["capital__src"] = place["curated_sources"]
    out["tech_hub"] = place["tech_hub"].astype(bool).astype(float)
    out["tech_hub__src"] = place["curated_sources"].where(place["tech_hub"].astype(bool), "")

    # --- termination precedents ---------------------------------------------
    ended = history.ended
    out["country_endings"] = count_known(rows, "cpair", ended, "cpair").astype(float)
    out["country_endings__examples"], out["country_endings__ids"] = examples_known(
        rows, "cpair", ended, "cpair"
    )
    by_place = history.ended_by_place
    out["partner_place_endings"] = count_known(rows, "partner_id", by_place, "place_id").astype(
        float
    )
    out["partner_place_endings__examples"], out["partner_place_endings__ids"] = examples_known(
        rows, "partner_id", by_place, "place_id"
    )
    out["local_place_endings"] = count_known(rows, "local_id", by_place, "place_id").astype(float)
    out["local_place_endings__examples"], out["local_place_endings__ids"] = examples_known(
        rows, "local_id", by_place, "place_id"
    )
    # ties the partner's state cut: as the partner side, or as the local side of another tie
    cut = pd.concat(
        [
            ended[ended["partner_side_ended"]].assign(state=lambda d: d["partner_country"]),
            ended[ended["local_side_ended"]].assign(state=lambda d: d["local_country"]),
        ],
        ignore_index=True,
    ).drop_duplicates(["dyad_id"])
    out["partner_retaliation"] = count_known(rows, "partner_country", cut, "state").astype(float)
    out["partner_retaliation__examples"], out["partner_retaliation__ids"] = examples_known(
        rows, "partner_country", cut, "state"
    )

    # --- bilateral climate ---------------------------------------------------
    climate = _climate(rows, history.events)
    out["climate_tension"] = climate["tension"].to_numpy()
    out["climate_tension__events"] = climate["events"].fillna("").to_numpy()
    out["climate_tension__src"] = climate["sources"].fillna("").to_numpy()
    out["sanctions"] = climate["open_hard"].astype(float).to_numpy()
    out["sanctions__event"] = (
        climate["hard_label"].where(climate["open_hard"], "").fillna("").to_numpy()
    )
    out["sanctions__src"] = (
        climate["hard_sources"].where(climate["open_hard"], "").fillna("").to_numpy()
    )

    # --- proposal terms ------------------------------------------------------
    for key, term in TERMS.items():
        values = rows[key] if key in rows else pd.Series([None] * len(rows), index=rows.index)
        known = values.notna()
        risk = pd.Series(np.nan, index=rows.index, dtype=float)
        if known.any() and term.kind == "bool":
            risk[known] = (values[known].astype(bool) != bool(term.good)).astype(float)
        elif known.any():
            risk[known] = values[known].map(term.risk).astype(float)
        out[term.factor] = risk
        out[f"{term.factor}__imputed"] = ~known
        out[f"{term.factor}__given"] = values

    out["cutoff"] = rows["cutoff"]
    out["pair"] = rows["pair"]
    return out.set_axis(dyads.index)
