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
from typing import Any, cast

import numpy as np
import pandas as pd

from twinrisk.core.errors import HintError, InputError
from twinrisk.core.inputs import parse_admin, parse_degrees, parse_geonames_id
from twinrisk.features.unique import factorize
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


def side_hints(
    request: Mapping[str, Sequence[Any]], side: str, n: int, note: Note
) -> list[Hint | None] | None:
    """The hint of each row of one side (None for a row without one), or None when no
    row has one (then resolution takes its plain path). A value that cannot be read,
    or a latitude without its longitude, is handed to ``note`` as the row's problem and
    that row gets no hint.

    Work is per distinct value and per distinct combination of values, never per row in
    Python: a Wikidata export of 100,000 ties names a few tens of thousands of points."""
    present = [f for f in HINT_FIELDS if f"{side}_{f}" in request]
    if not present:
        return None
    combo = np.zeros(n, dtype=np.int64)
    values: dict[str, tuple[np.ndarray, list[Any], np.ndarray]] = {}
    for f in present:
        column = f"{side}_{f}"
        codes, uniques = factorize(request[column])
        parsed, errors = _parse_distinct(uniques, f, column)
        failed = np.array([e is not None for e in errors], dtype=bool)
        if failed.any():
            note(_objects(errors)[codes].tolist())
        values[f] = (codes, parsed, failed)
        combo = pd.factorize(combo * len(uniques) + codes)[0].astype(np.int64)
    _, first, inverse = np.unique(combo, return_index=True, return_inverse=True)
    # each distinct combination's values, gathered per field (None where absent)
    columns = []
    bad = np.zeros(len(first), dtype=bool)
    for f in HINT_FIELDS:
        if f in values:
            codes, parsed, failed = values[f]
            picked = codes[first]
            columns.append(_objects(parsed)[picked].tolist())
            bad |= failed[picked]
        else:
            columns.append([None] * len(first))
    hints: list[Hint | None] = []
    unpaired: list[InputError | None] = []
    for admin, gid, lat, lon, failed_one in zip(*columns, bad.tolist(), strict=True):
        hint, problem = _hint_of(side, admin, gid, lat, lon, failed_one)
        hints.append(hint)
        unpaired.append(problem)
    if any(e is not None for e in unpaired):
        note(_objects(unpaired)[inverse.ravel()].tolist())
    if not any(hints):
        return None
    return cast("list[Hint | None]", _objects(hints)[inverse.ravel()].tolist())


def _objects(items: list[Any]) -> np.ndarray:
    """A list as a 1-d object array (element by element: nothing is unpacked)."""
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def _parse_distinct(
    uniques: list[Any], field: str, column: str
) -> tuple[list[Any], list[InputError | None]]:
    """Each distinct value read, or its error. Coordinates go through pandas' number
    parser first; only what it cannot read (blanks, bad values) goes one by one, so the
    messages are those of ``core.inputs``."""
    parse = _PARSERS[field]
    parsed: list[Any] = [None] * len(uniques)
    errors: list[InputError | None] = [None] * len(uniques)
    todo: list[int] = list(range(len(uniques)))
    if field in ("lat", "lon") and len(uniques) > 64:
        limit = 90.0 if field == "lat" else 180.0
        series = pd.Series(uniques, dtype=object)
        numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        fine = np.isfinite(numbers) & (np.abs(numbers) <= limit)
        fine &= ~series.map(lambda v: isinstance(v, bool)).to_numpy(dtype=bool)
        for i in np.flatnonzero(fine).tolist():
            parsed[i] = float(numbers[i])
        todo = np.flatnonzero(~fine).tolist()
    for i in todo:
        try:
            parsed[i] = parse(uniques[i], column)
        except InputError as exc:
            errors[i] = exc
    return parsed, errors


def _hint_of(
    side: str, admin: Any, gid: Any, lat: Any, lon: Any, failed: bool
) -> tuple[Hint | None, InputError | None]:
    """The hint of one combination of values, or the problem of a latitude without its
    longitude; nothing for a combination with a value that failed to parse (its rows
    have their error already)."""
    if failed or (admin is None and gid is None and lat is None and lon is None):
        return None, None
    if (lat is None) != (lon is None):
        given, missing = ("lat", "lon") if lon is None else ("lon", "lat")
        value = lat if lon is None else lon
        return None, HintError(
            f"{side}_{given} {value:g} is given without {side}_{missing}; accepted: "
            f"both {side}_lat and {side}_lon (a point), or neither",
            field=f"{side}.{missing}",
        )
    return Hint(admin=admin, geonames_id=gid, lat=lat, lon=lon), None
