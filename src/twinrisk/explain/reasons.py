"""One specific sentence per factor, written from the value behind its points.

A council member reads these verbatim, so each sentence names the places and
states, the figure and its year, and says plainly when a value was imputed. The
same function writes the reasons of one assessment and the top reasons of a
100,000-row batch (called once per distinct situation).
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from twinrisk.core.terms import SENSITIVE_DOMAINS, TERMS

ReasonFn = Callable[[Mapping[str, Any], Mapping[str, str]], str]


def _na(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _n(count: Any) -> int:
    return 0 if _na(count) else int(count)


def _ties(count: int) -> str:
    return "1 tie" if count == 1 else f"{count} ties"


def _before(r: Mapping[str, Any]) -> str:
    return f"by the end of {int(r['cutoff'])}"


def debt_share(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
    lc, pc = names[r["local_country"]], names[r["partner_country"]]
    if r["debt_share__imputed"]:
        return (
            f"No figure is recorded for {lc}'s external public debt owed to {pc} "
            f"{_before(r)}; taken as 0 % (no recorded lending)."
        )
    return (
        f"{lc} owed {r['debt_share']:.1f} % of its external public and publicly guaranteed "
        f"debt to {pc} in {int(r['debt_share__year'])}."
    )


def debt_distress(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
    lc = names[r["local_country"]]
    level = r["debt_distress"]
    if r["debt_distress__imputed"]:
        return (
            f"{lc}'s IMF debt-distress rating was published after the assessment date; "
            "taken as not rated."
        )
    if level == "none":
        return f"{lc} has no IMF low-income debt-distress rating (not PRGT-eligible)."
    words = {
        "low": "low",
        "moderate": "moderate",
        "high": "high",
        "in_distress": "in debt distress",
    }
    date = r["debt_distress__date"]
    when = (
        f" (IMF debt sustainability analysis of {pd.Timestamp(date):%B %Y})"
        if not _na(date)
        else ""
    )
    risk = (
        "is in debt distress"
        if level == "in_distress"
        else f"is at {words[level]} risk of debt distress"
    )
    return f"{lc} {risk}{when}."


def bri_mou(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
    lc, pc = names[r["local_country"]], names[r["partner_country"]]
    status = r["bri_mou__status"]
    if status == "":
        return (
            f"{pc} runs no Belt and Road-style programme with national memoranda in the "
            "data, so this factor does not apply."
        )
    if r["bri_mou"] >= 1:
        if _na(r["bri_mou__year"]):
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
    if status == "exited" and not _na(r["bri_mou__exit"]):
        return f"{lc} left the Belt and Road Initiative in {int(r['bri_mou__exit'])}."
    if status == "yes":
        return f"{lc}'s Belt and Road memorandum was signed after the assessment date."
    return f"{lc} has not signed a Belt and Road cooperation memorandum."


def flagship_project(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
    pc = names[r["partner_country"]]
    if r["flagship_project"] >= 1:
        year = r["flagship_project__year"]
        since = f" ({int(year)})" if not _na(year) else ""
        return f"{r['local_name']} hosts {r['flagship_project__name']}{since}, financed by {pc}."
    return f"No flagship project financed by {pc} is recorded in {r['local_name']}."


def partner_finance(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
    lc, pc = names[r["local_country"]], names[r["partner_country"]]
    if r["partner_finance__imputed"]:
        return f"No official finance from {pc} to {lc} is recorded {_before(r)}."
    return (
        f"{pc} committed US$ {r['partner_finance']:.2f} bn of official finance to {lc} "
        f"(cumulative to {int(r['partner_finance__year'])})."
    )


def port_or_base(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
    kind = r["port_or_base"]
    if kind == "naval_base":
        return f"{r['local_name']} hosts a naval base."
    if kind == "seaport":
        via = " (World Port Index)" if r.get("port_or_base__via") == "wpi" else ""
        return f"{r['local_name']} is a seaport{via}."
    return f"{r['local_name']} is not recorded as a seaport or naval base."


def border_proximity(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
    km = r["border_proximity"]
    if _na(km):
        return f"The distance from {r['local_name']} to a border could not be computed; no points."
    return f"{r['local_name']} lies {km:.0f} km from {r['border_proximity__which']}."


def capital(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
    kind = r["capital"]
    lc = names[r["local_country"]]
    if kind == "national":
        return f"{r['local_name']} is the capital of {lc}."
    if kind == "admin1":
        return f"{r['local_name']} is a provincial or state capital."
    return f"{r['local_name']} is not a national or provincial capital."


def tech_hub(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
    if r["tech_hub"] >= 1:
        return f"{r['local_name']} is a recognised technology hub."
    return f"{r['local_name']} is not recorded as a technology hub."


def _with_examples(text: str, examples: str) -> str:
    return f"{text}, e.g. {examples}." if examples else f"{text}."


#: the column behind each placeholder of an endings template
_CONTEXT = {
    "lc": "local_country",
    "pc": "partner_country",
    "local": "local_name",
    "partner": "partner_name",
    "before": "cutoff",
}


def _endings(factor: str, none: str, some: str) -> ReasonFn:
    """A reason for a count of ended ties: the count, then the most recent examples.
    Only the placeholders the two templates use are read, so a country-level count is
    one sentence per pair of states in a batch."""
    fields = {f for text in (none, some) for _, f, _, _ in string.Formatter().parse(text) if f}
    used = [name for name in _CONTEXT if name in fields]

    def reason(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
        context = {}
        for name in used:
            value = r[_CONTEXT[name]]
            context[name] = (
                names[value] if name in ("lc", "pc") else _before(r) if name == "before" else value
            )
        n = _n(r[factor])
        if n == 0:
            return none.format(**context)
        return _with_examples(some.format(ties=_ties(n), **context), r[f"{factor}__examples"])

    reason.__name__ = factor
    reason.reads = (*(_CONTEXT[name] for name in used), factor, f"{factor}__examples")  # type: ignore[attr-defined]
    return reason


country_endings = _endings(
    "country_endings",
    "No tie between places in {lc} and {pc} had ended {before}.",
    "{ties} between places in {lc} and {pc} had ended {before}",
)
partner_place_endings = _endings(
    "partner_place_endings",
    "No other tie of {partner} is recorded as ended {before}.",
    "{ties} of {partner} had ended {before}",
)
partner_retaliation = _endings(
    "partner_retaliation",
    "No tie is recorded as cut by the {pc} side {before}.",
    "Places in {pc} had cut {ties} themselves {before}",
)
local_place_endings = _endings(
    "local_place_endings",
    "No other tie of {local} is recorded as ended {before}.",
    "{ties} of {local} with other places had ended {before}",
)


def climate_tension(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
    lc, pc = names[r["local_country"]], names[r["partner_country"]]
    if not r["climate_tension__events"]:
        return f"No event between {lc} and {pc} is recorded before the assessment date."
    return (
        f"Relations between {lc} and {pc} carry a tension of {r['climate_tension']:.1f} "
        f"(decayed severity); weightiest events: {r['climate_tension__events']}."
    )


def sanctions(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
    lc, pc = names[r["local_country"]], names[r["partner_country"]]
    if r["sanctions"] >= 1:
        return (
            f"Sanctions or war between {lc} and {pc} not since normalised: {r['sanctions__event']}."
        )
    return f"No sanctions or war between {lc} and {pc} in the last ten years, or since normalised."


def _term_reason(factor: str) -> ReasonFn:
    term = next(t for t in TERMS.values() if t.factor == factor)

    def reason(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
        given = r[f"{factor}__given"]
        if _na(given):
            return f"Not stated in the proposal ({term.key}); imputed as the policy documents."
        if term.kind == "domains":
            hits = [d for d in given if d in SENSITIVE_DOMAINS]
            if not hits:
                return "The agreement covers no sensitive domain."
            return f"The agreement covers sensitive domains: {', '.join(hits)}."
        return term.if_true if given else term.if_false

    return reason


REASONS: dict[str, ReasonFn] = {
    fn.__name__: fn
    for fn in (
        debt_share,
        debt_distress,
        bri_mou,
        flagship_project,
        partner_finance,
        port_or_base,
        border_proximity,
        capital,
        tech_hub,
        country_endings,
        partner_place_endings,
        partner_retaliation,
        local_place_endings,
        climate_tension,
        sanctions,
    )
}
REASONS.update({t.factor: _term_reason(t.factor) for t in TERMS.values()})


_LC, _PC, _LOCAL = "local_country", "partner_country", "local_name"

#: the columns each reason reads: a batch writes a factor's sentence once per distinct
#: combination of these, so a country-level reason is written once per pair of states
#: however many places share it (tests check no reason reads anything else)
READS: dict[str, tuple[str, ...]] = {
    "debt_share": (_LC, _PC, "cutoff", "debt_share", "debt_share__imputed", "debt_share__year"),
    "debt_distress": (_LC, "debt_distress", "debt_distress__imputed", "debt_distress__date"),
    "bri_mou": (_LC, _PC, "bri_mou", "bri_mou__status", "bri_mou__year", "bri_mou__exit"),
    "flagship_project": (
        _PC,
        _LOCAL,
        "flagship_project",
        "flagship_project__name",
        "flagship_project__year",
    ),
    "partner_finance": (
        _LC,
        _PC,
        "cutoff",
        "partner_finance",
        "partner_finance__imputed",
        "partner_finance__year",
    ),
    "port_or_base": (_LOCAL, "port_or_base", "port_or_base__via"),
    "border_proximity": (_LOCAL, "border_proximity", "border_proximity__which"),
    "capital": (_LC, _LOCAL, "capital"),
    "tech_hub": (_LOCAL, "tech_hub"),
    **{
        fn.__name__: fn.reads  # type: ignore[attr-defined]
        for fn in (country_endings, partner_place_endings, partner_retaliation, local_place_endings)
    },
    "climate_tension": (_LC, _PC, "climate_tension", "climate_tension__events"),
    "sanctions": (_LC, _PC, "sanctions", "sanctions__event"),
    **{t.factor: (f"{t.factor}__given",) for t in TERMS.values()},
}


#: evidence column holding the source ids behind each factor, where the data has one
SOURCE_COLUMNS = {
    "debt_share": ["debt_share__src"],
    "debt_distress": ["debt_distress__src"],
    "bri_mou": ["bri_mou__src"],
    "flagship_project": ["flagship_project__src"],
    "partner_finance": ["partner_finance__src"],
    "port_or_base": ["port_or_base__src"],
    "border_proximity": ["border_proximity__src"],
    "capital": ["capital__src"],
    "tech_hub": ["tech_hub__src"],
    "climate_tension": ["climate_tension__src"],
    "sanctions": ["sanctions__src"],
}
#: factors whose sources are the precedents they count
PRECEDENT_IDS = {
    "country_endings": "country_endings__ids",
    "partner_place_endings": "partner_place_endings__ids",
    "partner_retaliation": "partner_retaliation__ids",
    "local_place_endings": "local_place_endings__ids",
}
