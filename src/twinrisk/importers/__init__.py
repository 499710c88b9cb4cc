"""``twinrisk data import-<source>``: readers of published formats into features/ form.

A stage after ``places`` (not part of ``data``): the Wikidata importer resolves
place names to fill in missing countries, and ``data`` may not import later stages.

Every importer reads the whole file, checks it, and only then writes: to a temporary
file renamed into place, so a malformed input leaves nothing half-written. Errors
name the line and what was expected (``ImportFormatError``).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from twinrisk.core.errors import InputError


class ImportFormatError(InputError):
    """A published file that is not in the format its importer reads."""

    slug = "invalid-import"
    title = "File not in the expected format"

    def __init__(self, path: Path | str, line: int, expected: str) -> None:
        super().__init__(f"{path}:{line}: expected {expected}")
        self.line = line


def write_csv(path: Path, header: list[str], rows: Iterable[Iterable[object]]) -> int:
    """Write atomically (temp file + rename); returns the row count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    n = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(header)
            for row in rows:
                w.writerow(["" if v is None else v for v in row])
                n += 1
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return n


SOURCE_HEADER = ["source_id", "title", "publisher", "year", "url", "licence", "note"]


def write_sources(out: Path, rows: list[list[object]]) -> Path:
    """Source rows beside the output (``<out>.sources.csv``) for the curators to merge."""
    target = out.with_name(out.stem + ".sources.csv")
    write_csv(target, SOURCE_HEADER, rows)
    return target


Runner = Callable[[Path, Path], str]


def _handler(run: Runner) -> Callable[[argparse.Namespace], int]:
    def handle(args: argparse.Namespace) -> int:
        try:
            message = run(Path(args.file), Path(args.output))
        except (ImportFormatError, OSError, UnicodeDecodeError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(message)
        return 0

    return handle


def register_importers(data_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from twinrisk.config import features_dir

    specs: list[tuple[str, str, str, Path | None]] = [
        ("import-wikidata", "wikidata", "Wikidata P190 twinning query results -> dyads", None),
        ("import-aiddata", "aiddata", "AidData GCDF project-level CSV -> commitment totals", None),
        ("import-worldbank", "worldbank", "World Bank IDS DataBank CSV -> country_debt rows", None),
        (
            "import-wpi",
            "wpi",
            "NGA World Port Index CSV -> features/ports.csv",
            features_dir() / "ports.csv",
        ),
    ]
    for command, module, help_text, default in specs:
        p = data_sub.add_parser(command, help=help_text)
        p.add_argument("file", help="the published file")
        p.add_argument(
            "-o",
            "--output",
            required=default is None,
            default=default,
            help="CSV to write" + (f" (default {default})" if default else ""),
        )
        p.set_defaults(handler=_lazy(module))


def _lazy(module: str) -> Callable[[argparse.Namespace], int]:
    def handle(args: argparse.Namespace) -> int:
        import importlib

        mod = importlib.import_module(f"twinrisk.importers.{module}")
        return _handler(mod.run)(args)

    return handle
