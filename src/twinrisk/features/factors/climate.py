"""Bilateral climate: relations between the two states as of the date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np

from twinrisk.features.factors.context import Context
from twinrisk.features.factors.dated import wars_by_state
from twinrisk.features.factors.record import LC, PC, FactorDef


def _climate_tension(ctx: Context) -> dict[str, np.ndarray]:
    climate = ctx.climate
    return {
        "climate_tension": climate["tension"],
        "climate_tension__events": climate["events"],
        "climate_tension__src": climate["sources"],
    }


def _climate_tension_reason(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
    lc, pc = names[r["local_country"]], names[r["partner_country"]]
    if not r["climate_tension__events"]:
        return f"No event between {lc} and {pc} is recorded before the assessment date."
    return (
        f"Relations between {lc} and {pc} carry a tension of {r['climate_tension']:.1f} "
        f"(decayed severity); weightiest events: {r['climate_tension__events']}."
    )


def _sanctions(ctx: Context) -> dict[str, np.ndarray]:
    """Regimes and wars in force on the date (never ended by a later thaw); else a
    sanctions-or-war event of the last ten years not followed by a normalisation."""
    measures, climate = ctx.measures, ctx.climate
    regime = measures["in_force"]
    return {
        "sanctions": (regime | climate["open_hard"]).astype(float),
        "sanctions__in_force": regime,
        "sanctions__event": np.where(regime, measures["labels"], climate["hard_label"]).astype(
            object
        ),
        "sanctions__src": np.where(regime, measures["sources"], climate["hard_sources"]).astype(
            object
        ),
    }


def _sanctions_reason(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
    lc, pc = names[r["local_country"]], names[r["partner_country"]]
    if r["sanctions__in_force"]:
        return f"In force between {lc} and {pc} on the assessment date: {r['sanctions__event']}."
    if r["sanctions"] >= 1:
        return (
            f"Sanctions or war between {lc} and {pc} not since normalised: {r['sanctions__event']}."
        )
    return (
        f"No sanctions regime or war between {lc} and {pc} is in force in the data "
        "(sanctions_regimes.csv, wars.csv), and no sanctions or war event of the last ten "
        "years was left without a normalisation."
    )


CLIMATE_TENSION = FactorDef(
    id="climate_tension",
    compute=_climate_tension,
    reason=_climate_tension_reason,
    reads=(LC, PC, "climate_tension", "climate_tension__events"),
    sources=("climate_tension__src",),
    question="How would the partnership be managed through a crisis between the two states?",
)
SANCTIONS = FactorDef(
    id="sanctions",
    compute=_sanctions,
    reason=_sanctions_reason,
    reads=(LC, PC, "sanctions", "sanctions__in_force", "sanctions__event"),
    sources=("sanctions__src",),
    question="Is the partner, or anyone it would deal with, under sanctions, and has legal "
    "advice been taken?",
)


def _partner_at_war(ctx: Context) -> dict[str, np.ndarray]:
    """A war or occupation the partner state wages against a third state, in force on
    the date, while the local side's own government sanctions the partner: the
    sanctions are how the data tells the state held responsible from the state
    defending itself (the wars table lists both sides alike). A war between the two
    states themselves is the sanctions factor's."""
    wars = wars_by_state(ctx.tables)
    in_force = ctx.measures["in_force"]

    def at_war(lc: str, pc: str, day: dt.date) -> tuple[str, str]:
        found = [
            (other, span) for other, span in wars.get(pc, ()) if other != lc and span.in_force(day)
        ]
        # the same war may come from two datasets: one label each, newest last
        shown = {span.label.format(other=other): span.sources for other, span in found}
        labels = list(shown)[-2:]
        return "; ".join(labels), ";".join(shown[label] for label in labels)

    label, sources = ctx.per_pair_day(at_war, 2)
    waging = (label != "") & in_force
    return {
        "partner_at_war": waging.astype(float),
        "partner_at_war__wars": np.where(label != "", label, "").astype(object),
        "partner_at_war__sanctioned": in_force,
        "partner_at_war__src": np.where(label != "", sources, "").astype(object),
    }


def _partner_at_war_reason(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
    lc, pc = names[r["local_country"]], names[r["partner_country"]]
    wars = r["partner_at_war__wars"]
    if r["partner_at_war"] >= 1:
        return f"{pc} is at war while under sanctions that bind {lc}: {wars}."
    if wars:
        return (
            f"{pc} is party to a war ({wars}) but is not under sanctions binding {lc}, so "
            "the data does not hold it responsible."
        )
    return f"{pc} is party to no war or occupation in force on the date (wars.csv)."


PARTNER_AT_WAR = FactorDef(
    id="partner_at_war",
    compute=_partner_at_war,
    reason=_partner_at_war_reason,
    reads=(LC, PC, "partner_at_war", "partner_at_war__wars"),
    sources=("partner_at_war__src",),
    question="Could the partner state use the tie for propaganda, recruitment or pressure "
    "connected with its war, and what would the city do if asked to take a position?",
    datasets=("cow_interstate_war_v4", "ucdp_prio_acd_231"),
)
