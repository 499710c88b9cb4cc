"""Input columns: which ones twinrisk reads, how header cells become column names,
and how any input cell becomes text.

Every reader and the scorer's front door (:func:`twinrisk.batch.core.score_frame`)
go through these, so a header means the same in CSV, JSON Lines, .xlsx, Parquet and
a caller's DataFrame, and every cell reaches the scorer as text (an empty cell is
``""``); the scorer parses dates and terms and names the field it could not read.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import pandas as pd

from twinrisk.batch.errors import BatchInputError
from twinrisk.core.terms import TERMS

REQUIRED_COLUMNS = ("local", "partner")
COUNTRY_COLUMNS = ("local_country", "partner_country")
#: a private column carrying an error found while reading a row (ragged CSV, bad JSON)
READ_ERROR = "__twinrisk_read_error__"
#: other names accepted for a required column when that column itself is absent
#: (``local_place``/``partner_place`` are the columns of features/dyads.csv)
COLUMN_ALIASES = {
    "local": ("local_place", "local_city", "local_name"),
    "partner": ("partner_place", "partner_city", "partner_name"),
}


#: optional columns that tell a place from its namesakes (``features.hints``): an area
#: it lies in, its GeoNames id, a point at or near it
HINT_COLUMNS = tuple(
    f"{side}_{f}" for side in ("local", "partner") for f in ("admin", "geonames_id", "lat", "lon")
)


def known_columns() -> tuple[str, ...]:
    """Input columns twinrisk interprets (matched case-insensitively)."""
    return (*REQUIRED_COLUMNS, *COUNTRY_COLUMNS, "as_of", *HINT_COLUMNS, *TERMS)


def normalise_columns(
    raw: list[Any],
    reserved: tuple[str, ...] = (),
    *,
    source: str = "input",
    allow_duplicates: bool = False,
) -> list[str]:
    """Header cells as column names: trimmed, known names lower-cased, blanks named
    ``column_<n>``, and pass-through columns that clash with an output column renamed
    ``<name>_input`` (suffixed ``.1``, ``.2`` … should that name be taken too).

    Raises :class:`BatchInputError` naming them when two header cells give the same
    name (``local`` twice, or ``Local`` and ``local``): which of the two is meant
    cannot be guessed. ``allow_duplicates`` suffixes them instead (used only while
    guessing the separator)."""
    known = {c.lower(): c for c in known_columns()}
    out: list[str] = []
    seen: set[str] = set()
    given: dict[str, list[tuple[int, str]]] = {}
    for i, cell in enumerate(raw):
        name = "" if cell is None else str(cell).replace("\ufeff", "").strip()
        if not name:
            name = f"column_{i + 1}"
        else:
            given.setdefault(known.get(name.lower().replace(" ", "_"), name), []).append(
                (i + 1, name)
            )
        name = known.get(name.lower().replace(" ", "_"), name)
        if name in reserved:
            name = f"{name}_input"
        base, n = name, 0
        while name in seen:
            n += 1
            name = f"{base}.{n}"
        seen.add(name)
        out.append(name)
    duplicated = {name: cells for name, cells in given.items() if len(cells) > 1}
    if duplicated and not allow_duplicates:
        raise BatchInputError(
            f"{source}: {_duplicates_text(duplicated)}; each column must "
            "be named once, so rename or remove the extra one"
        )
    for required, aliases in COLUMN_ALIASES.items():
        if required not in out:
            for alias in aliases:
                if alias in out:
                    out[out.index(alias)] = required
                    break
    return out


def _duplicates_text(duplicated: dict[str, list[tuple[int, str]]]) -> str:
    parts = []
    for name, cells in list(duplicated.items())[:10]:
        spellings = sorted({raw for _, raw in cells})
        where = ", ".join(str(i) for i, _ in cells[:-1]) + f" and {cells[-1][0]}"
        written = (
            f" (written {' and '.join(repr(w) for w in spellings)})" if len(spellings) > 1 else ""
        )
        parts.append(f"{name!r}{written} in columns {where}")
    more = f", and {len(duplicated) - 10} more" if len(duplicated) > 10 else ""
    noun = "column" if len(duplicated) == 1 else "columns"
    return f"duplicate {noun} in the header: {'; '.join(parts)}{more}"


def check_columns(columns: list[str], *, source: str, hint: str = "") -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        found = ", ".join(repr(c) for c in columns[:30]) or "no columns"
        if len(columns) > 30:
            found += f", … ({len(columns)} in all)"
        expected = ", ".join(REQUIRED_COLUMNS + COUNTRY_COLUMNS)
        raise BatchInputError(
            f"{source}: missing required column(s) {', '.join(missing)}; found {found}. "
            f"Expected a header with {expected} (countries may be empty) and optionally "
            f"as_of, place-hint (local_admin, local_geonames_id, local_lat, local_lon, "
            f"the same for partner) and proposal-term columns.{hint}"
        )


def cell_text(value: Any) -> str:
    """One input cell as text: blanks empty, booleans ``true``/``false``, whole floats
    without ``.0``, dates ISO, lists comma-joined (``sensitive_domains``)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ",".join(cell_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def int_columns(columns: list[str]) -> set[str]:
    """Output columns holding whole numbers (nullable)."""
    return {c for c in columns if c == "score" or c.startswith("points_")}
