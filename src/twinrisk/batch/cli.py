"""``twinrisk batch INPUT -o OUTPUT``: score a file of dyads.

Exit codes: 0 every row scored; 1 some rows failed (their ``error`` column says
why; the others are scored); 2 bad invocation or an input that cannot be read.
Heavy imports (pandas, the scorer) happen inside the handler.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

EXIT_OK, EXIT_ROWS_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD") from None


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "batch",
        help="score a file of dyads (CSV, JSON Lines, .xlsx) into CSV, .xlsx or Parquet",
        description=(
            "Score every row of INPUT (columns local, local_country, partner, "
            "partner_country; optional as_of, place hints (local_admin, "
            "local_geonames_id, local_lat, local_lon and the same for partner) and "
            "proposal-term columns; other columns pass through) and write OUTPUT with "
            "score, band, points per group, top reasons, resolved place ids, model and "
            "data versions and an error column. "
            "Formats by extension: input .csv/.tsv/.jsonl/.xlsx/.parquet (.gz allowed for "
            "text), output .csv/.xlsx/.parquet. Exit code 0: all rows scored; 1: some "
            "rows failed (see their error column); 2: bad invocation, unreadable input, or "
            "a configuration or model-artifact error (one line on stderr; --debug before "
            "the command shows the traceback)."
        ),
    )
    p.add_argument("input", metavar="INPUT", type=Path, help="file of dyads to score")
    p.add_argument(
        "-o",
        "--output",
        required=True,
        type=Path,
        metavar="OUTPUT",
        help="scored file to write (.csv, .xlsx or .parquet)",
    )
    p.add_argument(
        "--report",
        type=Path,
        metavar="SUMMARY.html",
        help="also write an HTML summary (score histogram, riskiest dyads, "
        "breakdowns, failed rows)",
    )
    p.add_argument(
        "--as-of",
        type=_date,
        metavar="DATE",
        help="score as of this date (YYYY-MM-DD) for rows without an as_of value (default: today)",
    )
    p.add_argument(
        "--policy", metavar="FILE", help="scoring policy JSON file, or the name of one in models/"
    )
    p.add_argument(
        "--chunk-size",
        type=_positive_int,
        default=50_000,
        metavar="N",
        help="rows scored per call (default 50000); bounds memory",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=_batch)


def _batch(args: argparse.Namespace) -> int:
    from twinrisk.batch.core import resolve_policy, score_file
    from twinrisk.batch.errors import BatchInputError
    from twinrisk.batch.formats import OUTPUT_FORMATS, detect_format
    from twinrisk.batch.progress import Progress

    def fail(message: str) -> int:
        print(f"twinrisk batch: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT

    try:
        detect_format(args.output, OUTPUT_FORMATS, "output")
        if args.report is not None and args.report.suffix.lower() not in (".html", ".htm"):
            return fail(f"--report {args.report}: the summary is HTML; name it *.html")
        if args.output.resolve() == args.input.resolve():
            return fail("OUTPUT is the same file as INPUT; choose another name")
        policy = resolve_policy(args.policy)
    except (BatchInputError, ValueError) as exc:  # PolicyError is a ValueError
        return fail(str(exc))

    progress = Progress(enabled=False if args.quiet else None)
    try:
        result = score_file(
            args.input,
            args.output,
            as_of=args.as_of,
            policy=policy,
            chunk_size=args.chunk_size,
            report=args.report,
            progress=progress,
        )
    except BatchInputError as exc:
        progress.close()
        return fail(str(exc))
    except OSError as exc:
        progress.close()
        return fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))
    progress.close()
    for row, error in result.examples:
        print(f"  row {row}: {error}", file=sys.stderr)
    if result.failed > len(result.examples):
        print(
            f"  … and {result.failed - len(result.examples)} more failed rows "
            "(see the error column)",
            file=sys.stderr,
        )
    where = f" -> {result.output}" + (f", summary {result.report}" if result.report else "")
    print(f"{result.line}{where}")
    return EXIT_ROWS_FAILED if result.failed else EXIT_OK
