"""``twinrisk data …``: validate the curated tables, draw facts to check, import published data."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from twinrisk.importers import register_importers


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    data = sub.add_parser("data", help="validate and import the curated tables in features/")
    data_sub = data.add_subparsers(dest="data_command", metavar="ACTION")
    v = data_sub.add_parser("validate", help="check every table and list every problem")
    v.add_argument(
        "--data-dir", type=Path, default=None, help="tables to check (default features/)"
    )
    v.add_argument("--json", action="store_true", help="print problems as JSON")
    v.set_defaults(handler=_validate)
    s = data_sub.add_parser(
        "sample", help="print random facts with their sources, for a person to check"
    )
    s.add_argument("--n", type=int, default=25, help="how many facts (default 25)")
    s.add_argument(
        "--seed", type=int, default=None, help="same seed, same facts (default: a new seed)"
    )
    s.add_argument(
        "--data-dir", type=Path, default=None, help="tables to draw from (default features/)"
    )
    s.add_argument("--json", action="store_true", help="print the facts as JSON")
    s.set_defaults(handler=_sample)
    register_importers(data_sub)

    def _help(args: argparse.Namespace) -> int:
        data.print_help()
        return 2

    data.set_defaults(handler=_help)


def _validate(args: argparse.Namespace) -> int:
    from twinrisk.config import features_dir
    from twinrisk.data.loaders import data_version
    from twinrisk.data.validate import validate_dir

    root = args.data_dir or features_dir()
    typed, problems = validate_dir(root)
    if args.json:
        json.dump(
            {"data_dir": str(root), "problems": [p.as_dict() for p in problems]},
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        print()
    elif problems:
        print(f"{len(problems)} problem(s) in {root}:", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
    else:
        counts = ", ".join(f"{name} {len(df)} rows" for name, df in typed.items())
        print(f"ok: {root} ({data_version(root)}): {counts}")
    return 1 if problems else 0


def _sample(args: argparse.Namespace) -> int:
    import random

    from twinrisk.config import features_dir
    from twinrisk.data.loaders import data_version
    from twinrisk.data.sample import draw, format_text

    root = args.data_dir or features_dir()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1_000_000)
    facts = draw(root, max(args.n, 0), seed)
    if args.json:
        json.dump(
            {
                "data_dir": str(root),
                "data_version": data_version(root),
                "seed": seed,
                "facts": [f.as_dict() for f in facts],
            },
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        print()
    else:
        print(format_text(facts, seed, root))
    return 0
