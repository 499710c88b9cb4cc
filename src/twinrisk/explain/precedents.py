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
    years = e["ended_year"][None, :]
    # ids and country codes as integers: comparing object arrays costs a Python call
    # per pair of rows and dyads, comparing integers does not (equal ⇔ equal codes)
    lookup, coded = _coded(history)
    local_ids, partner_ids = coded["local_id"][None, :], coded["partner_id"][None, :]
    lcs, pcs = coded["local_country"][None, :], coded["partner_country"][None, :]

    def col(values: Any) -> np.ndarray:
        """Rows against dyads: a column vector."""
        return np.asarray(values)[:, None]

    def code(values: Any) -> np.ndarray:
        """Codes of the rows' values; -1 (equal to no dyad's) for a value no dyad has."""
        listed = np.asarray(values, dtype=object).tolist()
        return np.fromiter(
            (lookup.get(v, -1) if isinstance(v, str) else -1 for v in listed),
            np.int64,
            len(listed),
        )[:, None]

    lid, pid, lc, pc, cut = (
        code(local_id),
        code(partner_id),
        code(local_country),
        code(partner_country),
        col(cutoff),
    )
    known = (years <= cut) & (coded["pair"][None, :] != code(pair))
    score = (
        WEIGHTS["partner_place"] * ((local_ids == pid) | (partner_ids == pid))
        + WEIGHTS["local_place"] * ((local_ids == lid) | (partner_ids == lid))
        + WEIGHTS["local_country"] * ((lcs == lc) | (pcs == lc))
        + WEIGHTS["partner_country"] * ((lcs == pc) | (pcs == pc))
        + WEIGHTS["recency"] * np.exp(-np.clip(cut - years, 0, None) / 10.0)
    )
    ids = coded["dyad_rank"]  # sorts as the dyad ids do
    newest_first = -e["ended_year"]
    rounded = np.round(score, 3)
    records = _records(history, columns)
    out = []
    for row in range(score.shape[0]):
        candidates = np.flatnonzero(known[row])
        s = rounded[row, candidates]
        order = np.lexsort((ids[candidates], newest_first[candidates], -s))[:k]
        out.append(
            [
                {**records[i], "similarity": float(s[j])}
                for j, i in zip(order.tolist(), candidates[order].tolist(), strict=True)
            ]
        )
    return out


#: the columns matched by equality, coded once per history
CODED_COLUMNS = ("local_id", "partner_id", "local_country", "partner_country", "pair")
#: id(history) -> (history, value -> code, column -> codes); identity-keyed: one or two
#: histories live in a process
_CODES: dict[int, tuple[History, dict[str, int], dict[str, np.ndarray]]] = {}


def _coded(history: History) -> tuple[dict[str, int], dict[str, np.ndarray]]:
    """A code per distinct string of the matched columns of the ended dyads, and each
    column as codes. A value that is not a string (a missing id) gets a code of its
    own per dyad, so it equals nothing, as a missing value compared as an object
    equals no string."""
    hit = _CODES.get(id(history))
    if hit is not None and hit[0] is history:
        return hit[1], hit[2]
    e = history.ended_columns
    lookup: dict[str, int] = {}
    coded: dict[str, np.ndarray] = {}
    for name in CODED_COLUMNS:
        values = e[name].tolist()
        coded[name] = np.array(
            [
                lookup.setdefault(v, len(lookup)) if isinstance(v, str) else -2 - i
                for i, v in enumerate(values)
            ],
            dtype=np.int64,
        )
    # the dyad ids' order as integers (equal ids, equal ranks): the last tie-breaker
    # sorts integers instead of strings
    coded["dyad_rank"] = np.unique(e["dyad_id"], return_inverse=True)[1].astype(np.int64)
    if len(_CODES) >= 4:
        _CODES.clear()
    _CODES[id(history)] = (history, lookup, coded)
    return lookup, coded


_RECORDS: dict[tuple[int, tuple[str, ...]], tuple[History, list[dict[str, Any]]]] = {}


def _records(history: History, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    """Each ended dyad's ``columns`` as a dict, built once per history (a copy is
    returned with every precedent, so callers never share one)."""
    hit = _RECORDS.get((id(history), columns))
    if hit is not None and hit[0] is history:
        return hit[1]
    e = history.ended_columns
    kept = {name: e[name] for name in columns}
    records = [dict(zip(kept, row, strict=True)) for row in zip(*kept.values(), strict=True)]
    if len(_RECORDS) >= 8:
        _RECORDS.clear()
    _RECORDS[(id(history), columns)] = (history, records)
    return records
