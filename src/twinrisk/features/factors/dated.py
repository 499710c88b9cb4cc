"""Dated country-level and place-level facts the factors read as of a date:
sovereign defaults, sanctions regimes, wars, memberships and strategic assets held
by a foreign state (``features/*.csv``, see features/README.md).

A fact dated only to a year or a month counts from the end of that period (a year
from 31 December), as everywhere in twinrisk: nothing is known before it happened.
A regime or a war without an end is in force on every later date, whatever
agreement follows it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from twinrisk.data.loaders import Tables

#: the code a sanctions table uses for a state whose ISO code differs
IMPOSER_ISO = {"UK": "GB"}
#: bodies whose measures bind every member state as of the date
BINDING_BODIES = ("EU",)
#: Security Council sanctions bind every state
UNITED_NATIONS = "UN"
#: default rows compiled from annual stocks (they include small arrears): context,
#: not a dated default; the dated rows cite the announcement itself
ANNUAL_DEFAULT_SOURCE = "boc_boe_sovdef_2024"
CREDITOR_WORDS = {
    "bonds": "its international bonds",
    "official_bilateral": "its official bilateral loans",
    "bank_loans": "its commercial bank loans",
    "china": "its debt to Chinese lenders",
    "paris_club": "its Paris Club debt",
}
EXTERNAL_CREDITORS = tuple(CREDITOR_WORDS)


def period_end(value: object) -> dt.date | None:
    """The last day of a date given as YYYY, YYYY-MM or YYYY-MM-DD; None when blank."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()[:10]
    if not text:
        return None
    parts = text.split("-")
    year = int(parts[0])
    if len(parts) == 1:
        return dt.date(year, 12, 31)
    month = int(parts[1])
    if len(parts) == 2:
        last: dt.date = (
            pd.Timestamp(year=year, month=month, day=1) + pd.offsets.MonthEnd(0)
        ).date()
        return last
    return dt.date(year, month, int(parts[2]))


@dataclass(frozen=True)
class Span:
    """A fact in force from ``start`` (inclusive) to ``end`` (exclusive; None: open)."""

    start: dt.date
    end: dt.date | None
    label: str
    sources: str

    def in_force(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


def _table(tables: Tables, name: str) -> pd.DataFrame:
    return tables.extra.get(name, pd.DataFrame())


def _span(row: pd.Series, label: str, start: str = "start", end: str = "end") -> Span | None:
    begins = period_end(row.get(start))
    if begins is None:
        return None
    return Span(begins, period_end(row.get(end)), label, str(row.get("sources") or ""))


@lru_cache(maxsize=4)
def defaults_by_country(tables: Tables) -> dict[str, tuple[Span, ...]]:
    """Dated defaults on external debt, per country."""
    out: dict[str, list[Span]] = {}
    for _, row in _table(tables, "sovereign_defaults.csv").iterrows():
        if ANNUAL_DEFAULT_SOURCE in str(row.get("sources")) or row.get("kind") != "default":
            continue
        if row.get("creditor") not in EXTERNAL_CREDITORS:
            continue
        creditor = CREDITOR_WORDS[str(row["creditor"])]
        span = _span(row, f"defaulted on {creditor} on {row['start']}")
        if span is not None:
            out.setdefault(str(row["country"]), []).append(span)
    return {k: tuple(sorted(v, key=lambda s: s.start)) for k, v in out.items()}


#: IMF arrangements that lend to a country in balance-of-payments need, with the older
#: names of the same facilities (PRGF, ESAF, SAF, ESF) (precautionary
#: lines such as the FCL, and the RSF and PCI, signal no distress and are left out)
DISTRESS_FACILITIES = ("SBA", "EFF", "ECF", "SCF", "PRGF", "ESAF", "SAF", "ESF")
#: one-off emergency disbursements: counted for a year from approval
EMERGENCY_FACILITIES = ("RCF", "RFI")
#: an arrangement with no recorded end counts for four years, the longest term of an
#: IMF arrangement (the EFF), never for ever
OPEN_PROGRAMME_DAYS = 4 * 365


@lru_cache(maxsize=4)
def programmes_by_country(tables: Tables) -> dict[str, tuple[Span, ...]]:
    """IMF lending arrangements per country, dated."""
    out: dict[str, list[Span]] = {}
    for _, row in _table(tables, "imf_programmes.csv").iterrows():
        facility = str(row.get("facility"))
        if facility not in DISTRESS_FACILITIES + EMERGENCY_FACILITIES:
            continue
        span = _span(row, f"IMF {facility} approved {row['approved']}", "approved", "ended")
        if span is None:
            continue
        if facility in EMERGENCY_FACILITIES:
            span = Span(span.start, span.start + dt.timedelta(days=365), span.label, span.sources)
        elif span.end is None:
            end = span.start + dt.timedelta(days=OPEN_PROGRAMME_DAYS)
            span = Span(span.start, end, span.label + " (end not recorded)", span.sources)
        out.setdefault(str(row["country"]), []).append(span)
    return {k: tuple(sorted(v, key=lambda s: s.start)) for k, v in out.items()}


@lru_cache(maxsize=4)
def memberships(tables: Tables) -> dict[tuple[str, str], tuple[Span, ...]]:
    """(country, body) -> the spans of membership."""
    out: dict[tuple[str, str], list[Span]] = {}
    for _, row in _table(tables, "memberships.csv").iterrows():
        span = _span(row, str(row["body"]), "joined", "left")
        if span is not None:
            out.setdefault((str(row["country"]), str(row["body"])), []).append(span)
    return {k: tuple(v) for k, v in out.items()}


def member(tables: Tables, country: str, body: str, day: dt.date) -> bool:
    return any(s.in_force(day) for s in memberships(tables).get((country, body), ()))


@lru_cache(maxsize=4)
def regimes(tables: Tables) -> tuple[tuple[str, str, Span], ...]:
    """(imposer, target, span) of every sanctions regime."""
    out = []
    for _, row in _table(tables, "sanctions_regimes.csv").iterrows():
        imposer, target = str(row["imposer"]), str(row["target"])
        label = f"{imposer} sanctions on {target} since {row['start']} ({row['regime_id']})"
        span = _span(row, label)
        if span is not None:
            out.append((IMPOSER_ISO.get(imposer, imposer), target, span))
    return tuple(out)


@lru_cache(maxsize=4)
def wars_by_pair(tables: Tables) -> dict[frozenset[str], tuple[Span, ...]]:
    """Wars and armed clashes between two states, per unordered pair."""
    out: dict[frozenset[str], list[Span]] = {}
    for _, row in _table(tables, "wars.csv").iterrows():
        a, b = str(row["state_a"]), str(row["state_b"])
        kind = str(row.get("kind") or "war").replace("_", " ")
        span = _span(row, f"{kind} between {a} and {b} since {row['start']}")
        if span is not None:
            out.setdefault(frozenset((a, b)), []).append(span)
    return {k: tuple(sorted(v, key=lambda s: s.start)) for k, v in out.items()}


def measures_between(tables: Tables, local: str, partner: str, day: dt.date) -> list[Span]:
    """Sanctions in force between the two sides as of ``day`` (either side imposing,
    directly or through a body it belongs to) and wars between them not ended."""
    found: list[Span] = []

    def applies(code: str, country: str) -> bool:
        if code == country:
            return True
        return code in BINDING_BODIES and member(tables, country, code, day)

    sides = (local, partner, *BINDING_BODIES)
    for imposer, target, span in regimes(tables):
        if target not in sides or not span.in_force(day):
            continue
        if imposer == UNITED_NATIONS and target == partner:
            found.append(span)  # binding on every member state
        elif (applies(imposer, local) and applies(target, partner)) or (
            applies(imposer, partner) and applies(target, local)
        ):
            found.append(span)
    found.extend(
        s for s in wars_by_pair(tables).get(frozenset((local, partner)), ()) if s.in_force(day)
    )
    return found


#: asset kinds that give the holder control of the facility, whatever the share
CONTROLLING_KINDS = ("port_lease", "port_concession", "military_base", "access_agreement")


@dataclass(frozen=True)
class Asset:
    """A strategic asset held by a foreign state's firm or forces: ``control`` when
    the holder runs the facility (a lease, a concession, a base, a majority stake)
    rather than holding a minority or unstated stake in it."""

    holder_state: str
    control: bool
    span: Span


@lru_cache(maxsize=4)
def assets_by_place(tables: Tables) -> dict[tuple[str, str], tuple[Asset, ...]]:
    """(country, place or region name) -> the strategic assets held there."""
    out: dict[tuple[str, str], list[Asset]] = {}
    for _, row in _table(tables, "strategic_assets.csv").iterrows():
        share = row.get("share_pct")
        stake = f" ({share} %)" if isinstance(share, str) and share.strip() else ""
        label = f"{row['asset']}{stake}, held by {row['holder']} since {row['start']}"
        span = _span(row, label)
        if span is None:
            continue
        try:
            majority = float(share) > 50.0
        except (TypeError, ValueError):
            majority = False
        control = str(row.get("kind")) in CONTROLLING_KINDS or majority
        for key in (row.get("place"), row.get("region")):
            if isinstance(key, str) and key.strip():
                out.setdefault((str(row["country"]), key.strip()), []).append(
                    Asset(str(row["holder_state"]), control, span)
                )
    return {k: tuple(v) for k, v in out.items()}


#: kinds of ``wars.csv`` rows that are a war, not a clash
WAR_KINDS_AT_WAR = ("war", "occupation")


@lru_cache(maxsize=4)
def wars_by_state(tables: Tables) -> dict[str, tuple[tuple[str, Span], ...]]:
    """state -> (the other side, span) of every war or occupation it is party to."""
    out: dict[str, list[tuple[str, Span]]] = {}
    for _, row in _table(tables, "wars.csv").iterrows():
        if str(row.get("kind")) not in WAR_KINDS_AT_WAR:
            continue
        a, b = str(row["state_a"]), str(row["state_b"])
        kind = str(row.get("kind")).replace("_", " ")
        span = _span(row, f"{kind} with {{other}} since {row['start']}")
        if span is None:
            continue
        out.setdefault(a, []).append((b, span))
        out.setdefault(b, []).append((a, span))
    return {k: tuple(sorted(v, key=lambda x: x[1].start)) for k, v in out.items()}


@lru_cache(maxsize=4)
def claims_on(tables: Tables) -> dict[str, tuple[tuple[str, Span], ...]]:
    """territory -> (claimant state, span) of standing sovereignty claims."""
    out: dict[str, list[tuple[str, Span]]] = {}
    for _, row in _table(tables, "sovereignty_claims.csv").iterrows():
        label = f"{row['claimant']} claims {row['territory']} (since {row['start']})"
        span = _span(row, label)
        if span is not None:
            out.setdefault(str(row["territory"]), []).append((str(row["claimant"]), span))
    return {k: tuple(v) for k, v in out.items()}


#: V-Dem Regimes of the World: 0 closed autocracy, 1 electoral autocracy,
#: 2 electoral democracy, 3 liberal democracy
DEMOCRACY_MIN_ROW = 2
#: bodies whose members are allies (a shared membership on the date)
ALLIANCE_BODIES = ("EU", "NATO")


@lru_cache(maxsize=4)
def regime_type(tables: Tables) -> dict[str, tuple[tuple[int, int, str], ...]]:
    """country -> (year, V-Dem Regimes of the World value, sources), years ascending."""
    frame = _table(tables, "country_indicators.csv")
    out: dict[str, list[tuple[int, int, str]]] = {}
    if frame.empty:
        return {}
    for _, row in frame[frame["indicator"] == "vdem_row"].iterrows():
        out.setdefault(str(row["country"]), []).append(
            (int(float(row["year"])), int(float(row["value"])), str(row["sources"]))
        )
    return {k: tuple(sorted(v)) for k, v in out.items()}


def democracy(tables: Tables, country: str, year: int) -> tuple[bool | None, str]:
    """Whether V-Dem rates the country a democracy in its latest year up to ``year``
    (None when not rated), and the source ids."""
    known = [r for r in regime_type(tables).get(country, ()) if r[0] <= year]
    if not known:
        return None, ""
    latest = known[-1]
    return latest[1] >= DEMOCRACY_MIN_ROW, latest[2]


def shared_alliances(tables: Tables, a: str, b: str, day: dt.date) -> list[str]:
    """Alliance bodies both states belong to on ``day`` (EU, NATO, bilateral treaties)."""
    bodies = {body for (country, body) in memberships(tables) if country == a}
    return sorted(
        body
        for body in bodies
        if (body in ALLIANCE_BODIES or body.startswith("treaty_") or body == "ANZUS")
        and member(tables, a, body, day)
        and member(tables, b, body, day)
    )
