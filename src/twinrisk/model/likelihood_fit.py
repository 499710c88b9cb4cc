"""Fitting ``likelihood_5y`` for ``twinrisk train``: the panel, the backtest, the
final fit on every panel year, and the model card's "Likelihood" part."""

from __future__ import annotations

from typing import Any

from twinrisk.data.loaders import Tables
from twinrisk.model.backtest import RULES, backtest, calibration
from twinrisk.model.likelihood import Likelihood
from twinrisk.model.panel import HORIZON_YEARS, panel_frame

C = 1.0
#: the targets of issue 14 ("Done means"), AUC on the backtest per group
TARGETS = {"all ties": 0.85, "CN partners": 0.75}
LIMITS = [
    "Most recorded endings are ties with Russian places (2016, 2022), and sanctions or a war "
    "in force carry most of the weight: the likelihood tells ties like those from the rest. "
    "The targets of issue 14 are not met (see the targets table): over all ties the model "
    "does no better than the rule 'an open sanctions or war event between the two states'.",
    "Among ties with Chinese partners only three endings precede 2019 (Japan 2003 and 2012, "
    "a US tie in 2016). The Swedish, Czech, Danish and Dutch endings of 2019-2023 were "
    "decided by councils in democracies whose other ties with Chinese places were kept, and "
    "the evidence known before them is the same for the ties that ended and those kept: each "
    "backtest table lists what varies among its test rows, and no one-line rule on it ranks "
    "them above 0.6.",
    "A recent wave of endings between the two states, a democracy facing an autocracy and a "
    "legal regime in force were added on 2026-11-28 and tested one by one (the 'model "
    "without' rows): none moves the backtest by more than a few hundredths, and fitted on "
    "every panel year each gets weight 0 (after a wave, the ties left are the ones kept). "
    "What the targets would take: dated evidence that precedes the endings and varies among "
    "ties with Chinese partners (council motions and debates, national reviews of "
    "sub-national ties, each tie's last recorded activity), and more recorded ties that were "
    "kept in the countries where others ended.",
    "Ties whose history begins with their ending (no signed, listed or active event) count "
    "from the first panel year; ties were curated partly because they ended, so rates are "
    "higher than among all twinnings.",
    "Base rates move with events (the 2022 wave): a fit on earlier years under-predicts "
    "later endings, as the calibration tables of the early split show. A training year's "
    "five-year window runs past the split in the 'all dyads' and 'unseen dyads' subsets; "
    "'labels known before split' is the strict out-of-time test.",
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
        "repeated, so every weight is >= 0 (monotone; with no step left, the base rate); "
        "plain logistic calibration, checked in the backtest's calibration tables",
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
        "targets": TARGETS,
        "calibration_in_sample": calibration(labels, in_sample),
        "backtest": backtest(panel, C),
        "limits": LIMITS,
    }
    return model, card
