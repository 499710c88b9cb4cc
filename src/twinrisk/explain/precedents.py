"""The nearest historical precedents: ended dyads most like the proposal.

Similarity is a transparent weighted match (same partner place, same local place,
same states, recency) rather than a learned distance, so an officer can see why a
case was picked. Only endings known by the assessment date count, and the dyad
itself is never its own precedent.
"""

from __future__ import annotations

from typing import Any

import numpy as np

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
) -> list[dict[str, Any]]:
    """Up to ``k`` ended dyads as records (the dyad's columns plus ``similarity`` in
    [0, 1]), best first."""
    e = history.ended_columns
    years = e["ended_year"]
    local_ids, partner_ids = e["local_id"], e["partner_id"]
    lcs, pcs = e["local_country"], e["partner_country"]
    known = (years <= cutoff) & (e["pair"] != pair)
    score = (
        WEIGHTS["partner_place"] * ((local_ids == partner_id) | (partner_ids == partner_id))
        + WEIGHTS["local_place"] * ((local_ids == local_id) | (partner_ids == local_id))
        + WEIGHTS["local_country"] * ((lcs == local_country) | (pcs == local_country))
        + WEIGHTS["partner_country"] * ((lcs == partner_country) | (pcs == partner_country))
        + WEIGHTS["recency"] * np.exp(-np.clip(cutoff - years, 0, None) / 10.0)
    )
    candidates = np.flatnonzero(known)
    ids = e["dyad_id"][candidates]
    order = np.lexsort((ids, -years[candidates], -np.round(score[candidates], 3)))[:k]
    return [
        {**{name: values[i] for name, values in e.items()}, "similarity": round(float(score[i]), 3)}
        for i in candidates[order].tolist()
    ]
