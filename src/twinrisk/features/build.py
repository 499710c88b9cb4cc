"""Raw factor values for rows of dyads, as of each row's date.

One row per dyad in, one column per factor out (plus ``<factor>__…`` evidence
columns the explanations quote: the year of a debt figure, the events behind the
climate, example precedents, source ids). Each factor's record
(``features.factors``) computes its own columns; work several factors share is
done once per run by the ``Context``.

Every factor is defined for any pair of countries: a Japanese creditor, an EU
sanctions regime or a Russian partner raise the score through the same columns
as a Chinese one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from twinrisk import places
from twinrisk.data.loaders import Tables
from twinrisk.features.factors import FACTORS, Context
from twinrisk.features.factors.legal import legal_evidence
from twinrisk.features.history import History
from twinrisk.features.prepare import Prepared

INPUT_COLUMNS = (
    "local_id",
    "local_name",
    "local_country",
    "partner_id",
    "partner_name",
    "partner_country",
    "as_of",
)


def feature_columns(
    dyads: Mapping[str, Any],
    tables: Tables,
    history: History,
    facts: Mapping[str, np.ndarray],
) -> dict[str, np.ndarray]:
    """Raw factor values and evidence, one array per column (see module docstring).

    ``dyads`` maps ``INPUT_COLUMNS`` (``as_of`` as dates) and any term columns
    (parsed values, ``None`` when unknown) to equal-length arrays; ``facts`` maps
    ``places.location_fact_columns`` names to arrays aligned with the rows' local
    places.
    """
    ctx = Context(dyads, tables, history, facts)
    out: dict[str, np.ndarray] = {}
    for factor in FACTORS:
        out.update(factor.compute(ctx))
    out.update(legal_evidence(ctx))  # for the due-diligence level, not the score
    out["cutoff"] = ctx.cutoff
    out["pair"] = ctx.pair
    return out


def prepared_features(prep: Prepared, tables: Tables, history: History) -> dict[str, np.ndarray]:
    """The features of prepared rows, with the places' names and countries that the
    reasons quote: what scoring and training both read."""
    facts = dict(places.location_fact_columns(prep.locals))  # aligned with the rows
    facts["partner_border_km"] = places.partner_border_km(
        prep.locals, prep.columns["partner_country"].tolist()
    )
    features = feature_columns(prep.columns, tables, history, facts)
    for name in ("local_name", "partner_name", "local_country", "partner_country"):
        features[name] = prep.columns[name]
    return features


def build_features(
    dyads: pd.DataFrame, tables: Tables, history: History, facts: pd.DataFrame
) -> pd.DataFrame:
    """``feature_columns`` as a DataFrame indexed like ``dyads``, for training and
    analysis; ``facts`` is ``places.location_facts`` indexed by place id."""
    aligned = facts.reindex(dyads["local_id"].to_numpy(dtype=object))
    columns = {
        name: values.to_numpy(dtype=object) if values.dtype == object else values.to_numpy()
        for name, values in aligned.items()
    }
    return object_frame(feature_columns(dyads, tables, history, columns), dyads.index)


def object_frame(columns: Mapping[str, Any], index: Any = None) -> pd.DataFrame:
    """A DataFrame that keeps object arrays as objects: pandas would otherwise copy every
    text column into Arrow strings, which costs more than the scoring itself."""
    return pd.DataFrame(
        {
            name: pd.Series(values, index=index, dtype=object)
            if isinstance(values, np.ndarray) and values.dtype == object
            else values
            for name, values in columns.items()
        },
        index=index,
    )
