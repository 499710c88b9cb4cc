"""``twinrisk report ASSESSMENT.json --format md|html|pdf -o FILE``.

Renders a stored assessment (the JSON of ``twinrisk assess --format json`` or of the
HTTP API) as a report. Exit 0 on success, 2 when the JSON cannot be read as an
assessment or the file cannot be written. Heavy imports live in the handler.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

FORMAT_BY_SUFFIX = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".pdf": "pdf"}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "report",
        help="render a saved assessment (JSON) as a Markdown, HTML or PDF report",
        description=(
            "Render ASSESSMENT.json (from `twinrisk assess --format json` or the HTTP "
            "API; '-' reads standard input) as a report: the proposal, score and band, "
            "a chart of points per factor, every factor's reason and sources, "
            "precedents, checklist, mitigations, model and data versions. The format "
            "comes from --format, else from the extension of -o, else html."
        ),
    )
    p.add_argument("assessment", metavar="ASSESSMENT.json", help="assessment JSON ('-' for stdin)")
    p.add_argument(
        "--format",
        choices=("md", "html", "pdf"),
        default=None,
        help="report format (default: from -o's extension, else html)",
    )
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="file to write (default: standard output; PDF needs a file or a pipe)",
    )
    p.set_defaults(handler=_report)


def _report(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from twinrisk.core.models import Assessment
    from twinrisk.reports.assessment import ReportError, render

    def fail(message: str) -> int:
        print(f"twinrisk report: {message}", file=sys.stderr)
        return 2

    fmt = args.format
    if fmt is None and args.output is not None:
        fmt = FORMAT_BY_SUFFIX.get(args.output.suffix.lower())
    fmt = fmt or "html"
    if fmt == "pdf" and args.output is None and sys.stdout.isatty():
        return fail("a PDF is binary: give -o FILE.pdf or redirect standard output")
    try:
        if args.assessment == "-":
            text = sys.stdin.read()
        else:
            text = Path(args.assessment).read_text(encoding="utf-8")
    except OSError as exc:
        return fail(f"cannot read {args.assessment}: {exc.strerror or exc}")
    except UnicodeDecodeError:
        return fail(f"{args.assessment} is not UTF-8 JSON")
    try:
        assessment = Assessment.model_validate_json(text)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(x) for x in e['loc']) or '(document)'}: {e['msg']}"
            for e in exc.errors()[:8]
        )
        more = f" (and {exc.error_count() - 8} more)" if exc.error_count() > 8 else ""
        return fail(f"{args.assessment} is not an assessment: {problems}{more}")
    try:
        data = render(assessment, fmt)
    except ReportError as exc:
        return fail(str(exc))
    if args.output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    try:
        args.output.write_bytes(data)
    except OSError as exc:
        return fail(f"cannot write {args.output}: {exc.strerror or exc}")
    print(f"wrote {args.output} ({fmt}, {len(data):,} bytes)", file=sys.stderr)
    return 0
