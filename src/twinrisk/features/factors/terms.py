"""Proposal terms: what the agreement says and who signs it, one factor per
``core.terms.Term`` (the term record already holds the question, the mitigation
and the sentences)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from twinrisk.core.terms import SENSITIVE_DOMAINS, TERMS, Term
from twinrisk.features.factors.context import Context
from twinrisk.features.factors.record import PC, FactorDef, ReasonFn, na

#: the party-state whose United Front Work Department the term asks about
UNITED_FRONT_STATE = "CN"


def _compute(term: Term) -> Any:
    def compute(ctx: Context) -> dict[str, np.ndarray]:
        n = ctx.n
        values = (
            np.asarray(ctx.dyads[term.key], dtype=object)
            if term.key in ctx.dyads
            else np.full(n, None, object)
        )
        known = pd.notna(values) if values.size else np.zeros(0, dtype=bool)
        risk = np.full(n, np.nan)
        if known.any() and term.kind == "bool":
            risk[known] = (values[known] != bool(term.good)).astype(float)
        elif known.any():
            risk[known] = [term.risk(v) for v in values[known]]
        # an unstated term is imputed by the partner state: no reason to ask of a
        # democracy, nor of a United Front link outside China; else as the policy says
        reason = np.where(ctx.partner_state["democracy"], "democracy", "").astype(object)
        if term.key == "counterparty_united_front":
            reason = np.where((reason == "") & (ctx.pc != UNITED_FRONT_STATE), "not_cn", reason)
        benign = ~known & (reason != "")
        risk[benign] = 0.0
        # China's city ties run through CPAFFC, a United Front body: unstated is linked
        managed = np.zeros(n, dtype=bool)
        if term.key == "counterparty_united_front":
            managed = ~known & ~benign & (ctx.pc == UNITED_FRONT_STATE)
            risk[managed] = 1.0
            reason = np.where(managed, "cpaffc", reason)
        # with sanctions or war in force between the states, assume the worst
        hostile = ~known & ~benign & ~managed & ctx.measures["in_force"]
        risk[hostile] = term.risk(_worst(term))
        reason = np.where(hostile, "hostile", reason)
        return {
            term.factor: risk,
            f"{term.factor}__imputed": ~known,
            f"{term.factor}__imputed_as": np.where(benign | hostile | managed, reason, "").astype(
                object
            ),
            f"{term.factor}__given": values,
        }

    return compute


def _worst(term: Term) -> Any:
    """The term's value that earns the most points."""
    if term.kind == "domains":
        return SENSITIVE_DOMAINS
    return not term.good


def _reason(term: Term) -> ReasonFn:
    given_column = f"{term.factor}__given"
    imputed_as_column = f"{term.factor}__imputed_as"

    def reason(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
        given = r[given_column]
        if na(given):
            pc = names[r["partner_country"]]
            if r[imputed_as_column] == "democracy":
                return (
                    f"Not stated in the proposal ({term.key}); imputed as no concern: {pc} is "
                    "rated a democracy (V-Dem Regimes of the World)."
                )
            if r[imputed_as_column] == "hostile":
                return (
                    f"Not stated in the proposal ({term.key}); imputed at the worst: sanctions "
                    f"or war are in force between the two states."
                )
            if r[imputed_as_column] == "cpaffc":
                return (
                    f"Not stated in the proposal ({term.key}); imputed as linked: China's "
                    "sister-city ties are run by CPAFFC, a United Front body (Jamestown "
                    "Foundation, China Brief 2024)."
                )
            if r[imputed_as_column] == "not_cn":
                return (
                    f"Not stated in the proposal ({term.key}); imputed as no concern: the "
                    f"United Front system belongs to the Chinese party-state, not to {pc}."
                )
            return f"Not stated in the proposal ({term.key}); imputed as the policy documents."
        if term.kind == "domains":
            hits = [d for d in given if d in SENSITIVE_DOMAINS]
            if not hits:
                return "The agreement covers no sensitive domain."
            return f"The agreement covers sensitive domains: {', '.join(hits)}."
        return term.if_true if given else term.if_false

    return reason


TERM_FACTORS = tuple(
    FactorDef(
        id=t.factor,
        compute=_compute(t),
        reason=_reason(t),
        reads=(PC, f"{t.factor}__given", f"{t.factor}__imputed_as"),
        question=t.question,
        mitigation=t.mitigation,
    )
    for t in TERMS.values()
)
