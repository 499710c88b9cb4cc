"""``twinrisk places resolve NAME [--country CC] [--admin AREA] [--geonames-id N]
[--near LAT,LON] [--json]`` and
``twinrisk places search PREFIX [--country CC] [--limit N] [--json]``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from twinrisk.core.models import Place


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    places = sub.add_parser("places", help="resolve place names (GeoNames gazetteer)")
    psub = places.add_subparsers(dest="places_command", metavar="ACTION")
    r = psub.add_parser(
        "resolve",
        help="which place a name means (town, municipality/county/district, state/province); "
        "namesakes are listed as candidates",
    )
    r.add_argument("name")
    r.add_argument(
        "--country", default=None, help="ISO 3166-1 alpha-2 code, e.g. SE (UK and EL accepted)"
    )
    r.add_argument(
        "--admin",
        default=None,
        metavar="AREA",
        help="an area the place lies in (state, province, county), e.g. Bavaria",
    )
    r.add_argument(
        "--geonames-id", default=None, metavar="N", help="the place's GeoNames id (or gn:N)"
    )
    r.add_argument(
        "--near",
        default=None,
        metavar="LAT,LON",
        help="a point at or near the place, decimal degrees, e.g. 50.9,7.87",
    )
    r.add_argument("--json", action="store_true", help="print the place as JSON")
    r.set_defaults(handler=_resolve)
    s = psub.add_parser("search", help="places whose name starts with a prefix (autocomplete)")
    s.add_argument("prefix")
    s.add_argument("--country", default=None, help="ISO 3166-1 alpha-2 code, e.g. SE")
    s.add_argument("--limit", type=int, default=10, help="at most this many (default 10)")
    s.add_argument("--json", action="store_true", help="print the places as JSON")
    s.set_defaults(handler=_search)

    def _help(args: argparse.Namespace) -> int:
        places.print_help()
        return 2

    places.set_defaults(handler=_help)


def _resolve(args: argparse.Namespace) -> int:
    from twinrisk.core.errors import HintError
    from twinrisk.core.inputs import (
        country_code,
        parse_admin,
        parse_geonames_id,
        parse_point,
    )
    from twinrisk.places import AmbiguousPlace, PlaceError, resolve

    try:
        admin = parse_admin(args.admin, "--admin")
        geonames_id = parse_geonames_id(args.geonames_id, "--geonames-id")
        near = parse_point(args.near, "--near")
    except HintError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        place = resolve(
            args.name,
            country_code(args.country) if args.country else None,
            admin=admin,
            geonames_id=geonames_id,
            near=near,
        )
    except AmbiguousPlace as exc:
        print(f"error: {exc}", file=sys.stderr)
        if args.json:
            print(json.dumps([c.model_dump() for c in exc.candidates], ensure_ascii=False))
        else:
            print("candidates:", file=sys.stderr)
            for c in exc.candidates:
                print(f"  {_line(c)}", file=sys.stderr)
        return 1
    except PlaceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(place.model_dump(), ensure_ascii=False, indent=2))
    else:
        print(f"{_line(place)} lat={place.lat} lon={place.lon} (located by {place.located_by})")
        if place.note:
            print(f"  note: {place.note}")
    return 0


def _line(place: Place) -> str:
    """'Täby Kommun (Stockholms län, SE) [admin2: Municipality] gn:2669768 population=…'"""
    where = ", ".join(x for x in (place.admin1, place.country) if x)
    level = f"{place.kind}: {place.unit}" if place.unit else place.kind
    return f"{place.name} ({where}) [{level}] {place.id} population={place.population}"


def _search(args: argparse.Namespace) -> int:
    from twinrisk.places import search

    found = search(args.prefix, args.country, args.limit)
    if args.json:
        print(json.dumps([p.model_dump() for p in found], ensure_ascii=False, indent=2))
    else:
        for p in found:
            print(_line(p))
    return 0
