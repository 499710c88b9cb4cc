"""The likelihood's backtest: fit on panel years before a split, test on the years
from it, over all ties, within ties with Chinese partners, and on ties the model
never saw (a random quarter of dyads held out of training). A training year's label
window runs past the split (2018's runs to 2022), so the fit also sees some test-period
endings; the third subset trains only on years whose window closed before the split.

Beside the model: the base rate and one-line rules, each scored as a 0/1 flag
(AUC) and as the training rate of its flag (Brier). Nothing here is tuned: the
rules and bins are fixed before the split.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import brier_score_loss, roc_auc_score

from twinrisk.model.evidence import EVIDENCE, RELATIONAL
from twinrisk.model.likelihood import Likelihood
from twinrisk.model.panel import HORIZON_YEARS

SPLIT_YEARS = (2016, 2019)
HOLDOUT_SHARE = 0.25
HOLDOUT_SEED = 14
CALIBRATION_BINS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0)

RULES: dict[str, Callable[[pd.DataFrame], np.ndarray]] = {
    "sanctions in force": lambda p: p["sanctions__in_force"].astype(bool).to_numpy(),
    "country_endings >= 1": lambda p: (p["country_endings"] >= 1).to_numpy(),
    "partner_retaliation >= 1": lambda p: (p["partner_retaliation"] >= 1).to_numpy(),
    "partner_place_endings >= 1": lambda p: (p["partner_place_endings"] >= 1).to_numpy(),
    "climate_tension >= 2": lambda p: (p["climate_tension"] >= 2).to_numpy(),
    "sanctions >= 1 (an open sanctions or war event)": lambda p: (
        p["sanctions"].fillna(0) + p["sanctions__in_force"].fillna(0) >= 1
    ).to_numpy(),
    "local_place_endings >= 1": lambda p: (p["local_place_endings"] >= 1).to_numpy(),
    "recent_wave >= 1": lambda p: (p["recent_wave"] >= 1).to_numpy(),
    "regime_divide": lambda p: (p["regime_divide"] >= 1).to_numpy(),
    "legal_regime >= 1": lambda p: (p["legal_regime"] >= 1).to_numpy(),
}
#: the model without these items, to show what each adds
ABLATIONS: dict[str, tuple[str, ...]] = {
    **{f"model without {e.name}": (e.name,) for e in EVIDENCE},
    "model without the items added 2026-11-28": tuple(e.name for e in RELATIONAL),
}


def _auc(labels: np.ndarray, scores: np.ndarray) -> float | None:
    if labels.min() == labels.max():
        return None
    return round(float(roc_auc_score(labels, scores)), 3)


def _brier(labels: np.ndarray, p: np.ndarray) -> float:
    return round(float(brier_score_loss(labels, p)), 4)


def calibration(labels: np.ndarray, p: np.ndarray) -> list[dict[str, Any]]:
    """Predicted against observed rate in fixed bins of the likelihood."""
    rows = []
    edges = CALIBRATION_BINS
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        mask = (p >= lo) & ((p < hi) if hi < 1 else (p <= hi))
        n = int(mask.sum())
        rows.append(
            {
                "likelihood": f"{lo:.2f}-{hi:.2f}",
                "dyad_years": n,
                "mean_predicted": round(float(p[mask].mean()), 3) if n else None,
                "observed": round(float(labels[mask].mean()), 3) if n else None,
            }
        )
    return rows


def _scores(
    train: pd.DataFrame, test: pd.DataFrame, model: Likelihood
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(AUC score, Brier probability) per scorer on ``test``."""
    y = train["label"].to_numpy()
    base = float(y.mean())
    out = {
        "model": (model.predict_proba(test)[:, 1],) * 2,
        "base rate": (np.full(len(test), base),) * 2,
    }
    for name, dropped in ABLATIONS.items():
        kept = [e.name for e in EVIDENCE if e.name not in dropped]
        p = Likelihood(C=model.C, evidence=kept).fit(train, y).predict_proba(test)[:, 1]
        out[name] = (p, p)
    for name, rule in RULES.items():
        flag_train, flag_test = rule(train), rule(test)
        rate = {
            v: float(y[flag_train == v].mean()) if (flag_train == v).any() else base
            for v in (False, True)
        }
        out[f"rule: {name}"] = (
            flag_test.astype(float),
            np.where(flag_test, rate[True], rate[False]),
        )
    return out


def _evaluate(train: pd.DataFrame, test: pd.DataFrame, C: float) -> dict[str, Any]:
    model = Likelihood(C=C).fit(train, train["label"])
    groups = {"all ties": np.ones(len(test), bool), "CN partners": _cn(test)}
    result: dict[str, Any] = {
        "train_rows": len(train),
        "train_positives": int(train["label"].sum()),
    }
    scores = _scores(train, test, model)
    for group, mask in groups.items():
        y = test["label"].to_numpy()[mask]
        rows = [
            {
                "scorer": name,
                "auc": _auc(y, s[mask]),
                "brier": _brier(y, p[mask]),
            }
            for name, (s, p) in scores.items()
        ]
        train_mask = np.ones(len(train), bool) if group == "all ties" else _cn(train)
        result[group] = {
            "dyad_years": int(mask.sum()),
            "ended_within_5y": int(y.sum()),
            "ties": int(test["dyad_id"][mask].nunique()),
            "ties_ended": int(test["dyad_id"][mask & (test["label"] == 1).to_numpy()].nunique()),
            "items_varying_in_test": _varying(model, test[mask]),
            "items_varying_in_training": _varying(model, train[train_mask]),
            "scorers": rows,
            "calibration": calibration(y, scores["model"][1][mask]),
        }
    return result


def _varying(model: Likelihood, frame: pd.DataFrame) -> list[str]:
    """The evidence items whose steps take more than one value among these rows:
    only those can rank the rows."""
    if frame.empty:
        return []
    steps = model._steps(model._values(frame))
    out, start = [], 0
    for e in model._items():
        stop = start + len(e.thresholds)
        if steps[:, start:stop].std(axis=0).max() > 0:
            out.append(e.name)
        start = stop
    return out


def _cn(frame: pd.DataFrame) -> np.ndarray:
    mask: np.ndarray = (frame["partner_country"] == "CN").to_numpy(dtype=bool)
    return mask


def backtest(panel: pd.DataFrame, C: float = 1.0) -> list[dict[str, Any]]:
    """For each split year: model, base rate and rules on the test years, on all
    test dyad-years and on dyads held out of training."""
    ids = np.sort(panel["dyad_id"].unique())
    rng = np.random.default_rng(HOLDOUT_SEED)
    held = set(rng.choice(ids, size=round(HOLDOUT_SHARE * len(ids)), replace=False))
    unseen = panel["dyad_id"].isin(held).to_numpy()
    out = []
    for split in SPLIT_YEARS:
        before = (panel["panel_year"] < split).to_numpy()
        # a training year's five-year window closes before the split: no test-period ending
        known = (panel["panel_year"] <= split - HORIZON_YEARS).to_numpy()
        out.append(
            {
                "split_year": split,
                "test_years": f"{split}-{int(panel['panel_year'].max())}",
                "all dyads": _evaluate(panel[before], panel[~before], C),
                "unseen dyads": _evaluate(panel[before & ~unseen], panel[~before & unseen], C),
                "labels known before split": _evaluate(panel[known], panel[~before], C),
            }
        )
    return out
