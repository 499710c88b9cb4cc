"""Country codes people write that are not ISO 3166-1 alpha-2, and the ISO code each
means: the United Kingdom as "UK" and Greece as "EL" (the codes the EU's own
institutions use, Eurostat and the Interinstitutional Style Guide), both reserved in
ISO 3166-1 for exactly these countries."""

from __future__ import annotations

COUNTRY_ALIASES: dict[str, str] = {"UK": "GB", "EL": "GR"}


def canonical_country(code: str) -> str:
    """The ISO 3166-1 alpha-2 code a typed country code means (upper case)."""
    code = code.strip().upper()
    return COUNTRY_ALIASES.get(code, code)
