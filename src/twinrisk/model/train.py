"""``twinrisk train``: fit the transforms, calibrate the bands, write the artifact.

The reference population is every curated dyad, scored as of the training date
with its own ending left out. History for calibration and for the data-only
weights is a panel: at each cut-off year S, the dyads alive then, scored as of
31 December S-1, labelled by whether they ended within five years (S..S+4).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from twinrisk import places
from twinrisk.config import models_dir
from twinrisk.core.bands import Bands
from twinrisk.data.codes import ENDED_STATUSES
from twinrisk.data.loaders import Tables, load_tables
from twinrisk.data.validate import DataValidationError, Problem
from twinrisk.features.build import object_frame, prepared_features
from twinrisk.features.prepare import prepare
from twinrisk.model.artifact import ARTIFACT_NAME, ModelArtifact, save_artifact, write_manifest
from twinrisk.model.engine import build_history, country_names
from twinrisk.model.likelihood_fit import fit_likelihood
from twinrisk.model.policy import Policy, load_policy
from twinrisk.model.scorecard import points_frame
from twinrisk.model.transforms import FactorNormaliser

PANEL_YEARS = (2012, 2014, 2016, 2018, 2020)
HORIZON_YEARS = 5
CARD_JSON = "model_card.json"
CARD_MD = "model_card.md"


def curated_features(tables: Tables, dyads: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Features of curated dyads as of a date, through the same pipeline as scoring
    (``features.prepare`` then ``features.build``), indexed like ``dyads``. Training
    has no terms: every term is imputed, as for a proposal that states none. A dyad
    whose places do not resolve is a data error, named with its problem."""
    request = {
        "local": dyads["local_place"].tolist(),
        "partner": dyads["partner_place"].tolist(),
        "local_country": dyads["local_country"].tolist(),
        "partner_country": dyads["partner_country"].tolist(),
        "as_of": [as_of] * len(dyads),
    }
    # the curated places' own disambiguation (places.csv: admin1 or a GeoNames id)
    for side in ("local", "partner"):
        hints = [
            places.curated_hint(n, c)
            for n, c in zip(dyads[f"{side}_place"], dyads[f"{side}_country"], strict=True)
        ]
        if any(hints):
            request[f"{side}_admin"] = [h.admin if h else None for h in hints]
            request[f"{side}_geonames_id"] = [h.geonames_id if h else None for h in hints]
    prep = prepare(request, len(dyads), country_names(tables))
    failed = [
        Problem("dyads.csv", None, "dyad_id", str(dyad_id), f"cannot be scored: {error}")
        for dyad_id, error in zip(dyads["dyad_id"], prep.errors, strict=True)
        if error is not None
    ]
    if failed:
        raise DataValidationError(failed)
    features = prepared_features(prep, tables, build_history(tables))
    return object_frame(features, dyads.index)


def history_panel(tables: Tables, years: tuple[int, ...] = PANEL_YEARS) -> pd.DataFrame:
    """Rows (dyad, cut-off year) with features as of the cut-off and the 5-year label."""
    d = tables.dyads
    frames = []
    for year in years:
        established = d["established_year"].fillna(0) <= year - 1
        ended_year = d["ended_year"].where(d["status"].isin(ENDED_STATUSES))
        alive = established & ~(ended_year < year).fillna(False)
        sub = tables.dyads[alive]
        if sub.empty:
            continue
        feats = curated_features(tables, sub, dt.date(year - 1, 12, 31))
        feats["panel_year"] = year
        feats["dyad_id"] = sub["dyad_id"].to_numpy()
        end = ended_year[alive]
        feats["label"] = (
            ((end >= year) & (end <= year + HORIZON_YEARS - 1)).fillna(False).astype(int).to_numpy()
        )
        frames.append(feats.reset_index(drop=True))
    return pd.concat(frames, ignore_index=True)


def _auc(scores: np.ndarray, labels: np.ndarray) -> float | None:
    pos, neg = scores[labels == 1], scores[labels == 0]
    if len(pos) == 0 or len(neg) == 0:
        return None
    # Mann-Whitney U with ties counted as half
    ranks = pd.Series(np.concatenate([pos, neg])).rank().to_numpy()
    u = ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2
    return float(u / (len(pos) * len(neg)))


def _known_ties_by_band(
    tables: Tables, normaliser: FactorNormaliser, reference: pd.DataFrame, pol: Policy
) -> list[dict[str, Any]]:
    """The curated ties scored as of the training date (each with its own ending left
    out), per band: how many, how many have ended, and the highest-scoring examples."""
    scores = points_frame(normaliser.transform(reference), pol).sum(axis=1).to_numpy()
    ended = tables.dyads["status"].isin(ENDED_STATUSES).to_numpy()
    names = [
        f"{a}–{b}"
        for a, b in zip(tables.dyads["local_place"], tables.dyads["partner_place"], strict=True)
    ]
    rows = []
    for band, low, high in pol.bands.ranges():
        inside = (scores >= low) & (scores <= high)
        order = np.argsort(-scores[inside], kind="stable")[:3]
        picked = np.flatnonzero(inside)[order]
        rows.append(
            {
                "band": band,
                "scores": f"{low}-{high}",
                "ties": int(inside.sum()),
                "ended": int((inside & ended).sum()),
                "highest": "; ".join(f"{names[i]} ({int(scores[i])})" for i in picked),
            }
        )
    return rows


def calibration_table(scores: np.ndarray, labels: np.ndarray, bands: Bands) -> list[dict[str, Any]]:
    table = []
    for band, lo, hi in bands.ranges():
        mask = (scores >= lo) & (scores <= hi)
        n, k = int(mask.sum()), int(labels[mask].sum())
        table.append(
            {
                "band": band,
                "scores": f"{lo}-{hi}",
                "dyads": n,
                "ended_within_5y": k,
                "observed_rate": round(k / n, 3) if n else None,
            }
        )
    return table


def nonnegative_logit(X: np.ndarray, y: np.ndarray, l2: float = 1.0) -> tuple[np.ndarray, float]:
    """Logistic regression with weights ≥ 0 (L-BFGS-B), ridge-penalised, deterministic."""
    n, k = X.shape

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:k], theta[k]
        z = X @ w + b
        p = 1.0 / (1.0 + np.exp(-z))
        eps = 1e-12
        value = -np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)) + l2 * w @ w / (2 * n)
        grad_z = (p - y) / n
        return value, np.concatenate([X.T @ grad_z + l2 * w / n, [grad_z.sum()]])

    bounds = [(0.0, None)] * k + [(None, None)]
    res = minimize(loss, np.zeros(k + 1), jac=True, method="L-BFGS-B", bounds=bounds)
    return res.x[:k], float(res.x[k])


def train(
    *, as_of: dt.date | None = None, policy: Policy | None = None, out_dir: Path | None = None
) -> dict[str, Any]:
    """Fit, calibrate, write artifact + model card + manifest; return the card."""
    tables = load_tables()
    pol = policy or load_policy()
    as_of = as_of or dt.date.today()
    out_dir = Path(out_dir or models_dir())

    reference = curated_features(tables, tables.dyads, as_of)
    normaliser = FactorNormaliser(pol).fit(reference)
    ref_raw = reference[pol.factor_ids].copy()

    panel = history_panel(tables)
    norm = normaliser.transform(panel)
    pts = points_frame(norm, pol)
    scores = pts.sum(axis=1).to_numpy()
    labels = panel["label"].to_numpy()
    varying = [c for c in pol.factor_ids if norm[c].nunique() > 1]
    weights, intercept = nonnegative_logit(norm[varying].to_numpy(), labels.astype(float))
    data_weights = dict.fromkeys(pol.factor_ids, 0.0)
    data_weights.update({c: round(float(w), 4) for c, w in zip(varying, weights, strict=True)})
    total_w = sum(data_weights.values())
    data_points = {
        c: round(100 * w / total_w, 1) if total_w else 0.0 for c, w in data_weights.items()
    }

    single_auc = {
        c: (None if (a := _auc(norm[c].to_numpy(), labels)) is None else round(a, 3))
        for c in varying
    }
    support = {}
    for c in pol.factor_ids:
        if c not in varying:
            support[c] = "constant in history: no evidence either way"
        elif data_weights[c] > 0 and (single_auc[c] or 0) > 0.5:
            support[c] = "supported: history gives it weight"
        elif data_weights[c] > 0:
            support[c] = "mixed: weight beside the others, the other way alone"
        elif (single_auc[c] or 0.5) < 0.5:
            support[c] = "contradicted: dyads with more of it ended less often"
        else:
            support[c] = "not supported: no weight beside the other factors"

    digest = hashlib.sha256()
    digest.update(tables.version.encode())
    # bands name ranges of the score; they change nothing that is fitted
    fitted = {k: v for k, v in pol.as_dict().items() if k != "bands"}
    digest.update(json.dumps(fitted, sort_keys=True).encode())
    digest.update(pd.util.hash_pandas_object(ref_raw.astype(str), index=False).to_numpy().tobytes())
    version = f"twinrisk-{as_of.isoformat()}-{digest.hexdigest()[:8]}"

    card: dict[str, Any] = {
        "model_version": version,
        "trained_on": as_of.isoformat(),
        "data_version": tables.version,
        "policy": pol.label,
        "reference_population": {
            "dyads": len(reference),
            "ended": int(tables.dyads["status"].isin(ENDED_STATUSES).sum()),
        },
        "history_panel": {
            "years": list(PANEL_YEARS),
            "horizon_years": HORIZON_YEARS,
            "rows": len(panel),
            "positives": int(labels.sum()),
        },
        "features": [
            {
                "id": f.id,
                "group": f.group,
                "label": f.label,
                "max_points": f.max_points,
                "transform": f.transform,
                "rationale": f.rationale,
            }
            for f in pol.factors
        ],
        "policy_weights": {f.id: f.max_points for f in pol.factors},
        "data_only_weights": {
            "method": "non-negative logistic regression (L-BFGS-B, ridge 1.0) "
            "on normalised factors, history panel",
            "coefficients": data_weights,
            "intercept": round(intercept, 4),
            "as_points_of_100": data_points,
            "constant_in_history": [c for c in pol.factor_ids if c not in varying],
            "single_factor_auc": single_auc,
            "history_support": support,
        },
        "policy_description": pol.description,
        "known_ties_by_band": _known_ties_by_band(tables, normaliser, reference, pol),
        "calibration": calibration_table(scores, labels, pol.bands),
        "panel_auc": _auc(scores.astype(float), labels),
    }
    likelihood, card["likelihood"] = fit_likelihood(tables)
    artifact = ModelArtifact(
        version=version,
        data_version=tables.version,
        policy_label=pol.label,
        trained_at=as_of.isoformat(),
        reference=ref_raw,
        normaliser=normaliser,
        card=card,
        likelihood=likelihood,
    )
    save_artifact(artifact, out_dir)
    from twinrisk.model.card import write_card

    write_card(card, out_dir)
    write_manifest(out_dir, [ARTIFACT_NAME, CARD_JSON, CARD_MD, "policy-default.json"])
    return card
