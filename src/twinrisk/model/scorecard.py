"""Points per factor: round(max_points × normalised), so the score is their exact sum.

Points are whole numbers, as on a credit scorecard: a council paper can add them
up by hand, and ``sum(points) == score`` holds exactly, not to a tolerance.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from twinrisk.model.policy import GROUPS, Policy


def points_array(normalised: np.ndarray, policy: Policy) -> np.ndarray:
    """Integer points per factor (half up), never above the factor's maximum; columns
    in policy order, as ``FactorNormaliser.transform_columns`` returns them."""
    maxima = np.array([f.max_points for f in policy.factors], dtype=float)
    pts = np.floor(np.asarray(normalised, dtype=float) * maxima + 0.5).astype(np.int64)
    points: np.ndarray = np.minimum(pts, maxima.astype(np.int64))
    return points


def points_frame(normalised: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """``points_array`` for a frame of normalised values, indexed like it."""
    values = normalised[policy.factor_ids].to_numpy(dtype=float)
    return pd.DataFrame(
        points_array(values, policy), index=normalised.index, columns=policy.factor_ids
    )


def group_totals(points: np.ndarray, policy: Policy) -> dict[str, np.ndarray]:
    """Points per group for each row of ``points_array`` output."""
    groups = np.array([f.group for f in policy.factors], dtype=object)
    return {g: points[:, groups == g].sum(axis=1).astype(np.int64) for g in GROUPS}
