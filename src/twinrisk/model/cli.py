"""``twinrisk train`` and ``twinrisk evaluate``."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    t = sub.add_parser("train", help="fit transforms, calibrate bands, write models/")
    t.add_argument("--as-of", default=None, help="training date (default today), YYYY-MM-DD")
    t.set_defaults(handler=_train)
    e = sub.add_parser("evaluate", help="backtest: score dyads as of before a split year")
    e.add_argument("--split-year", type=int, default=2019)
    e.set_defaults(handler=_evaluate)


def _train(args: argparse.Namespace) -> int:
    from twinrisk.core.inputs import parse_as_of
    from twinrisk.model.train import train

    card = train(as_of=parse_as_of(args.as_of))
    print(
        f"trained {card['model_version']} on {card['reference_population']['dyads']} dyads; "
        f"panel {card['history_panel']['rows']} rows, {card['history_panel']['positives']} "
        f"positives, AUC {card['panel_auc']}"
    )
    print(json.dumps(card["calibration"], indent=1))
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from twinrisk.model.card import likelihood_backtest_markdown
    from twinrisk.model.evaluate import backtest, likelihood_backtest

    result = backtest(args.split_year)
    print(json.dumps(result, indent=1))
    print(likelihood_backtest_markdown(likelihood_backtest()))
    return 0
