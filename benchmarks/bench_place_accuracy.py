"""Place resolution against Wikidata's coordinates: issue 16's bar, measured.

Two samples of distinct places with fixed seeds. The 2017 EU sister-city list gives
each side's English label, country label and point. The 2016 P190 crawl gives only QIDs
and labels (German first), no countries and no points, so the only offline check is the
EU list's: a P190 label spelled exactly like an EU-list label that names one place
there (one country, its points within 25 km of each other) and shares a partner with it
(so it is that item, not a namesake) is checkable and takes that country and point;
every other P190 label cannot be checked offline and is only counted. The whole
checkable populations are resolved too (rows marked "all"), free of sampling error.

A place is a (label, country, point) triple; points of one (label, country) closer
than 25 km are one place (an item with two P625 values), farther ones are namesakes the
list itself holds (two Freudenbergs in Germany), so picking one in silence shows up as
a far answer for the other. Country labels become ISO codes through the Wikidata
importer's own mapping; a label it cannot map is resolved without a country, as the
importer then does. Each place is resolved twice: by name and country, and with the
Wikidata point as a hint (``near=``, as the importer passes it).

Outcomes: within 25 km (right), beyond (a far namesake: the silent failure), or an
error by kind. Errors get a rough class from the typed name (admin suffix, area hint,
compound name, a suggestion sharing a word, small place), and an error or far answer
whose name, resolved without a country, lies within 25 km under another country code
(overseas territories, Åland) is marked so; historic names cannot be told from the
name alone and land in those classes or "other". ``--quick`` samples 100, skips the
whole populations and writes nothing; ``--json`` prints the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_common import (  # noqa: E402
    EU_LIST,
    P190_NAMES,
    P190_RELATIONS,
    code_commit,
    reference_dir,
    write_section,
)
from wikidata_places import (  # noqa: E402
    NEAR_KM,
    Spot,
    distinct_places,
    km,
    p190_checkable,
    read_eu,
    read_eu_ties,
    read_p190,
    sample,
)

SECTION = "place-accuracy"
SAMPLE, QUICK_SAMPLE = 400, 100
SEEDS = {"eu": 16, "p190": 2016}
BAR_RIGHT, BAR_FAR = 98.0, 0.5
SMALL = 10_000
MODES = ("name+country", "name+country+point")
OUTCOMES = (
    "right",
    "given",
    "far",
    "not_found_suggestions",
    "not_found_bare",
    "ambiguous",
    "other_error",
    "no_point",
)
ERRORS = OUTCOMES[3:]
#: a place the gazetteer lacks, placed by the matcher at the point hint itself
#: (``located_by == "given"``): within 25 km by construction, so it is counted apart
GIVEN = "given"
#: words that make a typed name a unit's name rather than a town's (in the languages
#: the EU list and its partners use); "X of" forms contain one of them too
UNIT_WORDS = re.compile(
    r"\b(municipality|municipal|county|district|parish|gmina|kommune|kommun|commune|"
    r"borough|department|d[ée]partement|province|prefecture|region|canton|township|"
    r"oblast|raion|rayon|powiat|landkreis|kreis|bezirk|comarca|metropolitan|urban|rural|"
    r"municipio|concelho|okres|voivodeship|governorate|city of|town of|area|council)\b",
    re.IGNORECASE,
)
COMPOUND = re.compile(r"\b[A-ZÀ-Þ][\w']+-[A-ZÀ-Þ][\w']+|\s(and|und|et|y|e)\s")
COMPOUND_PREFIX = re.compile(r"^(Saint|Sainte|St|Ste|San|Santa|Santo|São|Sankt|Bad|La|Le)\b")
WORD = re.compile(r"\w{4,}")


@dataclass
class Outcome:
    """What resolving one place gave, in one mode."""

    name: str
    country: str
    code: str | None
    outcome: str
    km: float | None = None
    resolved: str = ""
    message: str = ""
    failure: str = ""
    #: the country code under which the gazetteer has the place, when not the typed one
    elsewhere: str = ""


@dataclass
class Run:
    """One sample in one mode."""

    sample: str
    mode: str
    seconds: float = 0.0
    #: every checkable place rather than a sample: in the figures and classes only
    whole: bool = False
    outcomes: list[Outcome] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        got = Counter(o.outcome for o in self.outcomes)
        return {k: got.get(k, 0) for k in OUTCOMES}

    def pct(self, outcome: str) -> float:
        return 100.0 * self.counts()[outcome] / max(len(self.outcomes), 1)

    def meets_bar(self, count_given: bool = False) -> bool:
        """Issue 16's bar; places set at the given point count as right only when
        ``count_given``."""
        c = self.counts()
        right = self.pct("right") + (self.pct("given") if count_given else 0.0)
        return (
            right >= BAR_RIGHT
            and self.pct("far") <= BAR_FAR
            and c["not_found_bare"] + c["other_error"] + c["no_point"] == 0
        )

    def bar_text(self, count_given: bool = False) -> str:
        """ "met", or which part of the bar is missed."""
        if self.meets_bar(count_given):
            return "met"
        c = self.counts()
        right = self.pct("right") + (self.pct("given") if count_given else 0.0)
        why = []
        if right < BAR_RIGHT:
            why.append(f"{right:.1f} % right")
        if self.pct("far") > BAR_FAR:
            why.append(f"{self.pct('far'):.1f} % far")
        bare = c["not_found_bare"] + c["other_error"] + c["no_point"]
        if bare:
            why.append(f"{bare} errors without suggestions")
        return "**not met** (" + ", ".join(why) + ")"

    def failures(self) -> dict[str, int]:
        return dict(Counter(o.failure for o in self.outcomes if o.outcome in ERRORS))


def _shares_word(name: str, suggestions: Sequence[str]) -> bool:
    typed = {w.casefold() for w in WORD.findall(name)}
    for sug in suggestions:
        label = sug.rsplit(" (", 1)[0]
        if typed & {w.casefold() for w in WORD.findall(label)}:
            return True
    return False


def failure_class(
    name: str, code: str | None, population: int | None, suggestions: Sequence[str] = ()
) -> str:
    """A rough reason a name failed, first match wins: no country code, a unit's name
    (suffix or prefix), an area after a comma or in brackets, a compound of two names,
    a suggestion that shares a word with it (variant, prefix or renamed form), a small
    place, or other."""
    if not code:
        return "country label not mapped by the importer"
    if UNIT_WORDS.search(name):
        return "admin unit suffix/prefix (Municipality, County, District, … of)"
    if "," in name or "(" in name:
        return "area hint (', area' or brackets)"
    if " " not in name and COMPOUND.search(name) and not COMPOUND_PREFIX.match(name):
        return "compound name (A-B, A and B: merged units)"
    if re.search(r"\s(and|und|et|y|e)\s", name):
        return "compound name (A-B, A and B: merged units)"
    if suggestions and _shares_word(name, suggestions):
        return "a suggestion shares a word (variant, prefix, renamed form)"
    if population is None or population < SMALL:
        return f"small place (Wikidata population < {SMALL:,} or none)"
    return "other"


def resolve_one(resolve: Callable[..., Any], spot: Spot, code: str | None, point: bool) -> Outcome:
    """Resolve one place and say how far the answer lies from Wikidata's point."""
    from twinrisk.core.errors import AmbiguousPlace, PlaceError, PlaceNotFound

    o = Outcome(spot.name, spot.country, code, "")
    try:
        if point:
            place = resolve(spot.name, code, near=(spot.lat, spot.lon))
        else:
            place = resolve(spot.name, code)
    except PlaceError as exc:
        suggestions = list(getattr(exc, "suggestions", []) or [])
        if isinstance(exc, AmbiguousPlace):
            o.outcome = "ambiguous"
        elif isinstance(exc, PlaceNotFound):
            o.outcome = "not_found_suggestions" if suggestions else "not_found_bare"
        else:
            o.outcome = "other_error"
        o.message = str(exc)
        o.failure = failure_class(spot.name, code, spot.population, suggestions)
        return o
    o.resolved = (
        f"{place.name} ({place.country}, {place.kind}, admin1 {place.admin1 or '–'}, "
        f"{place.located_by})"
    )
    if place.lat is None or place.lon is None:
        o.outcome = "no_point"
        o.failure = "resolved, but without coordinates"
        return o
    o.km = km((place.lat, place.lon), (spot.lat, spot.lon))
    if place.located_by == GIVEN:
        o.outcome = "given"
    else:
        o.outcome = "right" if o.km <= NEAR_KM else "far"
    return o


ELSEWHERE = "under another country code in the gazetteer (territory, Åland, Macau …)"


def elsewhere(resolve: Callable[..., Any], spot: Spot, code: str | None) -> str:
    """The country code under which the name, resolved without a country, lies within
    25 km of Wikidata's point, when that is not ``code`` (Wikidata files Guadeloupe's
    towns under France, GeoNames under GP); "" otherwise."""
    from twinrisk.core.errors import PlaceError

    if not code:
        return ""
    try:
        place = resolve(spot.name, None)
    except PlaceError:
        return ""
    if place.lat is None or place.lon is None or place.country == code:
        return ""
    return str(place.country) if km((place.lat, place.lon), (spot.lat, spot.lon)) <= NEAR_KM else ""


def run_sample(
    name: str, spots: Sequence[Spot], code_of: Callable[[str], str], whole: bool = False
) -> list[Run]:
    """Resolve every place of ``spots`` in each mode."""
    from twinrisk.places import resolve

    runs = []
    for mode in MODES:
        run = Run(name, mode, whole=whole)
        t = time.perf_counter()
        for s in spots:
            run.outcomes.append(
                resolve_one(resolve, s, code_of(s.country) or None, "point" in mode)
            )
        run.seconds = time.perf_counter() - t
        for s, o in zip(spots, run.outcomes, strict=True):  # outside the timing
            if o.outcome == "far" or o.outcome in ERRORS:
                o.elsewhere = elsewhere(resolve, s, o.code)
                if o.elsewhere and o.outcome in ERRORS:
                    o.failure = ELSEWHERE
        runs.append(run)
    return runs


def _pct(n: int, total: int) -> str:
    return f"{n} ({100.0 * n / max(total, 1):.1f} %)"


def figures(runs: Sequence[Run], meta: dict[str, Any]) -> dict[str, Any]:
    """Machine-readable figures (``--json``)."""
    return {
        **meta,
        "runs": [
            {
                "sample": r.sample,
                "mode": r.mode,
                "n": len(r.outcomes),
                "seconds": round(r.seconds, 3),
                "counts": r.counts(),
                "pct_right": round(r.pct("right"), 2),
                "pct_far": round(r.pct("far"), 2),
                "pct_given": round(r.pct("given"), 2),
                "meets_bar": r.meets_bar(),
                "meets_bar_counting_given": r.meets_bar(count_given=True),
                "failure_classes": r.failures(),
                "far": [asdict(o) for o in r.outcomes if o.outcome == "far"],
            }
            for r in runs
        ],
    }


def far_lines(runs: Sequence[Run]) -> list[str]:
    """One line per far place of a sample, naming the modes it was far in."""
    far: dict[tuple[str, str, str, str, float], list[str]] = {}
    for r in runs:
        if r.whole:
            continue
        for o in r.outcomes:
            if o.outcome == "far" and o.km is not None:
                there = f" [within 25 km under {o.elsewhere}]" if o.elsewhere else ""
                key = (r.sample, o.name, o.code or o.country, o.resolved + there, round(o.km))
                far.setdefault(key, []).append(r.mode)
    return [
        f"- {sample}: {name} ({cc}) → {resolved}, {dist:,.0f} km ({', '.join(modes)})"
        for (sample, name, cc, resolved, dist), modes in far.items()
    ]


def report_lines(runs: Sequence[Run], meta: dict[str, Any], examples: int = 30) -> list[str]:
    """The RESULTS.md section (also printed)."""
    pop = meta["population"]
    lines = [
        "## place accuracy against Wikidata (benchmarks/bench_place_accuracy.py, issue 16)",
        "",
        f"Run {meta['date']} at commit {meta['commit']}; seeds: EU list {SEEDS['eu']}, "
        f"P190 list {SEEDS['p190']}; {meta['sample']} distinct places per sample. Bar: "
        f"≥ {BAR_RIGHT:g} % within {NEAR_KM:g} km of Wikidata's point, ≤ {BAR_FAR:g} % "
        "far namesakes, the rest errors with suggestions (or an ambiguity with candidates).",
        "",
        f"- EU list: {pop['eu_sides']:,} sides with a point, {pop['eu_places']:,} distinct "
        f"places (label, country, point; {pop['eu_namesakes']:,} label-and-country pairs "
        f"name several places > {NEAR_KM:g} km apart).",
        f"- P190 2016 list: {pop['p190_labels']:,} distinct labels; {pop['p190_checkable']:,} "
        "checkable (label spelled as in the EU list, one place there, and a partner in "
        f"common with it there); {pop['p190_absent']:,} absent from the EU list, "
        f"{pop['p190_several']:,} naming several places there and "
        f"{pop['p190_unconfirmed']:,} without a partner in common (perhaps namesakes) "
        "cannot be checked offline (the crawl has no coordinates or countries; its labels "
        "are German first, so exonyms such as Peking or Prag never match). "
        f"{pop['overlap']} of the P190 sample are also in the EU sample.",
        "- Rows marked *all* resolve every checkable place (no sampling error; the 400 "
        "samples' 95 % interval is about ±3 points at 90 %).",
        "- *Set at the given point*: a place the gazetteer lacks, which the matcher places "
        "at the point hint itself (`located_by` given); 0 km by construction, so not "
        "counted as within 25 km. The last but one column counts them as right.",
        "",
        "| sample | mode | within 25 km | set at the given point | far namesake "
        "| not found, with suggestions | not found, none | ambiguous | other | bar "
        "| bar, given points counted | time |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        c, n = r.counts(), len(r.outcomes)
        lines.append(
            f"| {r.sample} | {r.mode} | {_pct(c['right'], n)} | {_pct(c['given'], n)} "
            f"| {_pct(c['far'], n)} "
            f"| {_pct(c['not_found_suggestions'], n)} | {_pct(c['not_found_bare'], n)} "
            f"| {_pct(c['ambiguous'], n)} | {c['other_error'] + c['no_point']} "
            f"| {r.bar_text()} | {r.bar_text(count_given=True)} "
            f"| {r.seconds:.2f} s |"
        )
    lines += [
        "",
        "Far namesakes (sample: typed name (country) → what it resolved to, km off; the "
        "modes it happens in):",
        "",
    ]
    lines += far_lines(runs) or ["- none"]
    classes = sorted({k for r in runs for k in r.failures()})
    lines += [
        "",
        "Errors by rough class (first match wins; see `failure_class`):",
        "",
        "| class | " + " | ".join(f"{r.sample}, {r.mode}" for r in runs) + " |",
        "|---|" + "---|" * len(runs),
    ]
    for k in classes:
        lines.append(f"| {k} | " + " | ".join(str(r.failures().get(k, 0)) for r in runs) + " |")
    shown = [
        (r, o)
        for r in runs
        if r.mode == MODES[0] and not r.whole
        for o in r.outcomes
        if o.outcome in ERRORS
    ]
    per_sample = max(examples // max(len({r.sample for r, _ in shown}), 1), 1)
    picked: list[tuple[Run, Outcome]] = []
    taken: Counter[str] = Counter()
    for r, o in shown:
        if taken[r.sample] < per_sample:
            picked.append((r, o))
            taken[r.sample] += 1
    lines += ["", f"Error examples ({MODES[0]}, up to {examples}):", ""]
    lines += [
        f"- {r.sample}: `{o.name}` ({o.country}) [{o.failure}]: {o.message[:100]}"
        for r, o in picked
    ] or ["- none"]
    lines.append("")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--quick", action="store_true", help=f"{QUICK_SAMPLE} places per sample; writes nothing"
    )
    ap.add_argument("--json", action="store_true", help="print the figures as JSON only")
    ap.add_argument("--no-write", action="store_true", help="leave RESULTS.md as it is")
    ap.add_argument("--sample", type=int, help=f"places per sample (default {SAMPLE})")
    args = ap.parse_args(argv)
    n = args.sample or (QUICK_SAMPLE if args.quick else SAMPLE)

    from twinrisk.importers.wikidata import _country_name

    ref = reference_dir()
    sides = read_eu(ref / EU_LIST)
    places = distinct_places(sides)
    keys = Counter((s.name, s.country) for s in places)
    p190 = read_p190(ref / P190_NAMES, ref / P190_RELATIONS)
    checkable, p190_counts = p190_checkable(p190, places, read_eu_ties(ref / EU_LIST))
    eu_sample = sample(places, n, SEEDS["eu"])
    p190_sample = sample(checkable, n, SEEDS["p190"])
    meta = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": code_commit(),
        "seeds": SEEDS,
        "sample": n,
        "population": {
            "eu_sides": len(sides),
            "eu_places": len(places),
            "eu_namesakes": sum(1 for v in keys.values() if v > 1),
            "p190_labels": len(p190),
            "p190_checkable": p190_counts["checkable"],
            "p190_absent": p190_counts["absent"],
            "p190_several": p190_counts["several"],
            "p190_unconfirmed": p190_counts["unconfirmed"],
            "overlap": len(set(eu_sample) & set(p190_sample)),
        },
    }
    import twinrisk.places as _places

    _places.resolve("Prague", "CZ")  # load the index before timing
    runs = run_sample("EU list", eu_sample, _country_name) + run_sample(
        "P190 2016", p190_sample, _country_name
    )
    if not args.quick:
        runs += run_sample("EU list, all", places, _country_name, whole=True)
        runs += run_sample("P190 2016, all", checkable, _country_name, whole=True)
    if args.json:
        print(json.dumps(figures(runs, meta), ensure_ascii=False, indent=1))
    else:
        lines = report_lines(runs, meta)
        print("\n".join(lines))
        for r in runs:
            if r.whole:
                continue
            pointless = [o for o in r.outcomes if o.outcome == "no_point"]
            for o in pointless:
                print(f"  resolved without a point: {o.name} ({o.country}) → {o.resolved}")
            errs = [o for o in r.outcomes if o.outcome in ERRORS][:30]
            print(f"\n{r.sample}, {r.mode}: {len(errs)} error examples")
            for o in errs:
                print(f"  {o.name} ({o.country}) [{o.failure}]: {o.message[:100]}")
    if not (args.quick or args.no_write or args.sample):
        write_section(SECTION, report_lines(runs, meta))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
