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
from twinrisk.features.factors.record import FactorDef, ReasonFn, na


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
        return {
            term.factor: risk,
            f"{term.factor}__imputed": ~known,
            f"{term.factor}__given": values,
        }

    return compute


def _reason(term: Term) -> ReasonFn:
    given_column = f"{term.factor}__given"

    def reason(r: Mapping[str, Any], names: Mapping[str, str]) -> str:
        given = r[given_column]
        if na(given):
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
        reads=(f"{t.factor}__given",),
        question=t.question,
        mitigation=t.mitigation,
    )
    for t in TERMS.values()
)
