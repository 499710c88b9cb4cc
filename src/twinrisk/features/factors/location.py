"""Strategic location: what access the partner state gains through the local place."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from twinrisk.features.factors.context import Context
from twinrisk.features.factors.record import LC, LOCAL, FactorDef, na


def _port_or_base(ctx: Context) -> dict[str, np.ndarray]:
    naval = ctx.fact("naval_base", False, bool)
    seaport = ctx.fact("seaport", False, bool)
    return {
        "port_or_base": np.where(naval, "naval_base", np.where(seaport, "seaport", "none")).astype(
            object
        ),
        "port_or_base__src": ctx.curated_sources,
        "port_or_base__via": ctx.fact("seaport_source", ""),
    }


def _port_or_base_reason(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
    kind = r["port_or_base"]
    if kind == "naval_base":
        return f"{r['local_name']} hosts a naval base."
    if kind == "seaport":
        via = " (World Port Index)" if r.get("port_or_base__via") == "wpi" else ""
        return f"{r['local_name']} is a seaport{via}."
    return f"{r['local_name']} is not recorded as a seaport or naval base."


def _border_proximity(ctx: Context) -> dict[str, np.ndarray]:
    border = ctx.fact("border_km", np.nan, float)
    disputed = ctx.fact("disputed_border_km", np.nan, float)
    nearer_disputed = ~np.isnan(disputed) & ((disputed <= border) | np.isnan(border))
    nearest = np.fmin(border, disputed)
    return {
        "border_proximity": nearest,
        "border_proximity__imputed": np.isnan(nearest),
        "border_proximity__which": np.where(
            nearer_disputed, ctx.fact("disputed_border", ""), "an international land border"
        ).astype(object),
        "border_proximity__src": np.where(
            nearer_disputed, ctx.fact("disputed_border_sources", ""), ""
        ).astype(object),
    }


def _border_proximity_reason(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
    km = r["border_proximity"]
    if na(km):
        return f"The distance from {r['local_name']} to a border could not be computed; no points."
    return f"{r['local_name']} lies {km:.0f} km from {r['border_proximity__which']}."


def _capital(ctx: Context) -> dict[str, np.ndarray]:
    capital = ctx.fact("capital", "none")
    return {
        "capital": np.where(np.isin(capital, ["national", "admin1"]), capital, "none").astype(
            object
        ),
        "capital__src": ctx.curated_sources,
    }


def _capital_reason(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
    kind = r["capital"]
    lc = names[r["local_country"]]
    if kind == "national":
        return f"{r['local_name']} is the capital of {lc}."
    if kind == "admin1":
        return f"{r['local_name']} is a provincial or state capital."
    return f"{r['local_name']} is not a national or provincial capital."


def _tech_hub(ctx: Context) -> dict[str, np.ndarray]:
    tech = ctx.fact("tech_hub", False, bool)
    return {
        "tech_hub": tech.astype(float),
        "tech_hub__src": np.where(tech, ctx.curated_sources, "").astype(object),
    }


def _tech_hub_reason(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
    if r["tech_hub"] >= 1:
        return f"{r['local_name']} is a recognised technology hub."
    return f"{r['local_name']} is not recorded as a technology hub."


PORT_OR_BASE = FactorDef(
    id="port_or_base",
    compute=_port_or_base,
    reason=_port_or_base_reason,
    reads=(LOCAL, "port_or_base", "port_or_base__via"),
    sources=("port_or_base__src",),
    question="Will the partner gain access to port or defence facilities, staff or data?",
)
BORDER_PROXIMITY = FactorDef(
    id="border_proximity",
    compute=_border_proximity,
    reason=_border_proximity_reason,
    reads=(LOCAL, "border_proximity", "border_proximity__which"),
    sources=("border_proximity__src",),
    question="Does the partnership give access to border areas or security installations nearby?",
)
CAPITAL = FactorDef(
    id="capital",
    compute=_capital,
    reason=_capital_reason,
    reads=(LC, LOCAL, "capital"),
    sources=("capital__src",),
    question="Which national or regional decision-makers will the partnership bring the "
    "partner into contact with?",
)
TECH_HUB = FactorDef(
    id="tech_hub",
    compute=_tech_hub,
    reason=_tech_hub_reason,
    reads=(LOCAL, "tech_hub"),
    sources=("tech_hub__src",),
    question="Which research institutions and firms will take part, and are export-control "
    "and research-security rules applied?",
)
