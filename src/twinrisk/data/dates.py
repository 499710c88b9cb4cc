"""Dates of the curated tables as typed: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

A source often gives only a year or a month, and the tables keep that precision
instead of inventing a day. Two such dates are compared at the precision they
share, so "2022" is neither before nor after "2022-03": only a difference the
sources actually state counts as an impossible order.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import pandas as pd

from twinrisk.data.problems import Problem, blank, line

#: the earliest year any table may speak of
FIRST_YEAR = 1900
PARTIAL_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
_PARTIAL = re.compile(PARTIAL_DATE)

Parts = tuple[int, ...]


def parse(value: object) -> Parts | None:
    """(year,), (year, month) or (year, month, day); None when not a real date."""
    if not isinstance(value, str) or not _PARTIAL.match(value.strip()):
        return None
    parts = tuple(int(p) for p in value.strip().split("-"))
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return None
    return parts


def is_partial_date(value: object) -> bool:
    return parse(value) is not None


def before(a: Parts, b: Parts) -> bool:
    """``a`` is known to be earlier than ``b`` (compared at their shared precision)."""
    n = min(len(a), len(b))
    return a[:n] < b[:n]


def _today_parts(today: dt.date) -> Parts:
    return (today.year, today.month, today.day)


def check_value(value: object, today: dt.date) -> str | None:
    """The rule a single date breaks (before 1900, after today), or None."""
    parts = parse(value)
    if parts is None:
        return None
    if parts[0] < FIRST_YEAR:
        return f"date before {FIRST_YEAR}"
    if before(_today_parts(today), parts):
        return f"date after today ({today.isoformat()})"
    return None


def date_problems(
    name: str,
    raw: pd.DataFrame,
    columns: Iterable[str],
    spans: Iterable[tuple[str, str]],
    today: dt.date,
) -> Iterable[Problem]:
    """Every date of ``columns`` within [1900, today]; every span's end not before its start."""
    for column in columns:
        if column not in raw.columns:
            continue
        for idx, value in raw[column].items():
            rule = None if blank(value) else check_value(str(value), today)
            if rule:
                yield Problem(name, line(idx), column, str(value), rule)
    for start, end in spans:
        if start not in raw.columns or end not in raw.columns:
            continue
        for idx, (a, b) in enumerate(zip(raw[start], raw[end], strict=True)):
            first, last = parse(a), parse(b)
            if first is not None and last is not None and before(last, first):
                yield Problem(
                    name,
                    line(raw.index[idx]),
                    end,
                    str(b),
                    f"{end} is before {start} ({a})",
                )
