"""The likelihood of breakdown: the panel's labels, exact additivity, monotone
evidence, probabilities in (0, 1), leave-self-out, and old artifacts still loading."""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from twinrisk.data.loaders import load_tables
from twinrisk.model.artifact import ModelArtifact
from twinrisk.model.engine import build_history
from twinrisk.model.evidence import EVIDENCE, RELATIONAL
from twinrisk.model.likelihood import Likelihood
from twinrisk.model.panel import panel_frame, tie_histories
from twinrisk.model.relational import likelihood_columns
from twinrisk.model.train import curated_features

ENDED_2019 = "linkoping-guangzhou"  # terminated by Linköping, November 2019
EVIDENCE_COLUMNS = ("sanctions__in_force", *(e.name for e in EVIDENCE))


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return panel_frame(load_tables())


@pytest.fixture(scope="module")
def model(panel: pd.DataFrame) -> Likelihood:
    return Likelihood().fit(panel, panel["label"])


def _columns(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    return {name: frame[name].to_numpy() for name in frame.columns}


def test_panel_labels_a_known_ended_tie(panel: pd.DataFrame) -> None:
    rows = panel[panel["dyad_id"] == ENDED_2019].set_index("panel_year")["label"]
    assert all(rows[year] == 1 for year in range(2015, 2020))
    assert rows[2014] == 0  # 2014..2018: still alive
    assert 2020 not in rows.index  # ended on 30 Nov 2019, known by 31 Dec 2019


def test_unconfirmed_endings_are_not_endings() -> None:
    tables = load_tables()
    events = tables.extra["tie_events.csv"]
    unconfirmed = events.loc[events["confirmed"].astype(str) == "false", "dyad_id"]
    histories = tie_histories(tables)
    for dyad_id in unconfirmed:
        assert not histories[dyad_id].ends_within(2000, 2030)


def test_contributions_add_up_to_the_log_odds(model: Likelihood, panel: pd.DataFrame) -> None:
    parts, _ = model.contributions(panel)
    p = model.predict_proba(panel)[:, 1]
    np.testing.assert_allclose(model.intercept_ + parts.sum(axis=1), np.log(p / (1 - p)), atol=1e-9)
    proba, rows = model.predict_columns(_columns(panel.head(50)))
    for prob, row in zip(proba, rows, strict=True):
        logit = model.intercept_ + sum(c.contribution for c in row)
        assert abs(logit - np.log(prob / (1 - prob))) < 1e-9
        assert [c.feature for c in row] == [e.name for e in EVIDENCE]


def test_likelihood_is_a_probability(model: Likelihood, panel: pd.DataFrame) -> None:
    p = model.predict_proba(panel)[:, 1]
    assert ((p > 0) & (p < 1)).all()


def test_weights_are_non_negative_and_each_item_is_monotone(model: Likelihood) -> None:
    assert (model.coef_ >= 0).all()
    grid = np.linspace(0, 25, 101)
    for item in EVIDENCE:
        rows = {column: np.zeros(len(grid)) for column in EVIDENCE_COLUMNS}
        if item.name == "sanctions":  # 1: an open sanctions/war event, 2: in force
            rows["sanctions"] = (grid >= 1).astype(float)
            rows["sanctions__in_force"] = (grid >= 2).astype(float)
        else:
            rows[item.name] = grid
        logit = model.decision_function(rows)
        assert (np.diff(logit) >= 0).all(), item.name
        assert logit[0] == pytest.approx(model.intercept_)


def _with_relational(tables: Any, rows: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """The features of curated rows as the likelihood reads them."""
    features = curated_features(tables, rows, day)
    columns = {name: features[name].to_numpy() for name in features.columns}
    for name, values in likelihood_columns(columns, tables, build_history(tables)).items():
        features[name] = values
    return features


def test_a_ties_own_ending_never_feeds_its_own_features() -> None:
    tables = load_tables()
    dyads = tables.dyads
    own = dyads[dyads["dyad_id"] == ENDED_2019]
    erased = dyads.copy()
    mask = erased["dyad_id"] == ENDED_2019
    erased.loc[mask, "status"] = "active"
    erased.loc[mask, ["ended_year", "ended_by", "reason_code"]] = None
    without = dataclasses.replace(tables, dyads=erased)
    day = dt.date(2023, 12, 31)
    a = _with_relational(tables, own, day)
    b = _with_relational(without, own, day)
    assert a.loc[:, list(EVIDENCE_COLUMNS)].equals(b.loc[:, list(EVIDENCE_COLUMNS)])
    assert a["local_place_endings"].iloc[0] == 0  # Linköping's only ended tie is this one


def test_factors_of_one_row_match_the_batch(model: Likelihood, panel: pd.DataFrame) -> None:
    row = panel.iloc[-1].to_dict()
    factors = model.likelihood_factors(row)
    parts, values = model.contributions(panel.iloc[[-1]])
    assert [c.contribution for c in factors] == pytest.approx(parts[0].tolist(), abs=1e-12)
    assert all(c.reason.endswith(".") and c.dataset for c in factors)
    assert [c.value for c in factors] == values[0].tolist()


def test_estimator_conventions(model: Likelihood) -> None:
    fresh = clone(model)
    assert not hasattr(fresh, "coef_")
    assert len(model.get_feature_names_out()) == len(model.coef_)


def test_an_artifact_from_before_the_likelihood_loads_with_none() -> None:
    artifact = ModelArtifact("v", "d", "p", "2026-01-01", pd.DataFrame(), None)
    del artifact.__dict__["likelihood"]  # as pickled by the older class
    assert pickle.loads(pickle.dumps(artifact)).likelihood is None


def _wave(tables: Any, dyad_ids: list[str], day: dt.date) -> list[float]:
    dyads = tables.dyads
    rows = dyads.set_index("dyad_id").loc[dyad_ids].reset_index()
    return [float(v) for v in _with_relational(tables, rows, day)["recent_wave"]]


def test_a_ties_own_ending_never_feeds_its_recent_wave() -> None:
    """Linköping–Guangzhou and Borlänge–Wuhan ended in 2019: as of 31 December 2019
    Luleå–Xi'an (still alive) sees both, Linköping–Guangzhou only the other one, and
    erasing Linköping's own ending changes nothing for itself."""
    tables = load_tables()
    day = dt.date(2019, 12, 31)
    own, other = _wave(tables, [ENDED_2019, "lulea-xi_an"], day)
    assert other == 2
    assert own == other - 1
    erased = tables.dyads.copy()
    mask = erased["dyad_id"] == ENDED_2019
    erased.loc[mask, "status"] = "active"
    erased.loc[mask, ["ended_year", "ended_by", "reason_code"]] = None
    without = dataclasses.replace(tables, dyads=erased)
    assert _wave(without, [ENDED_2019], day) == [own]
    # a wave is recent: the same endings are out of the window four years on
    assert _wave(tables, ["jonkoping-tianjin"], dt.date(2023, 12, 31))[0] < 9


def test_the_relational_items_read_dated_facts(panel: pd.DataFrame) -> None:
    se_cn = panel[(panel["local_country"] == "SE") & (panel["partner_country"] == "CN")]
    assert (se_cn["regime_divide"] == 1).all()
    assert se_cn["regime_divide__src"].str.contains("vdem").all()
    allies = panel[(panel["local_country"] == "DE") & (panel["partner_country"] == "FR")]
    assert (allies["regime_divide"] == 0).all()
    wave = panel.loc[(panel["dyad_id"] == "lulea-xi_an"), ["panel_year", "recent_wave"]]
    by_year = wave.set_index("panel_year")["recent_wave"]
    assert by_year[2019] == 0 and by_year[2020] == 2  # known from 31 December 2019


def test_a_model_fitted_on_fewer_items_keeps_them(panel: pd.DataFrame) -> None:
    """An artifact trained before items were added predicts with its own items."""
    old = [e.name for e in EVIDENCE if e not in RELATIONAL]
    model = Likelihood(evidence=old).fit(panel, panel["label"])
    model.evidence = None  # as unpickled from a class whose EVIDENCE has grown
    parts, _ = model.contributions(panel)
    assert parts.shape == (len(panel), len(old))
    assert [c.feature for c in model.likelihood_factors(panel.iloc[0].to_dict())] == old


def test_without_any_usable_step_the_model_is_the_base_rate(panel: pd.DataFrame) -> None:
    early = panel[panel["panel_year"] <= 2007]  # no ending within five years yet
    model = Likelihood(evidence=["recent_wave"]).fit(early, early["label"].to_numpy())
    assert (model.coef_ == 0).all()
    p = model.predict_proba(panel)[:, 1]
    assert ((p > 0) & (p < 0.01)).all()
