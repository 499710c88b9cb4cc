"""``twinrisk places resolve NAME [--country CC] [--json]`` and
``twinrisk places search PREFIX [--country CC] [--limit N] [--json]``."""

from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    places = sub.add_parser("places", help="resolve place names (GeoNames gazetteer)")
    psub = places.add_subparsers(dest="places_command", metavar="ACTION")
    r = psub.add_parser("resolve", help="which city or province a name means")
    r.add_argument("name")
    r.add_argument("--country", default=None, help="ISO 3166-1 alpha-2 code, e.g. SE")
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
    from twinrisk.places import PlaceError, resolve

    try:
        place = resolve(args.name, args.country)
    except PlaceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(place.model_dump(), ensure_ascii=False, indent=2))
    else:
        where = ", ".join(x for x in (place.admin1, place.country) if x)
        print(
            f"{place.name} ({where}) [{place.kind}] {place.id} "
            f"lat={place.lat} lon={place.lon} population={place.population}"
        )
    return 0


def _search(args: argparse.Namespace) -> int:
    from twinrisk.places import search

    found = search(args.prefix, args.country, args.limit)
    if args.json:
        print(json.dumps([p.model_dump() for p in found], ensure_ascii=False, indent=2))
    else:
        for p in found:
            where = ", ".join(x for x in (p.admin1, p.country) if x)
            print(f"{p.name} ({where}) [{p.kind}] {p.id} population={p.population}")
    return 0
