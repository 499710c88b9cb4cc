"""Termination precedents: how ties like this one have ended (never counting the
tie's own ending: leave-self-out)."""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from twinrisk.features.factors.context import Context
from twinrisk.features.factors.dated import claims_on
from twinrisk.features.factors.record import FactorDef, ReasonFn, before, na
from twinrisk.features.history import History

#: the column behind each placeholder of an endings template
_CONTEXT = {
    "lc": "local_country",
    "pc": "partner_country",
    "local": "local_name",
    "partner": "partner_name",
    "before": "cutoff",
}


def _ties(count: int) -> str:
    return "1 tie" if count == 1 else f"{count} ties"


def _endings_reason(factor: str, none: str, some: str) -> tuple[ReasonFn, tuple[str, ...]]:
    """A reason for a count of ended ties (the count, then the most recent examples)
    and the columns it reads. Only the placeholders the two templates use are read,
    so a country-level count is one sentence per pair of states in a batch."""
    fields = {f for text in (none, some) for _, f, _, _ in string.Formatter().parse(text) if f}
    used = [name for name in _CONTEXT if name in fields]

    def reason(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
        context = {}
        for name in used:
            value = r[_CONTEXT[name]]
            context[name] = (
                names[value] if name in ("lc", "pc") else before(r) if name == "before" else value
            )
        n = 0 if na(r[factor]) else int(r[factor])
        if n == 0:
            return none.format(**context)
        text = some.format(ties=_ties(n), **context)
        examples = r[f"{factor}__examples"]
        return f"{text}, e.g. {examples}." if examples else f"{text}."

    reads = (*(_CONTEXT[name] for name in used), factor, f"{factor}__examples")
    return reason, reads


def _endings_factor(
    factor: str,
    index: Callable[[History], Any],
    keys: Callable[[Context], np.ndarray],
    none: str,
    some: str,
    question: str,
) -> FactorDef:
    def compute(ctx: Context) -> dict[str, np.ndarray]:
        counts, labels, ids = ctx.history.endings(
            index(ctx.history), keys(ctx), ctx.cutoff, ctx.pair
        )
        return {
            factor: counts.astype(float),
            f"{factor}__examples": labels,
            f"{factor}__ids": ids,
        }

    reason, reads = _endings_reason(factor, none, some)
    return FactorDef(
        id=factor,
        compute=compute,
        reason=reason,
        reads=reads,
        precedents=f"{factor}__ids",
        question=question,
    )


COUNTRY_ENDINGS = _endings_factor(
    "country_endings",
    lambda h: h.by_cpair,
    lambda ctx: ctx.cpair,
    "No tie between places in {lc} and {pc} had ended {before}.",
    "{ties} between places in {lc} and {pc} had ended {before}",
    "Why did other ties between the two countries end, and do the same conditions apply here?",
)
PARTNER_PLACE_ENDINGS = _endings_factor(
    "partner_place_endings",
    lambda h: h.by_place,
    lambda ctx: ctx.partner_id,
    "No other tie of {partner} is recorded as ended {before}.",
    "{ties} of {partner} had ended {before}",
    "Why did other places end their ties with this partner, and what happened afterwards?",
)
PARTNER_RETALIATION = _endings_factor(
    "partner_retaliation",
    lambda h: h.by_cutting_state,
    lambda ctx: ctx.pc,
    "No tie is recorded as cut by the {pc} side {before}.",
    "Places in {pc} had cut {ties} themselves {before}",
    "How would the city respond if the partner cut the tie in reprisal "
    "for a national or local decision (e.g. meeting Taiwan or the Dalai Lama)?",
)
LOCAL_PLACE_ENDINGS = _endings_factor(
    "local_place_endings",
    lambda h: h.by_place,
    lambda ctx: ctx.local_id,
    "No other tie of {local} is recorded as ended {before}.",
    "{ties} of {local} with other places had ended {before}",
    "What did the city learn from its own ended ties, and is this proposal different?",
)


def _third_party_reprisal(ctx: Context) -> dict[str, np.ndarray]:
    """A partner place in a territory another state claims (Taiwan, Kosovo) exposes the
    local side to that state's reprisal: the claim alone counts half, and the
    claimant's own record of cutting ties in reprisal (known by the cut-off, never
    this tie) the rest, saturating at two cases."""
    claims = claims_on(ctx.tables)

    def claimant(lc: str, pc: str, day: dt.date) -> tuple[str, str, str]:
        found = [(state, span) for state, span in claims.get(pc, ()) if span.in_force(day)]
        if not found:
            return "", "", ""
        state, span = found[0]
        return state, span.label, span.sources

    state, label, sources = ctx.per_pair_day(claimant, 3)
    claimed = state != ""
    keys = np.where(claimed, state, "").astype(object)
    counts, examples, ids = ctx.history.endings(
        ctx.history.by_cutting_state, keys, ctx.cutoff, ctx.pair
    )
    counts = np.where(claimed, counts, 0)
    return {
        "third_party_reprisal": np.where(claimed, 1.0 + np.minimum(counts, 2) / 2.0, 0.0),
        "third_party_reprisal__claimant": keys,
        "third_party_reprisal__claim": label,
        "third_party_reprisal__count": counts.astype(float),
        "third_party_reprisal__examples": np.where(claimed, examples, "").astype(object),
        "third_party_reprisal__ids": np.where(claimed, ids, "").astype(object),
        "third_party_reprisal__src": sources,
    }


def _third_party_reprisal_reason(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
    pc = names[r["partner_country"]]
    state = r["third_party_reprisal__claimant"]
    if not state:
        return f"No other state's claim to {pc} is recorded (sovereignty_claims.csv)."
    claimant = names.get(state, state)
    n = 0 if na(r["third_party_reprisal__count"]) else int(r["third_party_reprisal__count"])
    text = (
        f"{claimant} claims {pc}: a tie with {r['partner_name']} exposes the local side to "
        f"reprisal by {claimant}"
    )
    if n == 0:
        return f"{text}; no tie is recorded as cut by the {claimant} side {before(r)}."
    return (
        f"{text}; places in {claimant} had cut {_ties(n)} themselves {before(r)}, "
        f"e.g. {r['third_party_reprisal__examples']}."
    )


THIRD_PARTY_REPRISAL = FactorDef(
    id="third_party_reprisal",
    compute=_third_party_reprisal,
    reason=_third_party_reprisal_reason,
    reads=(
        "partner_country",
        "partner_name",
        "cutoff",
        "third_party_reprisal__claimant",
        "third_party_reprisal__count",
        "third_party_reprisal__examples",
    ),
    sources=("third_party_reprisal__src",),
    precedents="third_party_reprisal__ids",
    question="How would the city respond if the claimant state cut its own ties, "
    "barred its delegations or pressed its firms in reprisal for this tie?",
)
