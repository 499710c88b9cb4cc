"""Reading what a caller typed: dates and country codes.

Every surface (library, CLI, API, web form, batch) reads its inputs through these
functions, so the same value gets the same answer and the same message wherever
it is typed. Term values are read by ``core.terms``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from twinrisk.core.errors import AsOfError, CountryError

EARLIEST_AS_OF = dt.date(1950, 1, 1)


def is_empty(value: Any) -> bool:
    """None, NaN (an empty spreadsheet cell) or an empty string."""
    return value is None or (isinstance(value, float) and value != value) or value == ""


def parse_as_of(value: Any, *, field: str = "as_of") -> dt.date:
    """A date from a date, datetime or ISO string; refuses the far past and the future."""
    if is_empty(value):
        return dt.date.today()
    if isinstance(value, dt.datetime):
        date = value.date()
    elif isinstance(value, dt.date):
        date = value
    else:
        try:
            date = dt.date.fromisoformat(str(value).strip()[:10])
        except ValueError as exc:
            raise AsOfError(f"{field} {value!r} is not a date; use YYYY-MM-DD") from exc
    if date < EARLIEST_AS_OF or date > dt.date.today():
        raise AsOfError(
            f"{field} {date.isoformat()} is out of range; use a date between "
            f"{EARLIEST_AS_OF.isoformat()} and today ({dt.date.today().isoformat()})"
        )
    return date


def parse_country(value: Any, field: str, names: Mapping[str, str]) -> str | None:
    """An upper-case ISO 3166-1 alpha-2 code known to ``names``; None when not given."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    code = str(value).strip().upper()
    if not code:
        return None
    if code not in names:
        raise CountryError(
            f"{field} {value!r} is not an ISO 3166-1 alpha-2 code in the data (e.g. SE, CN, IN)",
            field=field.replace("_", "."),
        )
    return code
