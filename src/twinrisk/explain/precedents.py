"""The nearest historical precedents: ended dyads most like the proposal.

Similarity is a transparent weighted match (same partner place, same local place,
same states, recency) rather than a learned distance, so an officer can see why a
case was picked. Only endings known by the assessment date count, and the dyad
itself is never its own precedent.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from twinrisk.features.history import History

WEIGHTS = {
    "partner_place": 0.30,
    "local_place": 0.15,
    "local_country": 0.20,
    "partner_country": 0.20,
    "recency": 0.15,  # decays with a ten-year scale
}


def nearest(
    history: History,
    *,
    local_id: str,
    partner_id: str,
    local_country: str,
    partner_country: str,
    cutoff: int,
    pair: str,
    k: int = 3,
) -> pd.DataFrame:
    """Up to ``k`` ended dyads with a ``similarity`` column in [0, 1], best first."""
    e = history.ended
    e = e[(e["ended_year"] <= cutoff) & (e["pair"] != pair)]
    if e.empty:
        return e.assign(similarity=pd.Series(dtype=float))
    ids = e[["local_id", "partner_id"]]
    countries = e[["local_country", "partner_country"]]
    score = (
        WEIGHTS["partner_place"] * ids.eq(partner_id).any(axis=1)
        + WEIGHTS["local_place"] * ids.eq(local_id).any(axis=1)
        + WEIGHTS["local_country"] * countries.eq(local_country).any(axis=1)
        + WEIGHTS["partner_country"] * countries.eq(partner_country).any(axis=1)
        + WEIGHTS["recency"] * np.exp(-(cutoff - e["ended_year"]).clip(lower=0) / 10.0)
    )
    out = e.assign(similarity=score.round(3))
    return out.sort_values(
        ["similarity", "ended_year", "dyad_id"], ascending=[False, False, True], kind="stable"
    ).head(k)
