"""Strategic location: what access the partner state gains through the local place."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np

from twinrisk.data.loaders import Tables
from twinrisk.features.factors.context import Context, day_to_date, member_of
from twinrisk.features.factors.dated import assets_by_place
from twinrisk.features.factors.record import LC, LOCAL, PC, FactorDef, na
from twinrisk.features.history import distinct

#: the source of land borders: Natural Earth admin-0 countries (features/sources.csv)
NATURAL_EARTH = "natural_earth_10m_admin0"


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
    return (
        f"{r['local_name']} is not recorded as a seaport or naval base (World Port Index, "
        "features/places.csv)."
    )


#: the data behind "no asset held": the curated table of strategic assets
ASSETS_TABLE = "strategic_assets.csv"


def _partner_assets(ctx: Context) -> dict[str, np.ndarray]:
    """Port terminals, leases, concessions and bases held by the partner state's firms
    or forces in the place or its region, as of the date: the access that state has
    already, which a tie can widen. Control (a lease, a concession, a base, a
    majority stake) outranks a minority stake."""
    assets = assets_by_place(ctx.tables)
    level_rows = np.full(ctx.n, "none", dtype=object)
    label_rows = np.full(ctx.n, "", dtype=object)
    source_rows = np.full(ctx.n, "", dtype=object)
    # only rows in a country where some state holds an asset can have one
    hosts = np.flatnonzero(member_of(ctx.lc, _asset_hosts(ctx.tables)))
    codes, uniques = distinct(
        ctx.lc[hosts],
        ctx.pc[hosts],
        ctx.local_name[hosts],
        ctx.local_admin1[hosts],
        ctx.as_of_days.astype(np.int64)[hosts],
    )
    level = np.full(len(uniques), "none", dtype=object)
    label = np.full(len(uniques), "", dtype=object)
    sources = np.full(len(uniques), "", dtype=object)
    for i, (lc, pc, name, admin1, day) in enumerate(uniques):
        date = day_to_date(day)
        held = {
            asset
            for key in ((lc, name), (lc, admin1))
            for asset in assets.get(key, ())
            if asset.holder_state == pc and asset.span.in_force(date)
        }
        if not held:
            continue
        shown = sorted(held, key=lambda a: (not a.control, a.span.start, a.span.label))[:3]
        level[i] = "control" if any(a.control for a in held) else "stake"
        label[i] = "; ".join(a.span.label for a in shown)
        sources[i] = ";".join(a.span.sources for a in shown)
    level_rows[hosts], label_rows[hosts] = level[codes], label[codes]
    source_rows[hosts] = sources[codes]
    return {
        "partner_assets": level_rows,
        "partner_assets__asset": label_rows,
        "partner_assets__src": source_rows,
    }


@lru_cache(maxsize=4)
def _asset_hosts(tables: Tables) -> frozenset[str]:
    """Countries where some state holds an asset: looked up once per tables, not per run."""
    return frozenset(country for country, _ in assets_by_place(tables))


def _partner_assets_reason(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
    pc = names[r["partner_country"]]
    level = r["partner_assets"]
    if level == "none":
        return (
            f"No port terminal, lease, concession or base held by {pc} or its firms is "
            f"recorded in {r['local_name']} or its region ({ASSETS_TABLE})."
        )
    what = "runs or controls" if level == "control" else "holds stakes in"
    return (
        f"{pc} (through its firms or forces) {what} assets in or near {r['local_name']}: "
        f"{r['partner_assets__asset']}."
    )


def _border_proximity(ctx: Context) -> dict[str, np.ndarray]:
    """The nearer of the local state's land border with the partner state and a
    contested border the partner state is party to; a border with an ally (a shared
    EU, NATO or treaty membership on the date) is no exposure."""
    own = ctx.fact("partner_border_km", np.nan, float)
    disputed = ctx.fact("disputed_border_km", np.nan, float)
    name = ctx.fact("disputed_border", "")
    parties = _disputed_parties(ctx.tables)
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


@lru_cache(maxsize=4)
def _disputed_parties(tables: Tables) -> dict[str, tuple[str, str]]:
    """Contested border -> its two parties, read once per tables rather than per run."""
    table = tables.extra.get("disputed_borders.csv")
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
        "capital": np.where(
            (capital == "national") | (capital == "admin1"), capital, "none"
        ).astype(object),
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
    datasets=("nga_wpi_2024",),
)
PARTNER_ASSETS = FactorDef(
    id="partner_assets",
    compute=_partner_assets,
    reason=_partner_assets_reason,
    reads=(PC, LOCAL, "partner_assets", "partner_assets__asset"),
    sources=("partner_assets__src",),
    question="Which facilities does the partner state already hold here, and would the "
    "partnership widen its access to them, to the port authority or to their data?",
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
    datasets=("geonames_cities500",),
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
