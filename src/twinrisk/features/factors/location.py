"""Strategic location: what access the partner state gains through the local place."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from twinrisk.features.factors.context import Context, day_to_date
from twinrisk.features.factors.dated import assets_by_place
from twinrisk.features.factors.record import LC, LOCAL, PC, FactorDef, na
from twinrisk.features.history import distinct

#: the source of land borders: Natural Earth admin-0 countries (features/sources.csv)
NATURAL_EARTH = "natural_earth_10m_admin0"


def _port_or_base(ctx: Context) -> dict[str, np.ndarray]:
    """A port terminal, lease, concession or base held by the partner state in the
    place or its region outranks any port or base of the place's own."""
    naval = ctx.fact("naval_base", False, bool)
    seaport = ctx.fact("seaport", False, bool)
    assets = assets_by_place(ctx.tables)
    label_rows = np.full(ctx.n, "", dtype=object)
    source_rows = np.full(ctx.n, "", dtype=object)
    # only rows in a country where some state holds an asset can have one
    hosts = np.flatnonzero(np.isin(ctx.lc, sorted({country for country, _ in assets})))
    codes, uniques = distinct(
        ctx.lc[hosts],
        ctx.pc[hosts],
        ctx.local_name[hosts],
        ctx.local_admin1[hosts],
        ctx.as_of_days.astype(np.int64)[hosts],
    )
    label = np.full(len(uniques), "", dtype=object)
    sources = np.full(len(uniques), "", dtype=object)
    for i, (lc, pc, name, admin1, day) in enumerate(uniques):
        date = day_to_date(day)
        held = {
            span
            for key in ((lc, name), (lc, admin1))
            for state, span in assets.get(key, ())
            if state == pc and span.in_force(date)
        }
        shown = sorted(held, key=lambda s: (s.start, s.label))[:3]
        label[i] = "; ".join(s.label for s in shown)
        sources[i] = ";".join(s.sources for s in shown)
    label_rows[hosts], source_rows[hosts] = label[codes], sources[codes]
    label, sources = label_rows, source_rows
    held_by_partner = label != ""
    return {
        "port_or_base": np.where(
            held_by_partner,
            "partner_asset",
            np.where(naval, "naval_base", np.where(seaport, "seaport", "none")),
        ).astype(object),
        "port_or_base__asset": label,
        "port_or_base__src": np.where(held_by_partner, sources, ctx.curated_sources).astype(object),
        "port_or_base__via": ctx.fact("seaport_source", ""),
    }


def _port_or_base_reason(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
    kind = r["port_or_base"]
    if kind == "partner_asset":
        pc = names[r["partner_country"]]
        return f"{r['local_name']} hosts assets held by firms of {pc}: {r['port_or_base__asset']}."
    if kind == "naval_base":
        return f"{r['local_name']} hosts a naval base."
    if kind == "seaport":
        via = " (World Port Index)" if r.get("port_or_base__via") == "wpi" else ""
        return f"{r['local_name']} is a seaport{via}."
    return (
        f"{r['local_name']} is not recorded as a seaport or naval base (World Port Index, "
        "features/places.csv), nor as hosting assets of the partner state "
        "(strategic_assets.csv)."
    )


def _border_proximity(ctx: Context) -> dict[str, np.ndarray]:
    """The nearer of the local state's land border with the partner state and a
    contested border the partner state is party to; a border with an ally (a shared
    EU, NATO or treaty membership on the date) is no exposure."""
    own = ctx.fact("partner_border_km", np.nan, float)
    disputed = ctx.fact("disputed_border_km", np.nan, float)
    name = ctx.fact("disputed_border", "")
    parties = _disputed_parties(ctx)
    partner_party = np.array(
        [pc in parties.get(str(b), ()) for b, pc in zip(name, ctx.pc, strict=True)], dtype=bool
    )
    disputed = np.where(partner_party, disputed, np.nan)
    nearer_disputed = ~np.isnan(disputed) & ((disputed <= own) | np.isnan(own))
    nearest = np.fmin(own, disputed)
    allies = ctx.partner_state["allies"]
    allied = (allies != "") & ~nearer_disputed
    return {
        "border_proximity": np.where(allied, np.nan, nearest),
        "border_proximity__imputed": np.zeros(ctx.n, dtype=bool),
        "border_proximity__km": nearest,
        "border_proximity__allies": np.where(allied, allies, "").astype(object),
        "border_proximity__which": np.where(
            nearer_disputed, name, "the land border with the partner state"
        ).astype(object),
        "border_proximity__src": np.where(
            nearer_disputed, ctx.fact("disputed_border_sources", ""), NATURAL_EARTH
        ).astype(object),
    }


def _disputed_parties(ctx: Context) -> dict[str, tuple[str, str]]:
    table = ctx.tables.extra.get("disputed_borders.csv")
    if table is None:
        return {}
    return {
        str(n): (str(a), str(b))
        for n, a, b in zip(table["name"], table["country_a"], table["country_b"], strict=True)
    }


def _border_proximity_reason(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
    km = r["border_proximity__km"]
    pc = names[r["partner_country"]]
    if na(km):
        return (
            f"{names[r['local_country']]} shares no land border with {pc} (Natural Earth), and "
            f"no contested border involving {pc} is recorded near {r['local_name']} "
            "(disputed_borders.csv)."
        )
    if r["border_proximity__allies"]:
        return (
            f"{r['local_name']} lies {km:.0f} km from the border with {pc}, an ally "
            f"({r['border_proximity__allies']}): no exposure."
        )
    return f"{r['local_name']} lies {km:.0f} km from {r['border_proximity__which']} ({pc})."


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
    reads=(PC, LOCAL, "port_or_base", "port_or_base__via", "port_or_base__asset"),
    sources=("port_or_base__src",),
    question="Will the partner gain access to port or defence facilities, staff or data?",
)
BORDER_PROXIMITY = FactorDef(
    id="border_proximity",
    compute=_border_proximity,
    reason=_border_proximity_reason,
    reads=(
        LC,
        PC,
        LOCAL,
        "border_proximity__km",
        "border_proximity__allies",
        "border_proximity__which",
    ),
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
