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


TABLES: tuple[TableSpec, ...] = (
    TableSpec("sources.csv", schemas.SOURCES_SCHEMA, True, "sources"),
    TableSpec("countries.csv", schemas.COUNTRIES_SCHEMA, True, "countries"),
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
    *(
        TableSpec(name, pa.DataFrameSchema({}, strict=False), False)
        for name in (
            "tie_events.csv",
            "sovereign_defaults.csv",
            "imf_programmes.csv",
            "sanctions_regimes.csv",
            "memberships.csv",
            "wars.csv",
            "country_indicators.csv",
            "strategic_assets.csv",
            "legal_regimes.csv",
        )
    ),
)
BY_FILE: dict[str, TableSpec] = {t.file: t for t in TABLES}
