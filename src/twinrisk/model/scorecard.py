"""Points per factor: round(max_points × normalised), so the score is their exact sum.

Points are whole numbers, as on a credit scorecard: a council paper can add them
up by hand, and ``sum(points) == score`` holds exactly, not to a tolerance.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from twinrisk.model.policy import GROUPS, Policy
from twinrisk.model.transforms import FactorNormaliser


def points_frame(normalised: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """Integer points per factor (half up), never above the factor's maximum."""
    maxima = np.array([f.max_points for f in policy.factors], dtype=float)
    values = normalised[policy.factor_ids].to_numpy(dtype=float)
    pts = np.floor(values * maxima + 0.5).astype(np.int64)
    return pd.DataFrame(
        np.minimum(pts, maxima.astype(np.int64)), index=normalised.index, columns=policy.factor_ids
    )


def group_points(points: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    groups = {g: [f.id for f in policy.factors if f.group == g] for g in GROUPS}
    return pd.DataFrame(
        {g: points[ids].sum(axis=1) if ids else 0 for g, ids in groups.items()}, index=points.index
    ).astype("int64")


def score(
    features: pd.DataFrame, normaliser: FactorNormaliser
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Normalised values and points for a feature frame."""
    assert normaliser.policy is not None
    norm = normaliser.transform(features)
    return norm, points_frame(norm, normaliser.policy)
