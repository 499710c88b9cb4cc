"""The scoring stage of a run: prepared rows -> features -> normalised values ->
integer points per factor, and points per group."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from twinrisk.features.build import prepared_features
from twinrisk.features.prepare import Prepared
from twinrisk.model.engine import Engine
from twinrisk.model.policy import Policy
from twinrisk.model.relational import likelihood_columns
from twinrisk.model.scorecard import group_totals, points_array


@dataclass
class Scored:
    """Features (one array per column), normalised values and points (rows × factors,
    policy order) of prepared rows, and the points per group."""

    features: dict[str, np.ndarray]
    normalised: np.ndarray
    points: np.ndarray
    groups: dict[str, np.ndarray]
    #: probability of ending within five years per row, and each row's contributions
    #: (None when the artifact predates the likelihood model)
    likelihood: np.ndarray | None = None
    likelihood_parts: np.ndarray | None = None  # rows × items, log-odds
    likelihood_values: np.ndarray | None = None  # rows × items, the items' values


def score_rows(eng: Engine, prep: Prepared, policy: Policy) -> Scored:
    """Features, normalised values and points of the prepared rows under ``policy``."""
    features = prepared_features(prep, eng.tables, eng.history)
    norm = eng.normaliser(policy).transform_columns(features)
    points = points_array(norm, policy)
    model = eng.artifact.likelihood
    likelihood = parts = values = None
    if model is not None:
        features.update(likelihood_columns(features, eng.tables, eng.history))
        parts, values = model.contributions(features)
        likelihood = 1.0 / (1.0 + np.exp(-(model.intercept_ + parts.sum(axis=1))))
    return Scored(
        features=features,
        normalised=norm,
        points=points,
        groups=group_totals(points, policy),
        likelihood=likelihood,
        likelihood_parts=parts,
        likelihood_values=values,
    )
