"""A tie's own dated history (``tie_events.csv``) and its status at any date.

An officer asking about an existing or ended tie must see what happened to it, and
a backtest must not see it before it was known. So every event counts from the end
of the period its date names (a year-only date from 31 December, a month-only date
from the month's last day), as everywhere else in the data.

The status as of a date, from the events known by then (in the table's order):

- ``suspended`` / ``terminated`` / ``lapsed`` / ``blocked``: the last confirmed
  ending not followed by a confirmed ``resumed``;
- else ``active``: evidence of activity (an ``active``, ``signed`` or ``resumed``
  event: a signing and a resumption are acts of both sides) known within the last
  five years;
- else ``listed``: the tie is known to exist, without recent evidence of activity;
- ``not yet signed``: no event is known yet and the first one is the signing;
  ``not recorded``: no event is known yet (or the tie has none) and no signing is
  recorded, so the data cannot say whether the tie existed.

An unconfirmed event (inferred from a general statement that does not name the pair)
is shown but never changes the status. The history is shown, never scored: a tie's
own ending still never counts as a feature of itself.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

import pandas as pd

from twinrisk.core.models import TieEventKind, TieStatus
from twinrisk.data.codes import ENDED_STATUSES
from twinrisk.data.loaders import Tables
from twinrisk.features.history import History

TIE_EVENTS_FILE = "tie_events.csv"
#: evidence of activity older than this many years no longer makes a tie "active"
ACTIVITY_YEARS = 5
ENDINGS = frozenset(ENDED_STATUSES)
ACTIVITY = frozenset({"active", "signed", "resumed"})


def known_from(date: str) -> dt.date:
    """The day a ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` date is known from: the last
    day of the period it names."""
    parts = [int(p) for p in date.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        return dt.date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return dt.date(parts[0], parts[1], parts[2])


def _years_before(date: dt.date, years: int) -> dt.date:
    try:
        return date.replace(year=date.year - years)
    except ValueError:  # 29 February
        return date.replace(year=date.year - years, day=28)


def _text(value: Any) -> str | None:
    """A cell as text, ``None`` when empty (CSV, parquet cache and pandas all differ)."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    text = str(value).strip()
    return text or None


@dataclass(frozen=True)
class TieEventRecord:
    """One dated event of a tie as the table states it."""

    date: str  # the precision the source gives
    known: dt.date  # the day it counts from
    event: TieEventKind
    actor: str | None
    reason_code: str | None
    confirmed: bool
    note: str | None
    sources: str  # ``a;b`` source ids


@dataclass(frozen=True)
class TieRecord:
    """A curated tie (a row of ``dyads.csv``) with its events in the table's order."""

    dyad_id: str
    kind: str
    local: str
    local_country: str
    partner: str
    partner_country: str
    established: int | None
    events: tuple[TieEventRecord, ...]

    def status_as_of(self, date: dt.date) -> TieStatus:
        """The status derived from the confirmed events known by ``date`` (module
        docstring)."""
        known = [e for e in self.events if e.known <= date]
        if not known:
            signed_first = bool(self.events) and self.events[0].event == "signed"
            return "not yet signed" if signed_first else "not recorded"
        ending: TieStatus | None = None
        for e in known:
            if not e.confirmed:
                continue
            if e.event in ENDINGS:
                ending = cast(TieStatus, e.event)
            elif e.event == "resumed":
                ending = None
        if ending is not None:
            return ending
        last = self._last_activity(known)
        if last is not None and last.known >= _years_before(date, ACTIVITY_YEARS):
            return "active"
        return "listed"

    def last_activity(self, date: dt.date) -> str | None:
        """The date (as the source gives it) of the last evidence of activity known
        by ``date``: an ``active``, ``signed`` or ``resumed`` event."""
        last = self._last_activity([e for e in self.events if e.known <= date])
        return last.date if last is not None else None

    @staticmethod
    def _last_activity(events: list[TieEventRecord]) -> TieEventRecord | None:
        found = [e for e in events if e.confirmed and e.event in ACTIVITY]
        return max(found, key=lambda e: e.known) if found else None


@dataclass(frozen=True)
class Ties:
    """Every curated tie with its history, by dyad id and by the order-free key of
    its two resolved places (``History.dyads['pair']``, so a proposal finds its tie
    whichever side it names first)."""

    by_id: dict[str, TieRecord]
    by_pair: dict[str, str]

    @classmethod
    def build(cls, tables: Tables, history: History) -> Ties:
        events: dict[str, list[TieEventRecord]] = {}
        frame = tables.extra.get(TIE_EVENTS_FILE)
        if frame is not None:
            order = frame["event_id"].str.rsplit(":", n=1).str[1].astype(int)
            frame = frame.assign(_n=order).sort_values(["dyad_id", "_n"], kind="stable")
            for row in frame.itertuples(index=False):
                events.setdefault(str(row.dyad_id), []).append(
                    TieEventRecord(
                        date=str(row.date),
                        known=known_from(str(row.date)),
                        event=cast(TieEventKind, str(row.event)),
                        actor=_text(row.actor),
                        reason_code=_text(row.reason_code),
                        confirmed=row.confirmed is True or _text(row.confirmed) == "true",
                        note=_text(row.note),
                        sources=_text(row.sources) or "",
                    )
                )
        d = history.dyads
        by_id = {}
        for row in d.itertuples(index=False):
            year = row.established_year
            by_id[str(row.dyad_id)] = TieRecord(
                dyad_id=str(row.dyad_id),
                kind=str(row.kind),
                local=str(row.local_place),
                local_country=str(row.local_country),
                partner=str(row.partner_place),
                partner_country=str(row.partner_country),
                established=None if pd.isna(year) else int(year),
                events=tuple(events.get(str(row.dyad_id), ())),
            )
        by_pair = dict(zip(d["pair"].astype(str), d["dyad_id"].astype(str), strict=True))
        return cls(by_id=by_id, by_pair=by_pair)

    def of_pair(self, pair: str) -> TieRecord | None:
        """The tie between two resolved places (``pair_key`` of their ids), if any."""
        dyad_id = self.by_pair.get(pair)
        return None if dyad_id is None else self.by_id[dyad_id]

    def status_as_of(self, dyad_id: str, date: dt.date) -> TieStatus:
        return self.by_id[dyad_id].status_as_of(date)
