"""The first stage of every run: what the caller asked for, read and resolved once.

A request is columns of proposals (local, partner, countries, as_of, terms, place
hints); each row comes out either resolved into arrays the factors read, or with its
problems, typed, so one bad row never stops the others. ``assess``, ``assess_each``,
``assess_many``, ``assess_frame``, batch and training all start here.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from twinrisk import places
from twinrisk.core.errors import InputError, PlaceError, RowError, TermError
from twinrisk.core.inputs import is_empty, parse_as_of, parse_country
from twinrisk.core.models import Place
from twinrisk.core.terms import TERMS, parse_terms
from twinrisk.features.hints import HINT_FIELDS, side_hints
from twinrisk.features.unique import parse_unique as _parse_unique


@dataclass
class Prepared:
    """The rows of a request that can be scored, as arrays (``rows`` are their
    positions in the request), and the problems of each request row (None when fine)."""

    rows: np.ndarray
    columns: dict[str, np.ndarray]
    locals: list[Place]
    partners: list[Place]
    errors: list[RowError | None]


def prepare(
    request: Mapping[str, Sequence[Any]],
    n: int,
    names: Mapping[str, str],
    default_as_of: dt.date | None = None,
) -> Prepared:
    """Check and resolve every row of a request; a bad row gets an error, the rest go
    on. ``request`` maps column names (local, partner, optional local_country,
    partner_country, as_of and term keys) to ``n`` values; ``names`` are the
    countries in the data. Each distinct value is parsed once, and a row's problems
    are kept typed, in the order of the fields (as_of, terms, countries, place hints,
    places). Optional hint columns per side (``local_admin``, ``local_geonames_id``,
    ``local_lat``, ``local_lon``, the same for ``partner``) reach the resolver as one
    ``places.Hint`` per row (``features.hints``)."""
    errors: dict[int, list[InputError]] = {}  # only the rows that fail

    def column(name: str) -> Sequence[Any]:
        return request[name] if name in request else [None] * n

    def note(errs: Sequence[InputError | None]) -> None:
        for i, error in enumerate(errs):
            if error is not None:
                errors.setdefault(i, []).append(error)

    fallback = default_as_of or dt.date.today()
    as_of, errs = _parse_unique(
        column("as_of"), lambda v: parse_as_of(fallback if is_empty(v) else v)
    )
    note(errs)
    terms: dict[str, list[Any]] = {}
    for key in TERMS:
        if key in request:
            values, errs = _parse_unique(column(key), lambda v, k=key: parse_terms({k: v}).get(k))
            terms[key] = values
            note(errs)
    countries = {}
    for side in ("local", "partner"):
        field = f"{side}_country"
        countries[side], errs = _parse_unique(
            column(field), lambda v, f=field: parse_country(v, f, names)
        )
        note(errs)
    hints = {side: side_hints(request, side, n, note) for side in ("local", "partner")}
    resolved = {}
    for side in ("local", "partner"):
        typed = [v if type(v) is str else ("" if is_empty(v) else str(v)) for v in column(side)]
        note(
            [
                InputError(f"{side}: a place name is required", field=side)
                if not v.strip()
                else None
                for v in typed
            ]
        )
        resolved[side] = places.resolve_many(typed, countries[side], hints[side])
    ok: list[int] = []
    for i, lp, pp in zip(range(n), resolved["local"], resolved["partner"], strict=True):
        if i in errors:
            continue
        problems: list[InputError] = []
        for field, place in (("local", lp), ("partner", pp)):
            if isinstance(place, PlaceError):
                located = copy.copy(place)  # resolutions are memoised and shared
                located.field = field
                problems.append(located)
            elif place.country not in names:
                problems.append(
                    InputError(
                        f"{field}: {place.name} is in {place.country}, a country not in the data",
                        field=field,
                    )
                )
        if not problems and lp.tie_id == pp.tie_id:  # type: ignore[union-attr]
            problems.append(
                InputError(
                    f"partner: {pp.name} ({pp.country}) is the same place as local",  # type: ignore[union-attr]
                    field="partner",
                )
            )
        if problems:
            errors[i] = problems
        else:
            ok.append(i)
    local_places: list[Place] = [resolved["local"][i] for i in ok]  # type: ignore[misc]
    partner_places: list[Place] = [resolved["partner"][i] for i in ok]  # type: ignore[misc]
    columns: dict[str, np.ndarray] = {}
    for side, chosen in (("local", local_places), ("partner", partner_places)):
        fields = np.array(
            [(p.tie_id, p.name, p.country, _division(p)) for p in chosen], dtype=object
        )
        fields = fields.reshape(len(chosen), 4)
        for j, name in enumerate(("id", "name", "country", "admin1")):
            columns[f"{side}_{name}"] = fields[:, j].copy()
    columns["as_of"] = np.array([as_of[i] for i in ok], dtype="datetime64[D]")
    for key, values in terms.items():
        picked = np.empty(len(ok), dtype=object)
        for j, i in enumerate(ok):  # element by element: a tuple value stays one value
            picked[j] = values[i]
        columns[key] = picked
    return Prepared(
        rows=np.array(ok, dtype=np.int64),
        columns=columns,
        locals=local_places,
        partners=partner_places,
        errors=[RowError(errors[i]) if i in errors else None for i in range(n)],
    )


#: the hint keys a proposal mapping may carry (``local_admin`` … ``partner_lon``)
_HINT_KEYS = tuple(f"{side}_{f}" for side in ("local", "partner") for f in HINT_FIELDS)


def proposal_columns(request: Mapping[str, Any]) -> dict[str, list[Any]]:
    """One proposal (``local``, ``partner``, …, optional place hints such as
    ``local_admin`` or ``partner_lat``/``partner_lon``, and a ``terms`` mapping) as
    request columns of length one; refuses terms that are not a mapping of known keys."""
    columns = {
        k: [request.get(k)]
        for k in ("local", "partner", "local_country", "partner_country", "as_of", *_HINT_KEYS)
    }
    terms = request.get("terms") or {}
    if not isinstance(terms, Mapping):
        raise TermError("terms must be a mapping of term keys to values")
    unknown = [k for k in terms if k not in TERMS]
    if unknown:
        raise TermError(f"unknown term {unknown[0]!r}; known terms: {', '.join(TERMS)}")
    for key in TERMS:
        value = terms.get(key)
        columns[key] = [list(value) if isinstance(value, (list, tuple)) else value]
    return columns


def _division(place: Place) -> str:
    """The first-level division a place lies in, or is (a province or state itself)."""
    return place.admin1 or (place.name if place.kind == "admin1" else "")
