"""What the store can hold, checked before a value reaches the database.

SQLite and PostgreSQL disagree at the edges: PostgreSQL refuses a NUL character in
text that SQLite keeps, and a date-time whose UTC form falls outside years 1–9999
overflows in Python before either sees it. Checking here gives both stores the same
answer, a 422 that names the field, instead of one storing and the other failing
with a 500.
"""

from __future__ import annotations

import datetime as dt

from twinrisk.core.errors import InputError

#: the earliest and latest instants accepted in date-time filters: a day inside
#: Python's range on either side, so no time zone can push them out of it
EARLIEST = dt.datetime(1, 1, 2, tzinfo=dt.UTC)
LATEST = dt.datetime(9999, 12, 30, 23, 59, 59, tzinfo=dt.UTC)
ACCEPTED_RANGE = "an ISO 8601 date-time from 0001-01-02T00:00:00Z to 9999-12-30T23:59:59Z"


class StoreValueError(InputError):
    """A value the store cannot hold or search for; the caller can fix it."""

    slug = "invalid-request"
    title = "Invalid request"


def check_text(field: str, value: str | None) -> str | None:
    """``value`` unchanged, unless it holds a NUL character (refused on every store)."""
    if value is not None and "\x00" in value:
        at = value.index("\x00")
        raise StoreValueError(
            f"{field}: contains a NUL character (\\u0000) at position {at + 1}; "
            "accepted: text without NUL characters",
            field=field,
        )
    return value


def check_datetime(field: str, value: dt.datetime | None) -> dt.datetime | None:
    """``value`` in UTC (a naive value is read as UTC), or a StoreValueError when it
    lies outside what the store can hold."""
    if value is None:
        return None
    aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    try:
        utc = aware.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        utc = None
    if utc is None or not EARLIEST <= utc <= LATEST:
        raise StoreValueError(
            f"{field}: {value.isoformat()} is outside the range the store can hold; "
            f"accepted: {ACCEPTED_RANGE}",
            field=field,
        )
    return utc
