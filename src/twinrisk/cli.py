"""The ``twinrisk`` command: one sub-command family per stage of the flow.

Each stage registers its own sub-commands (``<stage>/cli.py``) and keeps heavy
imports inside its handlers, so ``twinrisk --help`` and a cold ``assess`` start
fast. The handlers call the same library functions as the API.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

#: modules with a ``register(subparsers)`` function, in help order
COMMAND_MODULES = (
    "twinrisk.explain.cli",
    "twinrisk.batch.cli",
    "twinrisk.reports.cli",
    "twinrisk.model.cli",
    "twinrisk.service.cli",
    "twinrisk.places.cli",
    "twinrisk.data.cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="twinrisk",
        description="Transparent risk scores for proposed city partnerships.",
    )
    from twinrisk import __version__

    parser.add_argument("--version", action="version", version=f"twinrisk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(name)
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
