"""Debt exposure: leverage the partner state holds over the local country."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from twinrisk.features.factors.context import Context, years
from twinrisk.features.factors.dated import defaults_by_country, programmes_by_country
from twinrisk.features.factors.record import LC, PC, ComputeFn, FactorDef, before, na


def _latest_figure(factor: str, metric: str) -> ComputeFn:
    """A factor whose value is the latest figure of ``metric`` owed by the local to the
    partner state as of the date: 0 and imputed where none is recorded."""

    def compute(ctx: Context) -> dict[str, np.ndarray]:
        value, year, src = ctx.latest_debt(metric)
        return {
            factor: np.nan_to_num(value, nan=0.0),
            f"{factor}__imputed": np.isnan(value),
            f"{factor}__year": years(np.where(year > 0, year, np.nan)),
            f"{factor}__src": src,
        }

    return compute


def _debt_share_reason(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
    lc, pc = names[r["local_country"]], names[r["partner_country"]]
    if r["debt_share__imputed"]:
        return (
            f"No figure is recorded for {lc}'s external public debt owed to {pc} "
            f"{before(r)}; taken as 0 % (no recorded lending)."
        )
    return (
        f"{lc} owed {r['debt_share']:.1f} % of its external public and publicly guaranteed "
        f"debt to {pc} in {int(r['debt_share__year'])}."
    )


def _debt_distress(ctx: Context) -> dict[str, np.ndarray]:
    """A default on external debt in force on the date is distress whatever the IMF's
    low-income rating says (most defaulters are not rated at all)."""
    country = ctx.country
    dsa_date, risk = country["imf_dsa_date"], country["imf_dsa_risk"]
    rated = pd.notna(risk)
    as_of = ctx.as_of_days.astype("datetime64[ns]")
    known = rated & ~np.isnat(dsa_date) & (dsa_date <= as_of)
    defaults = defaults_by_country(ctx.tables)
    programmes = programmes_by_country(ctx.tables)

    def in_default(lc: str, pc: str, day: dt.date) -> tuple[str, str, str, str]:
        found = [s for s in defaults.get(lc, ()) if s.in_force(day)]
        imf = [s for s in programmes.get(lc, ()) if s.in_force(day)][-1:]
        return (
            "; ".join(s.label for s in found),
            ";".join(s.sources for s in found),
            "; ".join(s.label for s in imf),
            ";".join(s.sources for s in imf),
        )

    label, sources, imf_label, imf_sources = ctx.per_pair_day(in_default, 4)
    defaulted = label != ""
    rating = np.where(known, risk, "none").astype(object)
    # an IMF programme outranks a rating below "high" (and no rating at all)
    under_imf = ~defaulted & (imf_label != "") & ~((rating == "high") | (rating == "in_distress"))
    return {
        "debt_distress": np.where(
            defaulted, "in_distress", np.where(under_imf, "imf_programme", rating)
        ).astype(object),
        "debt_distress__programme": np.where(under_imf, imf_label, "").astype(object),
        "debt_distress__imputed": rated & ~known & ~defaulted,
        "debt_distress__date": np.where(known, dsa_date, np.datetime64("NaT")),
        "debt_distress__default": label,
        "debt_distress__src": np.where(
            defaulted,
            sources,
            np.where(under_imf, imf_sources, np.where(rated, country["sources"], "")),
        ).astype(object),
    }


_DISTRESS_WORDS = {
    "low": "low",
    "moderate": "moderate",
    "high": "high",
    "in_distress": "in debt distress",
}


def _debt_distress_reason(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
    lc = names[r["local_country"]]
    level = r["debt_distress"]
    if r["debt_distress__default"]:
        return (
            f"{lc} {r['debt_distress__default']}, with no resolution recorded by the "
            "assessment date (sovereign_defaults.csv)."
        )
    if level == "imf_programme":
        return (
            f"{lc} is under an IMF lending arrangement on the date "
            f"({r['debt_distress__programme']}): it borrows in balance-of-payments need "
            "(imf_programmes.csv)."
        )
    if r["debt_distress__imputed"]:
        return (
            f"{lc}'s IMF debt-distress rating was published after the assessment date; "
            "taken as not rated."
        )
    if level == "none":
        return (
            f"{lc} has no IMF low-income debt-distress rating in the data and no default "
            "on external debt is recorded as of the date (sovereign_defaults.csv)."
        )
    date = r["debt_distress__date"]
    when = (
        f" (IMF debt sustainability analysis of {pd.Timestamp(date):%B %Y})" if not na(date) else ""
    )
    risk = (
        "is in debt distress"
        if level == "in_distress"
        else f"is at {_DISTRESS_WORDS[level]} risk of debt distress"
    )
    return f"{lc} {risk}{when}."


def _partner_finance_reason(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
    lc, pc = names[r["local_country"]], names[r["partner_country"]]
    if r["partner_finance__imputed"]:
        return f"No official finance from {pc} to {lc} is recorded {before(r)}."
    return (
        f"{pc} committed US$ {r['partner_finance']:.2f} bn of official finance to {lc} "
        f"(cumulative to {int(r['partner_finance__year'])})."
    )


DEBT_SHARE = FactorDef(
    id="debt_share",
    compute=_latest_figure("debt_share", "ppg_share_pct"),
    reason=_debt_share_reason,
    reads=(LC, PC, "cutoff", "debt_share", "debt_share__imputed", "debt_share__year"),
    sources=("debt_share__src",),
    question="What leverage does the partner state's creditor position give it over national "
    "and local institutions, and has the finance ministry been asked?",
    datasets=("wb_ids",),
)
DEBT_DISTRESS = FactorDef(
    id="debt_distress",
    compute=_debt_distress,
    reason=_debt_distress_reason,
    reads=(
        LC,
        "debt_distress",
        "debt_distress__imputed",
        "debt_distress__date",
        "debt_distress__default",
        "debt_distress__programme",
    ),
    sources=("debt_distress__src",),
    question="Is any debt restructuring under way with the partner state, and could the "
    "partnership be tied to it?",
    datasets=("imf_lic_dsa_list", "boc_boe_sovdef_2024"),
)
PARTNER_FINANCE = FactorDef(
    id="partner_finance",
    compute=_latest_figure("partner_finance", "commitments_usd_bn"),
    reason=_partner_finance_reason,
    reads=(
        LC,
        PC,
        "cutoff",
        "partner_finance",
        "partner_finance__imputed",
        "partner_finance__year",
    ),
    sources=("partner_finance__src",),
    question="Which partner-state-financed projects operate in the city or region, and "
    "who manages them?",
    datasets=("aiddata_gcdf3",),
)
