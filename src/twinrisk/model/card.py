"""The model card, in JSON (for machines and ``GET /v1/model``) and Markdown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "(none)\n"
    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += [
        "| " + " | ".join("" if r[h] is None else str(r[h]) for h in head) + " |" for r in rows
    ]
    return "\n".join(lines) + "\n"


def render_markdown(card: dict[str, Any]) -> str:
    dw = card["data_only_weights"]
    factor_rows = [
        {
            "factor": f["id"],
            "group": f["group"],
            "policy points": f["max_points"],
            "data-only share of 100": dw["as_points_of_100"].get(f["id"], 0.0),
            "AUC alone": dw.get("single_factor_auc", {}).get(f["id"], ""),
            "what history says": dw.get("history_support", {}).get(f["id"], ""),
        }
        for f in card["features"]
    ]
    parts = [
        f"# Model card: {card['model_version']}\n",
        f"- trained on: {card['trained_on']}\n- data version: {card['data_version']}\n"
        f"- policy: {card['policy']}\n",
        f"- reference population: {card['reference_population']['dyads']} curated dyads "
        f"({card['reference_population']['ended']} ended), scored as of the training date with "
        "each dyad's own ending left out\n",
        f"- history panel: cut-off years {card['history_panel']['years']}, "
        f"{card['history_panel']['rows']} dyad-years, {card['history_panel']['positives']} ended "
        f"within {card['history_panel']['horizon_years']} years\n",
        "\n## Factors: policy weights beside what the data alone would weigh\n\n",
        "The policy's points are a choice with a rationale each (`models/policy-default.json`). "
        f"Beside them, {dw['method']}; its coefficients rescaled to 100 points. Factors constant "
        "across the history (all proposal terms, which history does not record) get no data "
        "weight: history is too thin to support or refute them.\n\n",
        _table(factor_rows),
        "\n## Calibration: observed share ended within five years, per band (history panel)\n\n",
        _table(card["calibration"]),
        f"\nPanel AUC (score vs ended within five years): {card.get('panel_auc')}\n",
    ]
    bt = card.get("backtest")
    if bt:
        parts += [
            f"\n## Backtest (split year {bt['split_year']})\n\n",
            f"Every dyad alive at the split, scored as of {bt['as_of']}; {bt['ended_after']} ended "
            f"after the split, {bt['still_active']} still active. AUC {bt['auc']}.\n\n",
            "Score distribution (ended after split vs still active):\n\n",
            _table(bt["distribution"]),
            "\nCalibration:\n\n",
            _table(bt["calibration"]),
            f"\nPlot: `{bt['plot']}`\n",
        ]
    parts.append("\n## Limits\n\n" + "\n".join(f"- {x}" for x in card.get("limits", [])) + "\n")
    return "".join(parts)


def write_card(card: dict[str, Any], out_dir: Path) -> None:
    card.setdefault(
        "limits",
        [
            "History is small (a few hundred curated dyads, tens of endings) and skewed to "
            "ties with Chinese partners reported in the press; rates per band are noisy.",
            "Active ties are 'listed, no ending found', not confirmed active.",
            "Proposal terms are never recorded in history, so their weights rest on the policy's "
            "rationale alone.",
            "Year-only facts are taken as known from 31 December of their year.",
            "Ending is a proxy for risk, not risk itself: ties in debt-exposed countries (Sri "
            "Lanka, Pakistan, Nepal, Kenya) are rarely ended, so debt and Belt and Road factors "
            "look 'contradicted' against endings. The policy keeps them because the risk it "
            "scores is the partner state's leverage, which a tie that never ends can carry.",
            "Debt-distress ratings (IMF, 2025 vintage) and AidData commitments (cumulative to "
            "2021) post-date most of the history, so they are constant in it.",
        ],
    )
    (out_dir / "model_card.json").write_text(
        json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out_dir / "model_card.md").write_text(render_markdown(card), encoding="utf-8")
