"""Pandera schemas for the tables in ``features/``.

The schemas check what one column can know on its own (types, ranges, allowed
codes). Rules that need two columns or two tables (a dyad's places exist, an
ending has a year, a source id is known) live in ``validate.py`` so that every
problem can be reported at once with its file, row, column and value.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from pandera.pandas import Check, Column, DataFrameSchema

from twinrisk.data.codes import (  # noqa: F401 - re-exported
    ADMIN_LEVELS,
    ASSET_KINDS,
    BRI_STATUS,
    CAPITAL,
    DEBT_METRICS,
    DEFAULT_CREDITORS,
    DEFAULT_KINDS,
    DSA_RISK,
    DYAD_KINDS,
    ENDED_BY,
    ENDED_STATUSES,
    EVENT_KINDS,
    IMF_FACILITIES,
    INDICATORS,
    LEGAL_KINDS,
    REASON_CODES,
    SANCTION_IMPOSERS,
    STATUSES,
    TIE_EVENTS,
    WAR_KINDS,
)
from twinrisk.data.dates import is_partial_date

ISO2 = r"^[A-Z]{2}$"
ISO3 = r"^[A-Z]{3}$"
SLUG = r"^[a-z0-9_]+$"
SOURCES = r"^[a-z0-9_]+(;[a-z0-9_]+)*$"
BOOL = ["true", "false"]
#: columns holding a date or a year carry this metadata; validate.py checks that each
#: lies between 1900 and today (one rule for every table, with one message)
DATE = {"date": True}

#: a four-digit year; its range (1900 to today) is a dated rule in validate.py
YEAR = Check.in_range(1000, 9999)


def _year(required: bool = False) -> Column:
    return Column("Int64", YEAR, nullable=not required, coerce=True, metadata=DATE)


def _date(required: bool = False) -> Column:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as typed: the precision of the source is kept."""
    check = Check(is_partial_date, element_wise=True, name="date as YYYY, YYYY-MM or YYYY-MM-DD")
    return Column(str, check, nullable=not required, coerce=True, metadata=DATE)


def _text(required: bool = True, **kw: object) -> Column:
    checks = [Check.str_length(min_value=1)] if required else []
    return Column(str, checks, nullable=not required, coerce=True, **kw)  # type: ignore[arg-type]


def _code(values: list[str], required: bool = True) -> Column:
    return Column(str, Check.isin(values), nullable=not required, coerce=True)


def _pattern(pattern: str, required: bool = True) -> Column:
    return Column(str, Check.str_matches(pattern), nullable=not required, coerce=True)


SOURCES_SCHEMA = DataFrameSchema(
    {
        "source_id": _pattern(SLUG),
        "title": _text(),
        "publisher": _text(),
        "year": _year(required=True),
        "url": _pattern(r"^https?://\S+$"),
        "licence": _text(),
        "note": _text(required=False),
    },
    strict=True,
    unique=["source_id"],
)

COUNTRIES_SCHEMA = DataFrameSchema(
    {
        "iso2": _pattern(ISO2),
        "iso3": _pattern(ISO3),
        "name": _text(),
        "bri_mou": _code(BRI_STATUS, required=False),
        "bri_mou_year": _year(),
        "bri_exit_year": _year(),
        "cpi_score": Column("Float64", Check.in_range(0, 100), nullable=True, coerce=True),
        "cpi_year": _year(),
        "imf_dsa_risk": _code(DSA_RISK, required=False),
        "imf_dsa_date": Column("datetime64[ns]", nullable=True, coerce=True, metadata=DATE),
        "sources": _pattern(SOURCES),
    },
    strict=True,
    unique=["iso2"],
)

COUNTRY_DEBT_SCHEMA = DataFrameSchema(
    {
        "debtor": _pattern(ISO2),
        "creditor": _pattern(ISO2),
        "year": _year(required=True),
        "metric": _code(DEBT_METRICS),
        "value": Column("Float64", Check.ge(0), nullable=False, coerce=True),
        "sources": _pattern(SOURCES),
        "note": _text(required=False),
    },
    strict=True,
    unique=["debtor", "creditor", "year", "metric"],
)

PLACES_SCHEMA = DataFrameSchema(
    {
        "name": _text(),
        "country": _pattern(ISO2),
        "admin_level": _code(ADMIN_LEVELS),
        "admin1": _text(required=False),
        "seaport": _code(BOOL),
        "naval_base": _code(BOOL),
        "capital": _code(CAPITAL, required=False),
        "tech_hub": _code(BOOL),
        "flagship_project": _text(required=False),
        "flagship_financier": _pattern(ISO2, required=False),
        "flagship_year": _year(),
        "sources": _pattern(SOURCES),
        "note": _text(required=False),
    },
    strict=True,
    unique=["name", "country"],
)

DYADS_SCHEMA = DataFrameSchema(
    {
        "dyad_id": _pattern(r"^[a-z0-9][a-z0-9_-]*$"),
        "local_place": _text(),
        "local_country": _pattern(ISO2),
        "partner_place": _text(),
        "partner_country": _pattern(ISO2),
        "kind": _code(DYAD_KINDS),
        "established_year": _year(),
        "status": _code(STATUSES),
        "ended_year": _year(),
        "ended_by": _code(ENDED_BY, required=False),
        "reason_code": _code(REASON_CODES, required=False),
        "reason": _text(required=False),
        "contested_year": _year(),
        "sources": _pattern(SOURCES),
        "note": _text(required=False),
    },
    strict=True,
    unique=["dyad_id"],
)

EVENTS_SCHEMA = DataFrameSchema(
    {
        "event_id": _pattern(r"^[a-z0-9][a-z0-9_-]*$"),
        "country_a": _pattern(ISO2),
        "country_b": _pattern(ISO2),
        "date": Column("datetime64[ns]", nullable=False, coerce=True, metadata=DATE),
        "kind": _code(EVENT_KINDS),
        "severity": Column("Int64", Check.in_range(-2, 3), nullable=False, coerce=True),
        "title": _text(),
        "sources": _pattern(SOURCES),
        "note": _text(required=False),
    },
    strict=True,
    unique=["event_id"],
)

# ------------------------------------------------------------------ geography tables
# (checked when present: the gazetteer and the location facts read them)

DISPUTED_KINDS = ["border", "point"]
HARBOR_SIZES = ["Very Small", "Small", "Medium", "Large"]
#: WPI harbour types (Pub. 150 codebook)
HARBOR_TYPES = [
    "Coastal (Natural)",
    "Coastal (Breakwater)",
    "Coastal (Tide Gates)",
    "River (Natural)",
    "River (Basins)",
    "River (Tide Gates)",
    "Canal or Lake",
    "Open Roadstead",
    "Typhoon Harbor",
]


def _degrees(limit: float, required: bool = False) -> Column:
    return Column("Float64", Check.in_range(-limit, limit), nullable=not required, coerce=True)


def _rows_where(rule: str, column: str, ok: Callable[[pd.DataFrame], pd.Series]) -> Check:
    """A rule over several columns of a row (validate.py holds most such rules; these
    keep the geography tables self-contained). A row that breaks it is reported once,
    by its cell in ``column`` (a column that is never empty there)."""

    def cells(df: pd.DataFrame) -> pd.DataFrame:
        out = pd.DataFrame(True, index=df.index, columns=df.columns)
        out.loc[~ok(df).fillna(False).astype(bool), column] = False
        return out

    return Check(cells, name=rule, error=rule)


DISPUTED_BORDERS_SCHEMA = DataFrameSchema(
    {
        "border_id": _pattern(SLUG),
        "name": _text(),
        "kind": _code(DISPUTED_KINDS),
        "country_a": _pattern(ISO2, required=False),
        "country_b": _pattern(ISO2, required=False),
        "min_lat": _degrees(90),
        "max_lat": _degrees(90),
        "min_lon": _degrees(180),
        "max_lon": _degrees(180),
        "lat": _degrees(90),
        "lon": _degrees(180),
        "sources": _pattern(SOURCES),
        "note": _text(required=False),
    },
    checks=[
        _rows_where(
            "a border needs country_a and country_b, two different countries",
            "kind",
            lambda df: (
                (df["kind"] != "border")
                | (
                    df["country_a"].notna()
                    & df["country_b"].notna()
                    & (df["country_a"] != df["country_b"])
                )
            ),
        ),
        _rows_where(
            "a point needs lat and lon",
            "kind",
            lambda df: (df["kind"] != "point") | (df["lat"].notna() & df["lon"].notna()),
        ),
        _rows_where(
            "min_lat <= max_lat",
            "min_lat",
            lambda df: ~(df["min_lat"] > df["max_lat"]).fillna(False),
        ),
        _rows_where(
            "min_lon <= max_lon",
            "min_lon",
            lambda df: ~(df["min_lon"] > df["max_lon"]).fillna(False),
        ),
    ],
    strict=True,
    unique=["border_id"],
)

PLACE_ALIASES_SCHEMA = DataFrameSchema(
    {
        "alias": _text(),
        "name": _text(),
        "country": _pattern(ISO2),
        "geonameid": Column("Int64", Check.gt(0), nullable=True, coerce=True),
        "sources": _pattern(SOURCES),
        "note": _text(required=False),
    },
    strict=True,
    unique=["alias", "country"],
)

#: the NGA World Port Index as ``twinrisk data import-wpi`` writes it. WPI numbers are
#: not unique in the published file (a few ports appear twice, once per format) and its
#: UN/LOCODEs are sometimes partial, so only their country prefix is checked.
PORTS_SCHEMA = DataFrameSchema(
    {
        "wpi_number": Column("Int64", Check.gt(0), nullable=False, coerce=True),
        "name": _text(),
        "unlocode": _pattern(r"^[A-Z]{2}", required=False),
        "country_name": _text(),
        "harbor_size": _code(HARBOR_SIZES, required=False),
        "harbor_type": _code(HARBOR_TYPES, required=False),
        "lat": _degrees(90, required=True),
        "lon": _degrees(180, required=True),
        "sources": _pattern(SOURCES),
    },
    strict=True,
)


# ------------------------------------------------------------------ dated histories (issue 13)
# (optional tables; dates keep the precision of their source, see dates.py)

TIE_EVENTS_SCHEMA = DataFrameSchema(
    {
        "event_id": _pattern(r"^[a-z0-9][a-z0-9_-]*:[1-9][0-9]*$"),
        "dyad_id": _pattern(r"^[a-z0-9][a-z0-9_-]*$"),
        "date": _date(required=True),
        "event": _code(TIE_EVENTS),
        "actor": _code(ENDED_BY, required=False),
        "reason_code": _code(REASON_CODES, required=False),
        "confirmed": _code(BOOL),
        "sources": _pattern(SOURCES),
        "note": _text(required=False),
    },
    strict=True,
    unique=["event_id"],
)

#: ``creditor`` is a class of debt (bonds, paris_club, china …), never an ISO code
SOVEREIGN_DEFAULTS_SCHEMA = DataFrameSchema(
    {
        "country": _pattern(ISO2),
        "start": _date(required=True),
        "end": _date(),
        "creditor": _code(DEFAULT_CREDITORS),
        "kind": _code(DEFAULT_KINDS),
        "sources": _pattern(SOURCES),
        "note": _text(required=False),
    },
    strict=True,
    unique=["country", "creditor", "start"],
)

IMF_PROGRAMMES_SCHEMA = DataFrameSchema(
    {
        "country": _pattern(ISO2),
        "facility": _code(IMF_FACILITIES),
        "approved": _date(required=True),
        "ended": _date(),
        "amount_sdr_m": Column("Float64", Check.gt(0), nullable=True, coerce=True),
        "sources": _pattern(SOURCES),
        "note": _text(required=False),
    },
    strict=True,
    unique=["country", "facility", "approved"],
)

#: ``imposer`` may be a body (EU, UN) or the UK as ``UK``; ``target`` may be ``EU``
SANCTIONS_REGIMES_SCHEMA = DataFrameSchema(
    {
        "regime_id": _pattern(r"^[a-z]{2}_[a-z]{2}_[0-9]{4}(_[0-9]+)?$"),
        "imposer": _code(SANCTION_IMPOSERS),
        "target": _pattern(ISO2),
        "start": _date(required=True),
        "end": _date(),
        "scope": _text(),
        "sources": _pattern(SOURCES),
        "note": _text(required=False),
    },
    strict=True,
    unique=["regime_id"],
)

MEMBERSHIPS_SCHEMA = DataFrameSchema(
    {
        "country": _pattern(ISO2),
        "body": _pattern(r"^(EU|NATO|ANZUS|CSTO|treaty_[a-z]{2}_[a-z]{2}_[0-9]{4})$"),
        "joined": _date(required=True),
        "left": _date(),
        "sources": _pattern(SOURCES),
        "note": _text(required=False),
    },
    strict=True,
    unique=["country", "body", "joined"],
)

WARS_SCHEMA = DataFrameSchema(
    {
        "war_id": _pattern(SLUG),
        "state_a": _pattern(ISO2),
        "state_b": _pattern(ISO2),
        "start": _date(required=True),
        "end": _date(),
        "kind": _code(WAR_KINDS),
        "sources": _pattern(SOURCES),
        "note": _text(required=False),
    },
    strict=True,
    unique=["war_id"],
)

COUNTRY_INDICATORS_SCHEMA = DataFrameSchema(
    {
        "country": _pattern(ISO2),
        "year": _year(required=True),
        "indicator": _code(INDICATORS),
        "value": Column("Float64", nullable=False, coerce=True),
        "sources": _pattern(SOURCES),
    },
    strict=True,
    unique=["country", "year", "indicator"],
)

#: ``share_pct`` blank = not stated (or not applicable: bases), never zero
STRATEGIC_ASSETS_SCHEMA = DataFrameSchema(
    {
        "asset_id": _pattern(r"^[a-z0-9-]+$"),
        "place": _text(),
        "country": _pattern(ISO2),
        "region": _text(required=False),
        "asset": _text(),
        "kind": _code(ASSET_KINDS),
        "holder": _text(),
        "holder_state": _pattern(ISO2),
        "share_pct": Column(
            "Float64", Check.in_range(0, 100, include_min=False), nullable=True, coerce=True
        ),
        "start": _date(),
        "end": _date(),
        "sources": _pattern(SOURCES),
        "note": _text(required=False),
    },
    strict=True,
    unique=["asset_id"],
)

#: ``jurisdiction`` is ISO 3166-1 (``AU``) or ISO 3166-2 (``US-TX``); ``kind`` includes
#: ``guidance`` and ``none`` (a known absence of control); ``targets`` blank = not enumerated
LEGAL_REGIMES_SCHEMA = DataFrameSchema(
    {
        "regime_id": _pattern(r"^[a-z0-9-]+$"),
        "jurisdiction": _pattern(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$"),
        "instrument": _text(),
        "kind": _code(LEGAL_KINDS),
        "targets": _pattern(r"^(any|[A-Z]{2}(;[A-Z]{2})*)$", required=False),
        "adopted": _date(),
        "in_force": _date(),
        "ended": _date(),
        "summary": _text(),
        "sources": _pattern(SOURCES),
        "note": _text(required=False),
    },
    strict=True,
    unique=["regime_id"],
)

#: a state's standing claim to another territory's sovereignty: a tie with a place
#: there exposes the local side to the claimant's reprisal (``end`` blank = in force)
SOVEREIGNTY_CLAIMS_SCHEMA = DataFrameSchema(
    {
        "claim_id": _pattern(r"^[a-z]{2}-[a-z]{2}$"),
        "territory": _pattern(ISO2),
        "claimant": _pattern(ISO2),
        "start": _date(required=True),
        "end": _date(),
        "sources": _pattern(SOURCES),
        "note": _text(required=False),
    },
    strict=True,
    unique=["claim_id"],
)
