"""Due-diligence questions triggered by the factors that scored.

A question is asked when its factor earned at least half its maximum, or when a
proposal term was imputed (the officer should find out rather than accept the
assumption). Each question names its factor; the questions are in the factors'
records.
"""

from __future__ import annotations

from twinrisk.core.terms import TERMS
from twinrisk.features.factors import FACTORS

QUESTIONS: dict[str, str] = {f.id: f.question for f in FACTORS}

_TERM_FACTORS = frozenset(t.factor for t in TERMS.values())


def triggered(factor: str, points: int, max_points: int, imputed: bool) -> bool:
    if max_points <= 0:
        return False
    if factor in _TERM_FACTORS and imputed:
        return True
    return points * 2 >= max_points and points > 0
