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
    parser.add_argument(
        "--debug",
        action="store_true",
        help="show the traceback of a configuration, database or artifact error",
    )
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
    except Exception as exc:
        message = operator_error(exc)
        if message is None or args.debug:
            raise
        print(f"twinrisk {args.command}: {message} (--debug shows the traceback)", file=sys.stderr)
        return EXIT_CONFIG


#: the exit code of a configuration, database or model-artifact error (1 is kept for
#: "some rows failed" in batch)
EXIT_CONFIG = 2


def operator_error(exc: BaseException) -> str | None:
    """One line for an error the operator fixes (configuration, database, model
    artifact, curated data), or None for anything else, which keeps its traceback."""
    from twinrisk.core.errors import ConfigError, ServerDataError

    if isinstance(exc, ConfigError | ServerDataError):
        return " ".join(str(exc).split())
    sqlalchemy_exc = sys.modules.get("sqlalchemy.exc")
    if sqlalchemy_exc is not None and isinstance(exc, sqlalchemy_exc.SQLAlchemyError):
        from twinrisk.store.db import database_url, redacted

        try:
            where = redacted(database_url())
        except Exception:
            where = "TWINRISK_DATABASE_URL"
        cause = getattr(exc, "orig", None) or exc
        first = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
        return f"cannot use the database {where}: {first[:300]}"
    return None


if __name__ == "__main__":
    sys.exit(main())
