"""Fitting ``likelihood_5y`` for ``twinrisk train``: the panel, the backtest, the
final fit on every panel year, and the model card's "Likelihood" part."""

from __future__ import annotations

from typing import Any

from twinrisk.data.loaders import Tables
from twinrisk.model.backtest import RULES, backtest, calibration
from twinrisk.model.likelihood import Likelihood
from twinrisk.model.panel import HORIZON_YEARS, panel_frame

C = 1.0
LIMITS = [
    "Most recorded endings are ties with Russian places (2014, 2016, 2022), and sanctions "
    "or a war in force carry most of the weight: the likelihood tells ties like those from "
    "the rest. Among ties with Chinese partners the evidence barely varies, and the "
    "backtest ranks them no better than chance.",
    "Ties whose history begins with their ending (no signed, listed or active event) count "
    "from the first panel year; ties were curated partly because they ended, so rates are "
    "higher than among all twinnings.",
    "Base rates move with events (the 2022 wave): a fit on earlier years under-predicts "
    "later endings, as the calibration tables of the early split show.",
]


def fit_likelihood(tables: Tables) -> tuple[Likelihood, dict[str, Any]]:
    """The likelihood fitted on the whole panel, and its card part."""
    panel = panel_frame(tables)
    labels = panel["label"].to_numpy()
    model = Likelihood(C=C).fit(panel, labels)
    in_sample = model.predict_proba(panel)[:, 1]
    card = {
        "target": f"suspended, terminated, lapsed or blocked within {HORIZON_YEARS} years "
        "(confirmed ending events of tie_events.csv)",
        "method": f"scikit-learn LogisticRegression (L2, C={C}) on step indicators of "
        "relational evidence; steps given a negative weight are dropped and the fit "
        "repeated, so every weight is >= 0 (monotone); plain logistic calibration, checked "
        "in the backtest's calibration tables",
        "panel": {
            "years": f"{int(panel['panel_year'].min())}-{int(panel['panel_year'].max())}",
            "dyad_years": len(panel),
            "ended_within_5y": int(labels.sum()),
            "ties": int(panel["dyad_id"].nunique()),
            "ties_without_start_event": int(panel.loc[~panel["start_known"], "dyad_id"].nunique()),
        },
        "intercept": round(model.intercept_, 4),
        "coefficients": model.coefficients(),
        "rules": list(RULES),
        "calibration_in_sample": calibration(labels, in_sample),
        "backtest": backtest(panel, C),
        "limits": LIMITS,
    }
    return model, card
