"""Rules over ``tie_events.csv``: a tie's history must be one ordered story, and
the status ``dyads.csv`` states must be the one that story ends in.

The score reads a tie's status at a date from these events, so an event out of
order, an ending without its reason, or a dyads.csv status the events do not
support would silently change what an assessment says about the tie.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from twinrisk.data.codes import TIE_ACTED, TIE_ENDINGS, TIE_EVENTS
from twinrisk.data.dates import Parts, before, parse
from twinrisk.data.problems import Problem, blank, line

FILE = "tie_events.csv"


def derived_status(events: Iterable[tuple[str, bool]]) -> str:
    """Status after ``(event, confirmed)`` in date order: the last confirmed ending not
    followed by ``resumed``, else active (an unconfirmed ending never counts)."""
    status = "active"
    for event, confirmed in events:
        if event in TIE_ENDINGS and confirmed:
            status = event
        elif event == "resumed":
            status = "active"
    return status


def _order_key(date: Parts, event: str) -> tuple[int, int, int, int]:
    """Date, then the documented order of same-day events (signed < … < terminated).
    A coarser date sorts before finer ones of the same year or month."""
    padded = (*date, 0, 0)[:3]
    rank = TIE_EVENTS.index(event) if event in TIE_EVENTS else len(TIE_EVENTS)
    return (padded[0], padded[1], padded[2], rank)


def tie_event_problems(events: pd.DataFrame, dyads: pd.DataFrame | None) -> Iterable[Problem]:
    """Every broken rule of the tie histories, located at the event's line."""
    status_of = {} if dyads is None else dict(zip(dyads["dyad_id"], dyads["status"], strict=True))
    dyad_line = {} if dyads is None else {d: line(i) for i, d in dyads["dyad_id"].items()}
    histories: dict[str, list[tuple[object, pd.Series]]] = {}
    for idx, row in events.iterrows():
        yield from _row_problems(idx, row, status_of if dyads is not None else None)
        if isinstance(row.get("dyad_id"), str):
            histories.setdefault(row["dyad_id"], []).append((idx, row))
    for dyad_id, rows in histories.items():
        yield from _history_problems(dyad_id, rows)
        if dyad_id in status_of:
            story = [(r.get("event"), r.get("confirmed") == "true") for _, r in rows]
            derived = derived_status(story)
            if derived != status_of[dyad_id]:
                yield Problem(
                    "dyads.csv",
                    dyad_line[dyad_id],
                    "status",
                    str(status_of[dyad_id]),
                    f"tie_events.csv derives status '{derived}' for this dyad",
                )


def _row_problems(idx: object, row: pd.Series, dyads: dict[str, str] | None) -> Iterable[Problem]:
    at = line(idx)
    event, event_id, dyad_id = row.get("event"), row.get("event_id"), row.get("dyad_id")
    if dyads is not None and not blank(dyad_id) and dyad_id not in dyads:
        yield Problem(FILE, at, "dyad_id", str(dyad_id), "dyad_id not in dyads.csv")
    if isinstance(event_id, str) and event_id.rpartition(":")[0] != dyad_id:
        yield Problem(FILE, at, "event_id", event_id, "event_id must be '<dyad_id>:<n>'")
    if event not in TIE_EVENTS:
        return  # reported by the schema
    actor, reason = row.get("actor"), row.get("reason_code")
    if event in TIE_ACTED and blank(actor):
        yield Problem(FILE, at, "actor", None, f"a '{event}' event needs its actor")
    if event not in TIE_ACTED and not blank(actor):
        yield Problem(FILE, at, "actor", str(actor), f"a '{event}' event has no actor")
    if event in TIE_ENDINGS and blank(reason):
        yield Problem(FILE, at, "reason_code", None, f"a '{event}' event needs a reason code")
    if event not in TIE_ENDINGS and not blank(reason):
        yield Problem(FILE, at, "reason_code", str(reason), f"a '{event}' event has no reason code")


def _history_problems(dyad_id: str, rows: list[tuple[object, pd.Series]]) -> Iterable[Problem]:
    for n, (idx, row) in enumerate(rows, start=1):
        if row.get("event_id") != f"{dyad_id}:{n}":
            yield Problem(
                FILE,
                line(idx),
                "event_id",
                str(row.get("event_id")),
                f"events of a dyad are numbered 1, 2, … in file order (expected {dyad_id}:{n})",
            )
            break
    dated = [(idx, row, parse(row.get("date"))) for idx, row in rows]
    previous: tuple[tuple[int, int, int, int], str] | None = None
    for idx, row, date in dated:
        if date is None:
            continue  # reported by the schema
        key = _order_key(date, str(row.get("event")))
        if previous is not None and key < previous[0]:
            yield Problem(
                FILE,
                line(idx),
                "date",
                str(row.get("date")),
                f"events of a dyad are in date order (this one follows {previous[1]})",
            )
        previous = (key, str(row.get("date")))
    signed = [d for _, r, d in dated if r.get("event") == "signed" and d is not None]
    if signed:
        first = min(signed)
        for idx, row, date in dated:
            if row.get("event") in TIE_ENDINGS and date is not None and before(date, first):
                yield Problem(
                    FILE,
                    line(idx),
                    "date",
                    str(row.get("date")),
                    f"the tie ended before it was signed ({'-'.join(map(str, first))})",
                )
