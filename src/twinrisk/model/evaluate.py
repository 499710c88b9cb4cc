"""``twinrisk evaluate``: a backtest as honest as the data allows.

Every dyad alive at the split year is scored as of 31 December of the year
before, using only facts known then; dyads that ended after the split are
compared with those still active.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from twinrisk.config import models_dir
from twinrisk.data.loaders import load_tables
from twinrisk.model.artifact import ARTIFACT_NAME, load_artifact, write_manifest
from twinrisk.model.policy import load_policy
from twinrisk.model.scorecard import points_frame
from twinrisk.model.train import CARD_JSON, CARD_MD, _auc, calibration_table, history_panel


def backtest(split_year: int = 2019, out_dir: Path | None = None) -> dict[str, Any]:
    out_dir = Path(out_dir or models_dir())
    tables = load_tables()
    artifact = load_artifact(out_dir / ARTIFACT_NAME)
    policy = load_policy(out_dir / "policy-default.json")
    panel = history_panel(tables, (split_year,))
    ended = tables.dyads.set_index("dyad_id")["status"].ne("active")
    panel["ended_after"] = panel["dyad_id"].map(ended).astype(int)
    scores = points_frame(artifact.normaliser.transform(panel), policy).sum(axis=1).to_numpy()
    labels = panel["ended_after"].to_numpy()
    dist = []
    for band, lo, hi in policy.bands.ranges():
        mask = (scores >= lo) & (scores <= hi)
        dist.append(
            {
                "band": band,
                "ended_after_split": int((mask & (labels == 1)).sum()),
                "still_active": int((mask & (labels == 0)).sum()),
            }
        )
    plot = out_dir / f"backtest_{split_year}.png"
    _plot(scores, labels, split_year, plot, policy.bands.cutoffs)
    result = {
        "split_year": split_year,
        "as_of": f"{split_year - 1}-12-31",
        "dyads": len(panel),
        "ended_after": int(labels.sum()),
        "still_active": int((labels == 0).sum()),
        "auc": None if (a := _auc(scores.astype(float), labels)) is None else round(a, 3),
        "mean_score_ended": round(float(scores[labels == 1].mean()), 1) if labels.any() else None,
        "mean_score_active": round(float(scores[labels == 0].mean()), 1)
        if (labels == 0).any()
        else None,
        "distribution": dist,
        "calibration": calibration_table(scores, labels, policy.bands),
        "plot": plot.name,
    }
    card_path = out_dir / CARD_JSON
    if card_path.exists():
        from twinrisk.model.card import write_card

        card = json.loads(card_path.read_text(encoding="utf-8"))
        card["backtest"] = result
        write_card(card, out_dir)
        write_manifest(out_dir, [ARTIFACT_NAME, CARD_JSON, CARD_MD, "policy-default.json"])
    return result


def likelihood_backtest() -> list[dict[str, Any]]:
    """The likelihood's backtest at its split years (``model.backtest``), on the
    panel built from the current tables."""
    from twinrisk.model.backtest import backtest as split_backtest
    from twinrisk.model.likelihood_fit import C
    from twinrisk.model.panel import panel_frame

    return split_backtest(panel_frame(load_tables()), C)


def _plot(
    scores: np.ndarray,
    labels: np.ndarray,
    split_year: int,
    path: Path,
    cutoffs: tuple[int, ...],
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    bins = list(range(0, 105, 5))
    ax.hist(scores[labels == 0], bins=bins, alpha=0.6, label="still active", color="#4a7db3")
    ax.hist(scores[labels == 1], bins=bins, alpha=0.7, label="ended after split", color="#c0392b")
    for edge in cutoffs:
        ax.axvline(edge, color="grey", lw=0.8, ls="--")
    ax.set_xlabel(f"twinrisk score as of {split_year - 1}-12-31")
    ax.set_ylabel("dyads")
    ax.set_title(f"Backtest: split {split_year}")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
