"""Legal regimes over sub-national ties (laws, vetoes, reviews, designations) that
apply to a proposal: evidence for the due-diligence level, not points of the score.

A regime applies when its jurisdiction is the local state or the local first-level
division (ISO 3166-2) and its targets name the partner state (or any foreign
state), and it is in force on the date.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import pycountry

from twinrisk.data.loaders import Tables
from twinrisk.features.factors.context import Context, day_to_date, member_of
from twinrisk.features.factors.dated import Span, period_end
from twinrisk.features.history import distinct

#: what each kind of regime asks of an officer: a named ban prohibits the tie; a
#: veto, a review or a ban on any unapproved agreement refers it to the authority;
#: a designation or a past cancellation is a reason for enhanced checks
KIND_LEVEL = {
    "ban": "prohibited",
    "veto": "refer",
    "review": "refer",
    "designation": "enhanced",
    "cancellation": "enhanced",
    "guidance": "enhanced",
    "disclosure": "enhanced",
}


def _fold(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c)
    )


@lru_cache(maxsize=4096)
def subdivision_code(country: str, name: str) -> str | None:
    """The ISO 3166-2 code of a first-level division named ``name``, if pycountry
    knows it."""
    if not name:
        return None
    wanted = _fold(name)
    found: Any = pycountry.subdivisions.get(country_code=country)  # type: ignore[no-untyped-call]
    for sub in found or ():
        if sub.parent_code is None and _fold(sub.name) == wanted:
            return str(sub.code)
    return None


@lru_cache(maxsize=4)
def _regimes(tables: Tables) -> tuple[tuple[str, str, frozenset[str], Span], ...]:
    frame = tables.extra.get("legal_regimes.csv", pd.DataFrame())
    out = []
    for _, row in frame.iterrows():
        start = period_end(row.get("in_force")) or period_end(row.get("adopted"))
        if start is None or row.get("kind") not in KIND_LEVEL:
            continue
        targets = frozenset(
            t.strip() for t in str(row.get("targets") or "").split(";") if t.strip()
        )
        span = Span(
            start, period_end(row.get("ended")), str(row["instrument"]), str(row["sources"])
        )
        out.append((str(row["jurisdiction"]), str(row["kind"]), targets, span))
    return tuple(out)


def regimes_over(
    tables: Tables, lc: str, division: str, pc: str, day: dt.date
) -> list[tuple[str, Span]]:
    """(level, regime) of the regimes in force over a tie of this place with ``pc``."""
    places = {lc}
    code = subdivision_code(lc, division)
    if code:
        places.add(code)
    found = []
    for jurisdiction, kind, targets, span in _regimes(tables):
        if jurisdiction not in places or not span.in_force(day):
            continue
        if pc in targets or "any" in targets:
            level = KIND_LEVEL[kind]
            if kind == "ban" and pc not in targets:
                level = "refer"  # a ban on any unapproved agreement: ask the authority
            found.append((level, span))
    return found


@lru_cache(maxsize=4)
def _regime_states(tables: Tables) -> frozenset[str]:
    return frozenset(jurisdiction.split("-")[0] for jurisdiction, *_ in _regimes(tables))


LEVELS = ("standard", "enhanced", "refer", "prohibited")
LEGAL_COLUMNS = ("legal__level", "legal__regimes", "legal__src")


def legal_evidence(ctx: Context) -> dict[str, np.ndarray]:
    """Per row: the strictest level a legal regime asks for, its sentences and sources."""
    tables = ctx.tables
    out = {name: np.full(ctx.n, "", dtype=object) for name in LEGAL_COLUMNS}
    # only states with a regime over their own (or their provinces') ties can have one
    rows = np.flatnonzero(member_of(ctx.lc, _regime_states(tables)))
    codes, uniques = distinct(
        ctx.lc[rows], ctx.pc[rows], ctx.local_admin1[rows], ctx.as_of_days.astype(np.int64)[rows]
    )
    level = np.full(len(uniques), "", dtype=object)
    text = np.full(len(uniques), "", dtype=object)
    sources = np.full(len(uniques), "", dtype=object)
    for i, (lc, pc, division, day) in enumerate(uniques):
        date = day_to_date(day)
        found = regimes_over(tables, str(lc), str(division), str(pc), date)
        if not found:
            continue
        found.sort(key=lambda f: -LEVELS.index(f[0]))
        level[i] = found[0][0]
        text[i] = " | ".join(
            f"{span.label} (in force since {span.start.isoformat()}): {lvl}" for lvl, span in found
        )
        sources[i] = ";".join(span.sources for _, span in found)
    for name, values in zip(LEGAL_COLUMNS, (level, text, sources), strict=True):
        out[name][rows] = values[codes]
    return out
