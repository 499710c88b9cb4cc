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
        f"\nPolicy: {card.get('policy_description', '')}\n",
        "\n## Exposure score by band over the known ties\n\n",
        "Every curated tie scored as of the training date, its own ending left out. The "
        "score measures leverage, not the chance of an ending (that is `likelihood_5y`).\n\n",
        _table(card.get("known_ties_by_band", [])),
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
    if card.get("likelihood"):
        parts.append(likelihood_markdown(card["likelihood"]))
    parts.append("\n## Limits\n\n" + "\n".join(f"- {x}" for x in card.get("limits", [])) + "\n")
    return "".join(parts)


def likelihood_markdown(part: dict[str, Any]) -> str:
    """The card's "Likelihood" part: what is predicted, the weights with their
    rationale, the calibration and the backtest."""
    panel = part["panel"]
    steps = [
        {"step": c["step"], "weight (log-odds)": c["weight_log_odds"], "rationale": c["rationale"]}
        for c in part["coefficients"]
    ]
    return "".join(
        [
            "\n## Likelihood of breakdown (`likelihood_5y`)\n\n",
            f"- target: {part['target']}\n- method: {part['method']}\n",
            f"- panel: years {panel['years']}, {panel['dyad_years']} dyad-years of "
            f"{panel['ties']} ties, {panel['ended_within_5y']} ended within five years; "
            f"{panel['ties_without_start_event']} ties have no signed/listed/active event "
            "and count from the first panel year\n",
            f"- intercept: {part['intercept']} log-odds\n\n",
            "Weights (a step is `value >= cut`; a weight of 0 is a step history did not "
            "support beside the others):\n\n",
            _table(steps),
            "\nCalibration on the training panel (in sample):\n\n",
            _table(part["calibration_in_sample"]),
            targets_markdown(part["backtest"], part["targets"]) if "targets" in part else "",
            likelihood_backtest_markdown(part["backtest"]),
            "\nLimits of the likelihood:\n\n",
            "".join(f"- {x}\n" for x in part.get("limits", [])),
        ]
    )


def likelihood_backtest_markdown(results: list[dict[str, Any]]) -> str:
    """Backtest tables per split year: all test dyads and dyads never trained on,
    over all ties and within ties with Chinese partners."""
    parts = [
        "\n### Likelihood backtest\n\n",
        "Trained on panel years before the split, tested on the years from it. One-line "
        "rules score as a flag (AUC) and as their flag's training rate (Brier). "
        "'unseen dyads': a random quarter of ties held out of training, tested alone. "
        "'labels known before split': trained only on years whose five-year window closed "
        "before the split.\n",
    ]
    for r in results:
        for subset in ("all dyads", "unseen dyads", "labels known before split"):
            res = r[subset]
            for group in ("all ties", "CN partners"):
                g = res[group]
                parts += [
                    f"\n#### Split {r['split_year']} (test years {r['test_years']}), "
                    f"{subset}, {group}\n\n",
                    f"Trained on {res['train_rows']} dyad-years ({res['train_positives']} "
                    f"ended); tested on {g['dyad_years']} ({g['ended_within_5y']} ended).\n\n",
                    _varying_line(g),
                    _table(g["scorers"]),
                    "\nCalibration:\n\n",
                    _table(g["calibration"]),
                ]
    return "".join(parts)


def _varying_line(group: dict[str, Any]) -> str:
    """What the test rows contain and which evidence can rank them (cards written
    before these keys existed have none)."""
    if "ties" not in group:
        return ""
    return (
        f"Test rows: {group['ties']} ties, {group['ties_ended']} of them ended within the "
        f"window. Evidence varying among the test rows: "
        f"{', '.join(group['items_varying_in_test']) or 'none'}; among the training rows: "
        f"{', '.join(group['items_varying_in_training']) or 'none'}.\n\n"
    )


def targets_markdown(results: list[dict[str, Any]], targets: dict[str, float]) -> str:
    """The issue's targets beside the backtest: the model's AUC, the best one-line
    rule's, and whether the target is met, per split, subset and group."""
    rows = []
    for r in results:
        for subset in ("all dyads", "unseen dyads", "labels known before split"):
            for group, target in targets.items():
                scorers = {s["scorer"]: s["auc"] for s in r[subset][group]["scorers"]}
                rules = {k: v for k, v in scorers.items() if k.startswith("rule:") and v}
                best = max(rules, key=lambda k: rules[k]) if rules else ""
                model = scorers["model"]
                rows.append(
                    {
                        "split": r["split_year"],
                        "subset": subset,
                        "group": group,
                        "model AUC": model,
                        "target": target,
                        "best rule": f"{best[6:]} ({rules[best]})" if best else "",
                        "met": "yes"
                        if model is not None
                        and model >= target
                        and all(model > v for v in rules.values())
                        else "no",
                    }
                )
    return (
        "\n### Targets of issue 14 (AUC over all ties and within ties with Chinese partners, "
        "above every one-line rule)\n\n" + _table(rows)
    )


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
