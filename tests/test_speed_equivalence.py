"""The faster paths of issue 14's speed work give what the plain ones gave: each is
checked against a reference written the straightforward way (the code it replaced)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from twinrisk.explain.explanation import _good_points
from twinrisk.explain.precedents import RECORD_COLUMNS, WEIGHTS, nearest
from twinrisk.features.factors.bri import _numbers
from twinrisk.features.factors.context import member_of
from twinrisk.features.history import History, pair_key
from twinrisk.model.engine import engine
from twinrisk.model.policy import load_policy


def _nearest_reference(history: History, rows: dict[str, np.ndarray], k: int = 3) -> list[Any]:
    """Nearest precedents as first written: object arrays compared element by element,
    records read column by column, ties broken on the id strings."""
    e = history.ended_columns
    years = e["ended_year"][None, :]

    def col(values: Any) -> np.ndarray:
        return np.asarray(values)[:, None]

    lid, pid = col(rows["local_id"]), col(rows["partner_id"])
    lc, pc, cut = col(rows["local_country"]), col(rows["partner_country"]), col(rows["cutoff"])
    local_ids, partner_ids = e["local_id"][None, :], e["partner_id"][None, :]
    lcs, pcs = e["local_country"][None, :], e["partner_country"][None, :]
    known = (years <= cut) & (e["pair"][None, :] != col(rows["pair"]))
    score = (
        WEIGHTS["partner_place"] * ((local_ids == pid) | (partner_ids == pid))
        + WEIGHTS["local_place"] * ((local_ids == lid) | (partner_ids == lid))
        + WEIGHTS["local_country"] * ((lcs == lc) | (pcs == lc))
        + WEIGHTS["partner_country"] * ((lcs == pc) | (pcs == pc))
        + WEIGHTS["recency"] * np.exp(-np.clip(cut - years, 0, None) / 10.0)
    )
    out = []
    for row in range(score.shape[0]):
        candidates = np.flatnonzero(known[row])
        s = np.round(score[row, candidates], 3)
        order = np.lexsort((e["dyad_id"][candidates], -e["ended_year"][candidates], -s))[:k]
        out.append(
            [
                {**{name: e[name][i] for name in RECORD_COLUMNS}, "similarity": float(s[j])}
                for j, i in zip(order.tolist(), candidates[order].tolist(), strict=True)
            ]
        )
    return out


def test_nearest_matches_the_element_by_element_reference() -> None:
    """Ended ties themselves (leave-self-out), their places with other partners, an
    unknown place and a missing id, at several cut-off years."""
    history = engine().history
    e = history.ended_columns
    rng = np.random.default_rng(14)
    picks = rng.choice(len(e["dyad_id"]), 40)
    local_id = e["local_id"][picks].copy()
    partner_id = e["partner_id"][rng.permutation(picks)].copy()
    local_id[:10] = e["local_id"][picks[:10]]
    partner_id[:10] = e["partner_id"][picks[:10]]  # the ended ties themselves
    local_id[10] = "gn:not-a-place"
    rows = {
        "local_id": local_id,
        "partner_id": partner_id,
        "local_country": e["local_country"][rng.permutation(picks)],
        "partner_country": e["partner_country"][picks],
        "cutoff": rng.integers(1990, 2027, len(picks)),
    }
    for r in range(11, 14):  # a missing partner id matches no dyad, whatever its codes
        partner_id[r] = None
        rows["cutoff"][r] = 2030
    rows["pair"] = pair_key(rows["local_id"], rows["partner_id"])
    assert np.isin(rows["pair"][:10], e["pair"]).all()  # leave-self-out is exercised
    assert nearest(history, **rows) == _nearest_reference(history, rows)
    assert any(len(found) == 3 for found in _nearest_reference(history, rows))


def test_member_of_is_isin() -> None:
    values = np.array(["SE", "CN", None, "US", "cn", "", "TW"], dtype=object)
    for wanted in (frozenset(), frozenset({"CN"}), frozenset({"TW", "US", "SE", ""})):
        assert member_of(values, wanted).tolist() == np.isin(values, sorted(wanted)).tolist()


@pytest.mark.parametrize(
    "values",
    [
        np.array([2010.0, np.nan, 1999.0]),
        np.array([2010, None, "1999", "", "x"], dtype=object),
        pd.array([2010, None, 1999], dtype="Int64").to_numpy(dtype=object),
    ],
)
def test_numbers_coerce_as_to_numeric(values: np.ndarray) -> None:
    expected = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(float)
    np.testing.assert_array_equal(_numbers(values), expected)


def test_good_points_are_the_terms_scored_at_their_good_value() -> None:
    """The cached points of every controllable term at its good value equal scoring a
    proposal whose terms are all good through the normaliser and scorecard."""
    import twinrisk
    from twinrisk.core.terms import TERMS

    eng, policy = engine(), load_policy()
    good = {t.key: t.good for t in TERMS.values() if t.mitigation is not None}
    a = twinrisk.assess("Luleå", "Xi'an", local_country="SE", partner_country="CN", terms=good)
    points = {f.id: f.points for f in a.factors}
    cached = _good_points(eng, policy)
    assert cached == {t.factor: points[t.factor] for t in TERMS.values() if t.key in good}
    assert _good_points(eng, policy) is cached  # scored once per policy
