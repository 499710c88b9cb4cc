"""The places of the two Wikidata twinning lists the issue-16 benchmark checks against:
what one place is, which P190 labels can be checked offline, and the fixed-seed sample.

Pure reading and set logic, no twinrisk imports, so the tests can pin it down on tiny
files. The rules are explained in ``bench_place_accuracy``'s docstring.
"""

from __future__ import annotations

import csv
import math
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

#: two points of one label and country this close are one place; an answer this close
#: to Wikidata's point is right
NEAR_KM = 25.0


@dataclass(frozen=True)
class Spot:
    """One Wikidata place: its label, country label, point and population."""

    name: str
    country: str
    lat: float
    lon: float
    population: int | None = None


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km on a sphere of radius 6,371 km."""
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def _int(text: str) -> int | None:
    try:
        return int(float(text))
    except ValueError:
        return None


def read_eu(path: Path) -> list[Spot]:
    """Both sides of every EU-list row that carries a point (rows without are skipped)."""
    out: list[Spot] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            for name, country, lat, lon, pop in (
                (
                    r["origincityLabel"],
                    r["origincountry_corrected"],
                    r["originlat"],
                    r["originlong"],
                    r["originpopulation"],
                ),
                (
                    r["sistercityLabel"],
                    r["destination_countryLabel"],
                    r["destinationlat"],
                    r["destinationlong"],
                    r["destinationpopulation"],
                ),
            ):
                try:
                    point = (float(lat), float(lon))
                except ValueError:
                    continue
                out.append(Spot(name, country, *point, _int(pop)))
    return out


def distinct_places(spots: Iterable[Spot]) -> list[Spot]:
    """One Spot per (label, country, point within 25 km): a second point of the same
    label and country nearer than 25 km is the same place, a farther one a namesake.
    The first seen point stands for the place; a known population is kept."""
    kept: dict[tuple[str, str], list[Spot]] = {}
    for s in spots:
        group = kept.setdefault((s.name, s.country), [])
        for i, k in enumerate(group):
            if km((s.lat, s.lon), (k.lat, k.lon)) <= NEAR_KM:
                if k.population is None and s.population is not None:
                    group[i] = Spot(k.name, k.country, k.lat, k.lon, s.population)
                break
        else:
            group.append(s)
    return [s for group in kept.values() for s in group]


Ties = dict[str, set[str]]


def p190_checkable(
    p190: Ties, places: Sequence[Spot], eu_ties: Ties
) -> tuple[list[Spot], Counter[str]]:
    """P190 labels the EU list can check: spelled exactly like an EU-list label that
    names one place there (one country, one point), and sharing a partner with it (a
    P190 partner's label is among that EU place's partners), which makes it likely the
    same item and not a namesake. ``p190`` maps each P190 label to its partners' labels.

    Counts every distinct label as ``checkable``, ``absent`` (no such EU label: cannot
    be checked offline), ``several`` (the EU label names more than one place: which one
    is meant is unknown) or ``unconfirmed`` (no shared partner: perhaps a namesake)."""
    by_label: dict[str, list[Spot]] = {}
    for s in places:
        by_label.setdefault(s.name, []).append(s)
    out: list[Spot] = []
    counts: Counter[str] = Counter()
    for label, partners in p190.items():
        found = by_label.get(label, [])
        if not found:
            counts["absent"] += 1
        elif len(found) > 1:
            counts["several"] += 1
        elif not partners & eu_ties.get(label, set()):
            counts["unconfirmed"] += 1
        else:
            counts["checkable"] += 1
            out.append(found[0])
    return out, counts


def read_eu_ties(path: Path) -> Ties:
    """Each EU-list label with the labels it is twinned with (both directions)."""
    ties: Ties = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            a, b = r["origincityLabel"], r["sistercityLabel"]
            ties.setdefault(a, set()).add(b)
            ties.setdefault(b, set()).add(a)
    return ties


def read_p190(names: Path, relations: Path) -> Ties:
    """Each distinct P190 label (names.tsv: QID, tab, label) with its partners' labels
    (relations.tsv: QID pairs, both directions); an item without relations keeps an
    empty set."""
    label: dict[str, str] = {}
    with names.open(encoding="utf-8") as fh:
        for line in fh:
            if "\t" in line:
                qid, text = line.rstrip("\n").split("\t", 1)
                label[qid] = text
    ties: Ties = {text: set() for text in label.values()}
    with relations.open(encoding="utf-8") as fh:
        for line in fh:
            pair = line.split()
            if len(pair) != 2:
                continue
            a, b = (label.get(q, q) for q in pair)
            ties.setdefault(a, set()).add(b)
            ties.setdefault(b, set()).add(a)
    return ties


def sample(spots: Sequence[Spot], n: int, seed: int) -> list[Spot]:
    """``n`` places drawn with ``seed`` from a canonical order, so a reordered input file
    gives the same sample."""
    ordered = sorted(spots, key=lambda s: (s.name, s.country, s.lat, s.lon))
    random.Random(seed).shuffle(ordered)
    return ordered[:n]
