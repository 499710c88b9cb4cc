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

#: what an explanation shows of a precedent
RECORD_COLUMNS = (
    "dyad_id",
    "local_place",
    "local_country",
    "partner_place",
    "partner_country",
    "kind",
    "status",
    "established_year",
    "ended_year",
    "ended_by",
    "reason_code",
    "reason",
    "sources",
)
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
    local_id: np.ndarray,
    partner_id: np.ndarray,
    local_country: np.ndarray,
    partner_country: np.ndarray,
    cutoff: np.ndarray,
    pair: np.ndarray,
    k: int = 3,
    columns: tuple[str, ...] = RECORD_COLUMNS,
) -> list[list[dict[str, Any]]]:
    """For each proposal (one per position of the arrays): up to ``k`` ended dyads as
    records (``columns`` of the dyad plus ``similarity`` in [0, 1]), best first. All
    proposals are matched against all ended dyads in one array operation."""
    e = history.ended_columns
    kept = {name: e[name] for name in columns}
    years = e["ended_year"][None, :]
    local_ids, partner_ids = e["local_id"][None, :], e["partner_id"][None, :]
    lcs, pcs = e["local_country"][None, :], e["partner_country"][None, :]

    def col(values: Any) -> np.ndarray:
        """Rows against dyads: a column vector."""
        return np.asarray(values)[:, None]

    lid, pid, lc, pc, cut = (
        col(local_id),
        col(partner_id),
        col(local_country),
        col(partner_country),
        col(cutoff),
    )
    known = (years <= cut) & (e["pair"][None, :] != col(pair))
    score = (
        WEIGHTS["partner_place"] * ((local_ids == pid) | (partner_ids == pid))
        + WEIGHTS["local_place"] * ((local_ids == lid) | (partner_ids == lid))
        + WEIGHTS["local_country"] * ((lcs == lc) | (pcs == lc))
        + WEIGHTS["partner_country"] * ((lcs == pc) | (pcs == pc))
        + WEIGHTS["recency"] * np.exp(-np.clip(cut - years, 0, None) / 10.0)
    )
    ids = e["dyad_id"]
    out = []
    for row in range(score.shape[0]):
        candidates = np.flatnonzero(known[row])
        s = np.round(score[row, candidates], 3)
        order = np.lexsort((ids[candidates], -e["ended_year"][candidates], -s))[:k]
        out.append(
            [
                {**{name: values[i] for name, values in kept.items()}, "similarity": float(s[j])}
                for j, i in zip(order.tolist(), candidates[order].tolist(), strict=True)
            ]
        )
    return out
