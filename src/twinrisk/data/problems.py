"""One problem found in the curated tables, and the helpers every rule uses to
locate it: the rules live in several modules, the report format in one."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None  # line number in the CSV file (header is line 1); None = whole file
    column: str | None
    value: str | None
    rule: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", line {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        value = f": value {self.value!r}" if self.value is not None else ""
        return f"{where}{value}: {self.rule}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def line(index: object) -> int | None:
    """The CSV line of a row read with a default index (header is line 1)."""
    try:
        return int(str(index)) + 2
    except (TypeError, ValueError):
        return None


def as_int(value: object) -> int | None:
    number = pd.to_numeric(value, errors="coerce")
    return None if pd.isna(number) else int(number)


def split_ids(cell: object) -> list[str]:
    """The parts of a ``a;b`` cell (source ids, target lists)."""
    if not isinstance(cell, str) or not cell:
        return []
    return [part.strip() for part in cell.split(";") if part.strip()]


def blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or value == ""
