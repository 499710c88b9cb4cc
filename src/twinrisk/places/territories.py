"""Territories a state administers that GeoNames files under codes of their own.

Wikidata (and officers) write Nouméa, Pointe-à-Pitre and Mariehamn as places in
France and Finland; GeoNames files them under NC, GP and AX. A name asked for in a
state is also looked for in the territories ISO 3166-2 lists as that state's
subdivisions, and a place found there is answered as the state's (its relations,
sanctions and debt are the state's), with its territory named in the place's note.
Disputed or annexed territory is not listed: Crimea is not Russia's, Western Sahara
not Morocco's, whatever the typed country says.
"""

from __future__ import annotations

#: ISO 3166-2 subdivisions of a state that also have an ISO 3166-1 code
TERRITORIES: dict[str, tuple[str, ...]] = {
    "FR": ("GP", "MQ", "GF", "RE", "YT", "NC", "PF", "PM", "WF", "BL", "MF", "TF"),
    "US": ("PR", "GU", "VI", "AS", "MP", "UM"),
    "NL": ("AW", "CW", "SX", "BQ"),
    "FI": ("AX",),
    "CN": ("HK", "MO"),
    "NO": ("SJ",),
}


def country_codes(country: str) -> tuple[str, ...]:
    """The GeoNames country codes a place asked for in ``country`` may carry."""
    return (country, *TERRITORIES.get(country, ()))
