"""Raw factor values -> normalised values in [0, 1], one column per factor.

A scikit-learn transformer: ``fit`` learns what the policy leaves to the data
(the reference distribution behind ``ecdf`` factors), ``transform`` applies the
policy's monotone map, and imputed term values come from the policy. Nothing is
computed in ``__init__``; fitted attributes end in ``_``.

It implements the estimator protocol (``get_params``/``set_params``, ``fit``,
``transform``, ``get_feature_names_out``) rather than subclassing
``sklearn.base.BaseEstimator``: ``clone`` and ``Pipeline`` accept it all the same,
and scoring one proposal from the command line does not pay the second it takes
to import scikit-learn and SciPy.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from twinrisk.model.policy import Policy


@lru_cache(maxsize=64)
def _level_index(levels: tuple[str, ...]) -> tuple[pd.Index, dict[str, int]]:
    return pd.Index(list(levels)), {level: i for i, level in enumerate(levels)}


def _level_codes(levels: tuple[str, ...], names: np.ndarray) -> np.ndarray:
    """Position of each value among the levels (-1 if none): a dict look-up for a
    few rows, pandas' hash table for many."""
    index, lookup = _level_index(levels)
    if len(names) <= 64:
        return np.fromiter(
            (lookup.get(v, -1) if isinstance(v, str) else -1 for v in names.tolist()),
            np.int64,
            len(names),
        )
    positions: np.ndarray = index.get_indexer(names)
    return positions


def _ecdf(reference: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Share of the positive reference values at or below each value; 0 for ≤ 0.
    ``reference`` is sorted (``fit`` stores it so), so its positive finite part is a
    slice found by two binary searches rather than a sort per call."""
    lo = int(np.searchsorted(reference, 0.0, side="right"))
    hi = int(np.searchsorted(reference, np.inf, side="left"))
    positive = reference[lo:hi]
    if positive.size == 0:
        return np.where(values > 0, 1.0, 0.0)
    ranks = np.searchsorted(positive, values, side="right") / positive.size
    return np.where(values > 0, np.maximum(ranks, 1.0 / positive.size), 0.0)


class NotFittedError(ValueError, AttributeError):
    """Raised when a normaliser is used before ``fit`` (same bases as scikit-learn's)."""


class FactorNormaliser:
    """Monotone map of each factor's raw value onto [0, 1], as the policy says."""

    def __init__(self, policy: Policy | None = None):
        self.policy = policy

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {"policy": self.policy}

    def set_params(self, **params: Any) -> FactorNormaliser:
        for key, value in params.items():
            if key != "policy":
                raise ValueError(f"invalid parameter {key!r} for FactorNormaliser")
            setattr(self, key, value)
        return self

    def fit_transform(self, X: pd.DataFrame, y: Any = None) -> pd.DataFrame:
        return self.fit(X, y).transform(X)

    def __sklearn_tags__(self) -> Any:
        """Tags for scikit-learn's ``clone`` and ``Pipeline``; imported only when asked."""
        from sklearn.base import BaseEstimator
        from sklearn.utils import TransformerTags

        tags = BaseEstimator.__sklearn_tags__(self)
        tags.transformer_tags = TransformerTags()
        return tags

    def _check_fitted(self) -> None:
        if not hasattr(self, "reference_"):
            raise NotFittedError("FactorNormaliser is not fitted yet; call fit first")

    def __repr__(self) -> str:
        label = self.policy.label if self.policy is not None else None
        return f"FactorNormaliser(policy={label!r})"

    def fit(self, X: pd.DataFrame, y: Any = None) -> FactorNormaliser:
        if self.policy is None:
            raise ValueError("FactorNormaliser needs a policy")
        self.feature_names_in_ = np.array(self.policy.factor_ids, dtype=object)
        self.reference_ = {
            spec.id: np.sort(X[spec.id].to_numpy(dtype=float))
            for spec in self.policy.factors
            if spec.transform["kind"] == "ecdf"
        }
        self.n_reference_ = len(X)
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame(
            self.transform_columns(X), index=X.index, columns=self.get_feature_names_out()
        )

    def transform_columns(self, X: Mapping[str, Any]) -> np.ndarray:
        """``transform`` on any mapping of column name to array (a DataFrame or a dict),
        as a float array with one column per factor in policy order: the scorer's own
        path, so one proposal pays no DataFrame construction."""
        self._check_fitted()
        assert self.policy is not None
        columns = []
        for spec in self.policy.factors:
            t = spec.transform
            kind = t["kind"]
            raw = X[spec.id]
            if kind == "levels":
                levels = t["levels"]
                names = np.asarray(raw, dtype=object)
                codes = _level_codes(tuple(levels), names)
                if (codes < 0).any():
                    unknown = sorted({str(v) for v in names[codes < 0]})
                    raise ValueError(
                        f"factor {spec.id}: values {unknown} have no level "
                        f"in the policy (levels: {', '.join(levels)})"
                    )
                norm = np.array(list(levels.values()), dtype=float)[codes]
            else:
                values = np.asarray(raw, dtype=float)
                if kind == "linear":
                    norm = values / float(t["cap"])
                elif kind == "ecdf":
                    norm = _ecdf(self.reference_.get(spec.id, np.array([])), values)
                elif kind == "distance":
                    near, far = float(t["near_km"]), float(t["far_km"])
                    norm = (far - values) / (far - near)
                    norm = np.where(np.isnan(values), 0.0, norm)
                elif kind == "term":
                    norm = values / float(t.get("cap", 1.0))
                    norm = np.where(np.isnan(values), float(t.get("impute", 1.0)), norm)
                else:  # pragma: no cover - the policy parser rejects other kinds
                    raise ValueError(kind)
            columns.append(norm)
        if not columns:
            return np.zeros((0, 0))
        out = np.column_stack(columns)
        out[np.isnan(out)] = 0.0
        return np.clip(out, 0.0, 1.0, out=out)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        self._check_fitted()
        return np.asarray(self.feature_names_in_, dtype=object)
