"""Bilateral climate: relations between the two states as of the date."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from twinrisk.features.factors.context import Context
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
    climate = ctx.climate
    return {
        "sanctions": climate["open_hard"].astype(float),
        "sanctions__event": climate["hard_label"],
        "sanctions__src": climate["hard_sources"],
    }


def _sanctions_reason(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
    lc, pc = names[r["local_country"]], names[r["partner_country"]]
    if r["sanctions"] >= 1:
        return (
            f"Sanctions or war between {lc} and {pc} not since normalised: {r['sanctions__event']}."
        )
    return f"No sanctions or war between {lc} and {pc} in the last ten years, or since normalised."


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
    reads=(LC, PC, "sanctions", "sanctions__event"),
    sources=("sanctions__src",),
    question="Is the partner, or anyone it would deal with, under sanctions, and has legal "
    "advice been taken?",
)
