"""Which reader or writer a file needs, told from its extension (``.gz`` allowed for
text inputs). Kept free of pandas so the CLI can check ``-o`` before loading anything."""

from __future__ import annotations

from pathlib import Path

from twinrisk.batch.errors import BatchInputError

INPUT_FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
}
OUTPUT_FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet", ".pq": "parquet"}


def detect_format(path: str | Path, table: dict[str, str], what: str) -> str:
    name = str(path).lower()
    if name.endswith(".gz"):
        name = name[:-3]
    suffix = Path(name).suffix
    if suffix in table:
        return table[suffix]
    if what == "input" and suffix == ".xls":
        raise BatchInputError(f"{path}: old Excel .xls files are not read; save it as .xlsx or CSV")
    accepted = ", ".join(sorted(table))
    raise BatchInputError(
        f"{path}: cannot tell the {what} format from the extension "
        f"{suffix or '(none)'!r}; use one of {accepted}"
    )
