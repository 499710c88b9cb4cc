"""Belt and Road participation: how far the local side is inside the partner
state's strategic programme."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from twinrisk.features.factors.context import Context, years
from twinrisk.features.factors.record import LC, LOCAL, PC, FactorDef, na

#: the state that runs a strategic programme with national memoranda in the data
BRI_STATE = "CN"


def _bri_mou(ctx: Context) -> dict[str, np.ndarray]:
    country, cutoff, pc = ctx.country, ctx.cutoff, ctx.pc
    status = country["bri_mou"]
    signed = country["bri_mou_year"]
    exited = country["bri_exit_year"]
    # a memorandum whose year no source gives counts as signed, flagged imputed
    in_force = ((status == "yes") | (status == "exited")) & ~(signed > cutoff) & ~(exited <= cutoff)
    unclear = (status == "unclear") | (status == "unknown")
    to_bri_state = pc == BRI_STATE
    return {
        "bri_mou": np.where(
            to_bri_state & in_force, 1.0, np.where(to_bri_state & unclear, 0.5, 0.0)
        ),
        "bri_mou__imputed": to_bri_state & (unclear | (in_force & np.isnan(signed))),
        "bri_mou__year": years(np.where(to_bri_state, signed, np.nan)),
        "bri_mou__status": np.where(to_bri_state, status, "").astype(object),
        "bri_mou__exit": years(exited),
        "bri_mou__src": np.where(to_bri_state, country["sources"], "").astype(object),
    }


def _bri_mou_reason(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
    lc, pc = names[r["local_country"]], names[r["partner_country"]]
    status = r["bri_mou__status"]
    if status == "":
        return (
            f"{pc} runs no Belt and Road-style programme with national memoranda in the "
            "data, so this factor does not apply."
        )
    if r["bri_mou"] >= 1:
        if na(r["bri_mou__year"]):
            return (
                f"{lc} signed a Belt and Road cooperation memorandum with China (year not "
                "given by the source; taken as signed before the assessment date)."
            )
        year = int(r["bri_mou__year"])
        return f"{lc} signed a Belt and Road cooperation memorandum with China in {year}."
    if status == "unknown":
        return (
            f"No source on whether {lc} has signed a Belt and Road memorandum is in the data; "
            "imputed as unclear (half points)."
        )
    if status == "unclear":
        return f"Whether {lc} has signed a Belt and Road memorandum is unclear; half points."
    if status == "exited" and not na(r["bri_mou__exit"]):
        return f"{lc} left the Belt and Road Initiative in {int(r['bri_mou__exit'])}."
    if status == "yes":
        return f"{lc}'s Belt and Road memorandum was signed after the assessment date."
    return f"{lc} has not signed a Belt and Road cooperation memorandum."


def _flagship_project(ctx: Context) -> dict[str, np.ndarray]:
    project = ctx.fact("flagship_project", "")
    year = (
        _numbers(ctx.facts["flagship_year"])
        if "flagship_year" in ctx.facts
        else np.full(ctx.n, np.nan)
    )
    flagship = (
        (ctx.fact("flagship_financier", "") == ctx.pc) & (project != "") & ~(year > ctx.cutoff)
    )
    return {
        "flagship_project": flagship.astype(float),
        "flagship_project__name": np.where(flagship, project, "").astype(object),
        "flagship_project__year": years(np.where(flagship, year, np.nan)),
        "flagship_project__src": np.where(flagship, ctx.curated_sources, "").astype(object),
    }


def _numbers(values: Any) -> np.ndarray:
    """Floats, NaN where not a number. The gazetteer's facts are float already (then a
    Series per proposal would cost more than the factor); a frame's Int64 column is
    coerced as before."""
    array = np.asarray(values)
    if array.dtype.kind == "f":
        return array.astype(float)
    numbers: np.ndarray = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(
        dtype=float
    )
    return numbers


def _flagship_project_reason(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
    pc = names[r["partner_country"]]
    if r["flagship_project"] >= 1:
        year = r["flagship_project__year"]
        since = f" ({int(year)})" if not na(year) else ""
        return f"{r['local_name']} hosts {r['flagship_project__name']}{since}, financed by {pc}."
    return f"No flagship project financed by {pc} is recorded in {r['local_name']}."


BRI_MOU = FactorDef(
    id="bri_mou",
    compute=_bri_mou,
    reason=_bri_mou_reason,
    reads=(LC, PC, "bri_mou", "bri_mou__status", "bri_mou__year", "bri_mou__exit"),
    sources=("bri_mou__src",),
    question="Does the proposal refer to the Belt and Road Initiative or commit the city to "
    "projects under it?",
    datasets=("gfdc_bri_list_2025",),
)
FLAGSHIP_PROJECT = FactorDef(
    id="flagship_project",
    compute=_flagship_project,
    reason=_flagship_project_reason,
    reads=(PC, LOCAL, "flagship_project", "flagship_project__name", "flagship_project__year"),
    sources=("flagship_project__src",),
    question="Does the partnership touch the partner-financed project in the city "
    "(operations, land, access, data)?",
)
