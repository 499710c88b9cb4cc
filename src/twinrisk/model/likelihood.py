"""``likelihood_5y``: the probability that a tie is suspended or terminated within
five years, as a scorecard in the credit sense.

A logistic regression (L2) on step indicators of a few items of relational
evidence (``model.evidence``). Each weight is kept non-negative: a fit that gives a
step a negative weight drops that step (merging it with the bin below) and fits
again, so the likelihood never falls as evidence grows. The model's log-odds are
the intercept plus one contribution per item, exactly, which is what
``likelihood_factors`` reports.

Calibration: the plain logistic regression is kept (see the model card's backtest
tables). Its log-loss fit is already a calibration in log-odds; isotonic
calibration would break the exact additivity the explanations need, and a Platt
rescaling is an affine map of the same log-odds, which the fit itself optimises.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression

from twinrisk.model.evidence import EVIDENCE, Evidence


@dataclass(frozen=True)
class LikelihoodContribution:
    """One item's share of a tie's log-odds of ending within five years."""

    feature: str
    value: float
    contribution: float  # log-odds
    reason: str
    source_column: str | None  # the features column holding source ids, if any
    dataset: str  # the data behind the value, cited even when it is zero


class Likelihood(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Additive, monotone logistic scorecard over ``model.evidence.EVIDENCE``.

    ``X`` is anything indexable by feature column name (a DataFrame, or the dict
    of arrays ``features.build.prepared_features`` returns)."""

    def __init__(self, C: float = 1.0, evidence: Sequence[str] | None = None) -> None:
        self.C = C
        self.evidence = evidence

    def _items(self) -> tuple[Evidence, ...]:
        # a fitted model reads the items it was fitted on, so an artifact stays valid
        # when items are added to ``EVIDENCE`` later
        chosen = getattr(self, "items_", None) or self.evidence
        if chosen is None:
            return EVIDENCE
        return tuple(e for e in EVIDENCE if e.name in chosen)

    def _values(self, X: Mapping[str, Any]) -> np.ndarray:
        return np.column_stack([e.value(X) for e in self._items()])

    def _steps(self, values: np.ndarray) -> np.ndarray:
        cols = [values[:, i] >= t for i, e in enumerate(self._items()) for t in e.thresholds]
        return np.column_stack(cols).astype(float)

    def fit(self, X: Mapping[str, Any], y: Any) -> Likelihood:
        self.__dict__.pop("items_", None)  # a refit chooses its items afresh
        steps = self._steps(self._values(X))
        target = np.asarray(y, dtype=int)
        active = steps.std(axis=0) > 0  # a step no training row reaches gets no weight
        rate = float(np.clip(target.mean(), 1e-6, 1 - 1e-6))
        weights, intercept = np.zeros(0), float(np.log(rate / (1 - rate)))
        while active.any():  # with no step left, the base rate's log-odds alone
            lr = LogisticRegression(C=self.C, max_iter=1000)
            lr.fit(steps[:, active], target)
            weights, intercept = lr.coef_[0], float(lr.intercept_[0])
            if weights.min() >= 0:
                break
            drop = np.flatnonzero(active)[int(np.argmin(weights))]
            active[drop] = False
        coef = np.zeros(steps.shape[1])
        coef[active] = weights if active.any() else 0.0
        self.coef_ = coef
        self.intercept_ = intercept
        self.classes_ = np.array([0, 1])
        self.items_ = tuple(e.name for e in self._items())
        self.step_names_ = [s for e in self._items() for s in e.steps()]
        return self

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.asarray(self.step_names_, dtype=object)

    def contributions(self, X: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        """Per row, each item's contribution in log-odds; and the items' values."""
        values = self._values(X)
        weighted = self._steps(values) * self.coef_
        out = np.zeros(values.shape)
        start = 0
        for i, e in enumerate(self._items()):
            stop = start + len(e.thresholds)
            out[:, i] = weighted[:, start:stop].sum(axis=1)
            start = stop
        return out, values

    def decision_function(self, X: Mapping[str, Any]) -> np.ndarray:
        parts, _ = self.contributions(X)
        result: np.ndarray = self.intercept_ + parts.sum(axis=1)
        return result

    def predict_proba(self, X: Mapping[str, Any]) -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: Mapping[str, Any]) -> np.ndarray:
        return (self.decision_function(X) > 0).astype(int)

    def predict_columns(
        self, features: Mapping[str, np.ndarray]
    ) -> tuple[np.ndarray, list[list[LikelihoodContribution]]]:
        """The probability per row and, per row, each item's contribution with its
        reason; ``features`` as ``features.build.prepared_features`` returns it."""
        parts, values = self.contributions(features)
        proba = 1.0 / (1.0 + np.exp(-(self.intercept_ + parts.sum(axis=1))))
        return proba, [self.explain_row(parts[r], values[r]) for r in range(len(proba))]

    def explain_row(self, parts: np.ndarray, values: np.ndarray) -> list[LikelihoodContribution]:
        """One row's contributions with reasons, from its rows of ``contributions``: a
        batch computes the arrays for all rows and writes sentences only when asked."""
        return [
            _contribution(e, float(values[i]), float(parts[i])) for i, e in enumerate(self._items())
        ]

    def likelihood_factors(self, row: Mapping[str, Any]) -> list[LikelihoodContribution]:
        """One row's contributions (a mapping of feature column to value)."""
        features = {name: np.asarray([value]) for name, value in row.items()}
        return self.predict_columns(features)[1][0]

    def coefficients(self) -> list[dict[str, Any]]:
        """The fitted steps with each item's rationale, for the model card."""
        weights = dict(zip(self.step_names_, self.coef_, strict=True))
        return [
            {
                "step": step,
                "weight_log_odds": round(float(weights[step]), 4),
                "rationale": e.rationale,
            }
            for e in self._items()
            for step in e.steps()
        ]


@lru_cache(maxsize=4096)
def _contribution(e: Evidence, value: float, contribution: float) -> LikelihoodContribution:
    """Written once per distinct item value: the values are small counts and flags."""
    clause = e.describe(value)
    if contribution > 0:
        effect = f"ties with this record ended more often ({contribution:+.2f} log-odds)"
    else:
        effect = "no change to the odds"
    reason = f"{clause[0].upper()}{clause[1:]}: {effect}."
    return LikelihoodContribution(e.name, value, contribution, reason, e.source_column, e.dataset)
