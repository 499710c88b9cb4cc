"""Place hints read from a request's columns: what tells namesakes apart, row by row.

A name and a country leave Freudenberg (three towns in Germany) undecided; a request
may say which one with, per side, ``<side>_admin`` (an area the place lies in),
``<side>_geonames_id`` and ``<side>_lat``/``<side>_lon`` (a point at or near it, as a
Wikidata export carries). They arrive as batch columns, from the API's place object and
from the library's keywords, and leave as one ``places.Hint`` per row for
``places.resolve_many``. Each column is parsed once per distinct value like the other
fields, and a request without them costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from twinrisk.core.errors import HintError, InputError
from twinrisk.core.inputs import parse_admin, parse_degrees, parse_geonames_id
from twinrisk.features.unique import parse_unique
from twinrisk.places import Hint

#: the hint columns of a side are ``<side>_<field>``
HINT_FIELDS = ("admin", "geonames_id", "lat", "lon")

_PARSERS: dict[str, Callable[[Any, str], Any]] = {
    "admin": parse_admin,
    "geonames_id": parse_geonames_id,
    "lat": lambda v, f: parse_degrees(v, f, 90.0),
    "lon": lambda v, f: parse_degrees(v, f, 180.0),
}

Note = Callable[[Sequence[InputError | None]], None]


def hint_columns(side: str) -> tuple[str, ...]:
    """The request columns that carry hints for ``side`` ("local" or "partner")."""
    return tuple(f"{side}_{f}" for f in HINT_FIELDS)


def side_hints(
    request: Mapping[str, Sequence[Any]], side: str, n: int, note: Note
) -> list[Hint | None] | None:
    """The hint of each row of one side (None for a row without one), or None when no
    row has one (then resolution takes its plain path). A value that cannot be read,
    or a latitude without its longitude, is handed to ``note`` as the row's problem and
    that row gets no hint."""
    present = [f for f in HINT_FIELDS if f"{side}_{f}" in request]
    if not present:
        return None
    parsed: dict[str, list[Any]] = {}
    bad: set[int] = set()
    for f in present:
        column = f"{side}_{f}"
        values, errs = parse_unique(request[column], lambda v, c=column, p=_PARSERS[f]: p(v, c))
        parsed[f] = values
        if any(e is not None for e in errs):
            note(errs)
            bad.update(i for i, e in enumerate(errs) if e is not None)
    none = [None] * n
    admin, gid, lat, lon = (parsed.get(f, none) for f in HINT_FIELDS)
    rows = [
        i
        for i, values in enumerate(zip(admin, gid, lat, lon, strict=True))
        if i not in bad and values != (None, None, None, None)
    ]
    if not rows:
        return None
    unpaired: list[InputError | None] = [None] * n
    hints: list[Hint | None] = [None] * n
    made: dict[tuple[Any, ...], Hint] = {}
    for i in rows:
        if (lat[i] is None) != (lon[i] is None):
            given, missing = ("lat", "lon") if lon[i] is None else ("lon", "lat")
            value = lat[i] if lon[i] is None else lon[i]
            unpaired[i] = HintError(
                f"{side}_{given} {value:g} is given without {side}_{missing}; accepted: "
                f"both {side}_lat and {side}_lon (a point), or neither",
                field=f"{side}.{missing}",
            )
            continue
        key = (admin[i], gid[i], lat[i], lon[i])
        hint = made.get(key)
        if hint is None:
            hint = made[key] = Hint(admin=key[0], geonames_id=key[1], lat=key[2], lon=key[3])
        hints[i] = hint
    if any(e is not None for e in unpaired):
        note(unpaired)
    return hints
