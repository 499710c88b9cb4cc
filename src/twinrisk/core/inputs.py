"""Reading what a caller typed: dates, country codes and place hints.

Every surface (library, CLI, API, web form, batch) reads its inputs through these
functions, so the same value gets the same answer and the same message wherever
it is typed. Term values are read by ``core.terms``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any

from twinrisk.core.errors import AsOfError, CountryError, HintError

EARLIEST_AS_OF = dt.date(1950, 1, 1)
#: codes people and publishers use for a country whose ISO code differs: the United
#: Kingdom's own domain and the EU's code for Greece (Eurostat, EU documents)
COUNTRY_ALIASES = {"UK": "GB", "EL": "GR"}
#: an administrative-area hint longer than this is not a name
ADMIN_MAX = 200
_GEONAMES_ID = re.compile(r"^(?:gn:)?\s*(\d{1,10})(?:\.0*)?$", re.IGNORECASE)


def is_empty(value: Any) -> bool:
    """None, NaN (an empty spreadsheet cell) or an empty string."""
    return value is None or (isinstance(value, float) and value != value) or value == ""


def parse_as_of(value: Any, *, field: str = "as_of") -> dt.date:
    """A date from a date, datetime or ISO string; refuses the far past and the future."""
    if is_empty(value):
        return dt.date.today()
    if isinstance(value, dt.datetime):
        date = value.date()
    elif isinstance(value, dt.date):
        date = value
    else:
        try:
            date = dt.date.fromisoformat(str(value).strip()[:10])
        except ValueError as exc:
            raise AsOfError(f"{field} {value!r} is not a date; use YYYY-MM-DD") from exc
    if date < EARLIEST_AS_OF or date > dt.date.today():
        raise AsOfError(
            f"{field} {date.isoformat()} is out of range; use a date between "
            f"{EARLIEST_AS_OF.isoformat()} and today ({dt.date.today().isoformat()})"
        )
    return date


def country_code(text: str) -> str:
    """A typed country code as the data stores it: upper case, UK and EL (the EU's own
    codes) read as GB and GR. Not checked against the data (``parse_country`` does)."""
    code = text.strip().upper()
    return COUNTRY_ALIASES.get(code, code)


def parse_country(value: Any, field: str, names: Mapping[str, str]) -> str | None:
    """An upper-case ISO 3166-1 alpha-2 code known to ``names`` (``UK`` and ``EL`` read
    as GB and GR); None when not given."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    code = country_code(str(value))
    if not code:
        return None
    if code not in names:
        raise CountryError(
            f"{field} {value!r} is not an ISO 3166-1 alpha-2 code in the data; accepted: "
            f"the two-letter code of one of the {len(names)} countries in the data (e.g. "
            f"SE, CN, IN), or UK for GB and EL for GR{_country_suggestion(str(value), names)}",
            field=field.replace("_", "."),
        )
    return code


def _country_suggestion(text: str, names: Mapping[str, str]) -> str:
    """What the caller probably meant: the code of a country typed by its name or its
    three-letter code, or why a real ISO code is refused. Only on the error path, so
    pycountry's tables are loaded only then."""
    text = text.strip()
    by_name = {name.casefold(): code for code, name in names.items()}
    if text.casefold() in by_name:
        code = by_name[text.casefold()]
        return f"; did you mean {code} ({names[code]})?"
    import pycountry

    try:
        found = pycountry.countries.lookup(text)
    except LookupError:
        return ""
    code = str(found.alpha_2)
    if code in names:
        return f"; did you mean {code} ({names[code]})?"
    return f"; {code} is {found.name}, which the curated tables do not cover"


def parse_admin(value: Any, field: str) -> str | None:
    """An administrative-area hint ("Bavaria", "Kreis Siegen-Wittgenstein") as trimmed
    text; None when not given."""
    if is_empty(value):
        return None
    text = str(value).strip()
    if not text:
        return None
    if len(text) > ADMIN_MAX:
        raise HintError(
            f"{field} is {len(text)} characters long; accepted: the name of a state, "
            f"province, county or other area the place lies in, up to {ADMIN_MAX} characters",
            field=field.replace("_", "."),
        )
    return text


def parse_geonames_id(value: Any, field: str) -> int | None:
    """A GeoNames id as a positive whole number (``2711537``, ``"gn:2711537"``, or a
    spreadsheet's ``2711537.0``); None when not given."""
    if is_empty(value):
        return None
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float):
        number = int(value) if value.is_integer() else None
    else:
        match = _GEONAMES_ID.match(str(value).strip())
        number = int(match.group(1)) if match else None
    if number is None or number <= 0 or number >= 10**10:
        raise HintError(
            f"{field} {value!r} is not a GeoNames id; accepted: a positive whole number "
            "such as 2711537, or gn:2711537",
            field=field.replace("_", "."),
        )
    return number


def parse_degrees(value: Any, field: str, limit: float) -> float | None:
    """A latitude (``limit`` 90) or longitude (180) in decimal degrees, WGS84; None when
    not given."""
    if is_empty(value):
        return None
    degrees: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        degrees = float(value)
    elif isinstance(value, str):
        try:
            degrees = float(value.strip())
        except ValueError:
            degrees = None
    if degrees is None or not math.isfinite(degrees) or abs(degrees) > limit:
        what = "latitude" if limit == 90 else "longitude"
        raise HintError(
            f"{field} {value!r} is not a {what}; accepted: decimal degrees from "
            f"{-limit:g} to {limit:g} (WGS84, a point as decimal separator, e.g. 49.45)",
            field=field.replace("_", "."),
        )
    return degrees


def parse_point(value: Any, field: str) -> tuple[float, float] | None:
    """A point as (latitude, longitude): a pair of numbers or text ``"LAT,LON"``
    (the CLI's ``--near``); None when not given."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    parts: Any = value.split(",") if isinstance(value, str) else value
    if isinstance(parts, str) or not isinstance(parts, list | tuple) or len(parts) != 2:
        raise HintError(
            f"{field} {value!r} is not a point; accepted: latitude and longitude in decimal "
            "degrees, as LAT,LON text or a pair, e.g. 50.9,7.87",
            field=field.replace("_", "."),
        )
    lat = parse_degrees(parts[0], f"{field} latitude", 90.0)
    lon = parse_degrees(parts[1], f"{field} longitude", 180.0)
    if lat is None or lon is None:
        raise HintError(
            f"{field} {value!r} lacks a coordinate; accepted: LAT,LON, e.g. 50.9,7.87",
            field=field.replace("_", "."),
        )
    return lat, lon
