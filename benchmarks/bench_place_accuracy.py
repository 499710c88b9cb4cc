"""Place resolution accuracy against Wikidata's coordinates (issue 16 bar).

Samples 400 distinct (name, country) places with a fixed seed from the 2017 EU
sister-city list, maps the country name to its ISO code as the importer would, resolves
each and measures the distance to Wikidata's point: within 25 km counts as right, beyond
as a far namesake (the silent failure issue 16 forbids), the rest as errors. The 2016
P190 list has no coordinates or countries, so it is not sampled here yet. Prints only.
"""

from __future__ import annotations

import csv
import math
import random
from collections import Counter
from pathlib import Path

import pycountry

import twinrisk.places as places

EU = Path(
    "/work/shared/reference/wikidata_eu_sister_cities_2017/eu_sister_cities_wikidata_2017.tsv"
)
SEED, SAMPLE, NEAR_KM = 16, 400, 25.0


def _code(country: str) -> str:
    """ISO code of a Wikidata country label; old and short labels ("Russia",
    "Turkey", "Republic of Macedonia") need pycountry's fuzzy search."""
    try:
        return str(pycountry.countries.lookup(country).alpha_2)
    except LookupError:
        pass
    try:
        return str(
            pycountry.countries.search_fuzzy(country.removeprefix("Republic of "))[0].alpha_2
        )
    except LookupError:
        return country


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 12742.0 * math.asin(math.sqrt(h))


def _points() -> dict[tuple[str, str], tuple[float, float]]:
    points: dict[tuple[str, str], tuple[float, float]] = {}
    with EU.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            for side in (
                (
                    r["origincityLabel"],
                    r["origincountry_corrected"],
                    r["originlat"],
                    r["originlong"],
                ),
                (
                    r["sistercityLabel"],
                    r["destination_countryLabel"],
                    r["destinationlat"],
                    r["destinationlong"],
                ),
            ):
                try:
                    points.setdefault((side[0], side[1]), (float(side[2]), float(side[3])))
                except ValueError:
                    continue
    return points


def main() -> None:
    points = _points()
    keys = sorted(points)
    random.Random(SEED).shuffle(keys)
    keys = keys[:SAMPLE]
    near, far, errors = 0, [], Counter[str]()
    for name, country in keys:
        try:
            place = places.resolve(name, _code(country))
        except places.PlaceError as exc:
            errors[type(exc).__name__] += 1
            continue
        if place.lat is None or place.lon is None:
            errors["no coordinates"] += 1
            continue
        km = _km((place.lat, place.lon), points[(name, country)])
        if km <= NEAR_KM:
            near += 1
        else:
            far.append((name, country, place.name, round(km)))
    n = len(keys)
    print(f"sampled {n} (seed {SEED}): within {NEAR_KM:g} km {100 * near / n:.1f} %, ", end="")
    print(
        f"far namesake {100 * len(far) / n:.1f} %, "
        f"errors {100 * sum(errors.values()) / n:.1f} % {dict(errors)}"
    )
    for item in far:
        print("  far:", item)


if __name__ == "__main__":
    main()
