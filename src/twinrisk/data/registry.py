"""The one list of curated tables: file, schema, whether it must exist, where the
loaded frame goes and which columns are booleans. Loading and validation both
read it, so a new table is one entry here (plus its schema and its rows)."""

from __future__ import annotations

from dataclasses import dataclass

import pandera.pandas as pa

from twinrisk.data import schemas


@dataclass(frozen=True)
class TableSpec:
    file: str
    schema: pa.DataFrameSchema
    #: a missing required table is a validation problem; an optional one is skipped
    required: bool
    #: the attribute of ``loaders.Tables`` that holds it (others go to ``extra``)
    attribute: str | None = None
    #: "true"/"false" columns read as booleans on load
    bool_columns: tuple[str, ...] = ()
    #: (start, end) date columns of one row: the end may not come before the start
    spans: tuple[tuple[str, str], ...] = ()


TABLES: tuple[TableSpec, ...] = (
    TableSpec("sources.csv", schemas.SOURCES_SCHEMA, True, "sources"),
    TableSpec(
        "countries.csv",
        schemas.COUNTRIES_SCHEMA,
        True,
        "countries",
        spans=(("bri_mou_year", "bri_exit_year"),),
    ),
    TableSpec("country_debt.csv", schemas.COUNTRY_DEBT_SCHEMA, True, "country_debt"),
    TableSpec(
        "places.csv",
        schemas.PLACES_SCHEMA,
        True,
        "places",
        bool_columns=("seaport", "naval_base", "tech_hub"),
    ),
    TableSpec("dyads.csv", schemas.DYADS_SCHEMA, True, "dyads"),
    TableSpec("bilateral_events.csv", schemas.EVENTS_SCHEMA, True, "events"),
    TableSpec("disputed_borders.csv", schemas.DISPUTED_BORDERS_SCHEMA, False),
    TableSpec("place_aliases.csv", schemas.PLACE_ALIASES_SCHEMA, False),
    TableSpec("ports.csv", schemas.PORTS_SCHEMA, False),
    TableSpec("tie_events.csv", schemas.TIE_EVENTS_SCHEMA, False),
    TableSpec(
        "sovereign_defaults.csv",
        schemas.SOVEREIGN_DEFAULTS_SCHEMA,
        False,
        spans=(("start", "end"),),
    ),
    TableSpec(
        "imf_programmes.csv",
        schemas.IMF_PROGRAMMES_SCHEMA,
        False,
        spans=(("approved", "ended"),),
    ),
    TableSpec(
        "sanctions_regimes.csv",
        schemas.SANCTIONS_REGIMES_SCHEMA,
        False,
        spans=(("start", "end"),),
    ),
    TableSpec("memberships.csv", schemas.MEMBERSHIPS_SCHEMA, False, spans=(("joined", "left"),)),
    TableSpec("wars.csv", schemas.WARS_SCHEMA, False, spans=(("start", "end"),)),
    TableSpec("country_indicators.csv", schemas.COUNTRY_INDICATORS_SCHEMA, False),
    TableSpec(
        "strategic_assets.csv",
        schemas.STRATEGIC_ASSETS_SCHEMA,
        False,
        spans=(("start", "end"),),
    ),
    TableSpec(
        "sovereignty_claims.csv",
        schemas.SOVEREIGNTY_CLAIMS_SCHEMA,
        False,
        spans=(("start", "end"),),
    ),
    TableSpec(
        "legal_regimes.csv",
        schemas.LEGAL_REGIMES_SCHEMA,
        False,
        spans=(("adopted", "ended"), ("in_force", "ended")),
    ),
)
BY_FILE: dict[str, TableSpec] = {t.file: t for t in TABLES}
