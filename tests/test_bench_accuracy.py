"""The pure helpers of the issue-16 benchmarks (benchmarks/bench_place_accuracy.py,
wikidata_places.py and bench_eu_list.py): what counts as one place, which P190 labels
can be checked, the fixed-seed sample, the rough failure classes, the recorded-speed
parser and the section writer. The figures come from running the scripts, not from
here."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"twinrisk_bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses need the module registered
    spec.loader.exec_module(module)
    return module


acc = _load("bench_place_accuracy")
eu = _load("bench_eu_list")
common = _load("bench_common")
wp = sys.modules["wikidata_places"]  # imported by bench_place_accuracy from benchmarks/
Spot = wp.Spot


def test_km_is_great_circle_distance() -> None:
    # one degree of latitude is 111.2 km on the 6,371 km sphere
    assert wp.km((50.0, 10.0), (51.0, 10.0)) == pytest.approx(111.19, abs=0.01)
    assert wp.km((59.33, 18.07), (59.33, 18.07)) == 0.0


def test_namesakes_far_apart_are_two_places_near_points_one() -> None:
    spots = [
        Spot("Freudenberg", "Germany", 50.90, 7.87, None),
        Spot("Freudenberg", "Germany", 50.91, 7.88, 18601),  # same item, second point
        Spot("Freudenberg", "Germany", 49.75, 9.33, 3800),  # the Bavarian namesake
        Spot("Freudenberg", "Austria", 50.90, 7.87, None),  # other country: other place
    ]
    got = wp.distinct_places(spots)
    assert len(got) == 3
    first = next(s for s in got if s.country == "Germany" and s.lat == 50.90)
    assert first.population == 18601  # a population known from the second point is kept


def test_p190_labels_are_checkable_only_when_they_name_one_eu_place_with_a_shared_tie() -> None:
    places = [
        Spot("Aachen", "Germany", 50.78, 6.08),
        Spot("Reims", "France", 49.26, 4.03),
        Spot("Freudenberg", "Germany", 50.90, 7.87),
        Spot("Freudenberg", "Germany", 49.75, 9.33),
    ]
    eu_ties = {"Aachen": {"Reims", "Halifax"}, "Reims": {"Aachen"}, "Freudenberg": {"X"}}
    p190 = {
        "Aachen": {"Reims", "Kostroma"},  # shares Reims: the same Aachen
        "Reims": {"Florenz"},  # German label of Florence: no partner in common
        "Freudenberg": {"X"},
        "Peking": {"Prag"},
    }
    checkable, counts = wp.p190_checkable(p190, places, eu_ties)
    assert [s.name for s in checkable] == ["Aachen"]
    assert counts == {"checkable": 1, "unconfirmed": 1, "several": 1, "absent": 1}


def test_readers_take_labels_and_ties_in_both_directions(tmp_path: Path) -> None:
    names, relations = tmp_path / "names.tsv", tmp_path / "relations.tsv"
    names.write_text("Q1\tAachen\nQ2\tReims\nQ3\tKostroma\nQ4\tLonely\n", encoding="utf-8")
    relations.write_text("Q1\tQ2\nQ3\tQ1\n", encoding="utf-8")
    ties = wp.read_p190(names, relations)
    assert ties == {
        "Aachen": {"Reims", "Kostroma"},
        "Reims": {"Aachen"},
        "Kostroma": {"Aachen"},
        "Lonely": set(),
    }
    eu_list = tmp_path / "eu.tsv"
    cols = [
        "origincityLabel", "origincountry_corrected", "originlat", "originlong",
        "originpopulation", "sistercityLabel", "destinationlat", "destinationlong",
        "destinationpopulation", "destination_countryLabel",
    ]  # fmt: skip
    eu_list.write_text(
        "\t".join(cols)
        + "\nAachen\tGermany\t50.78\t6.08\t249070\tReims\t49.26\t4.03\t\tFrance"
        + "\nAachen\tGermany\t50.78\t6.08\t\tNowhere\t\t\t\tFrance\n",
        encoding="utf-8",
    )
    assert wp.read_eu_ties(eu_list) == {
        "Aachen": {"Reims", "Nowhere"},
        "Reims": {"Aachen"},
        "Nowhere": {"Aachen"},
    }
    spots = wp.read_eu(eu_list)  # a side without a point is left out
    assert [(s.name, s.country, s.population) for s in spots] == [
        ("Aachen", "Germany", 249070),
        ("Reims", "France", None),
        ("Aachen", "Germany", None),
    ]


def test_sample_is_fixed_by_seed_and_not_by_input_order() -> None:
    spots = [Spot(f"P{i}", "X", float(i % 80), 0.0) for i in range(50)]
    a = wp.sample(spots, 10, 16)
    assert a == wp.sample(list(reversed(spots)), 10, 16)
    assert a != wp.sample(spots, 10, 17)
    assert len(set(a)) == 10
    assert wp.sample(spots, 5, 16) == a[:5]  # --quick draws a prefix of the full sample


@pytest.mark.parametrize(
    ("name", "code", "population", "suggestions", "expected"),
    [
        ("São Vicente", None, 80_000, [], "country label"),
        ("Täby Municipality", "SE", 70_000, [], "admin unit"),
        ("Gmina Zbąszyń", "PL", None, ["Zbąszyń (PL)"], "admin unit"),
        ("18th district of Budapest", "HU", 90_000, [], "admin unit"),
        ("Steinberg, Saxony", "DE", 3_000, [], "area hint"),
        ("Aken (Elbe)", "DE", 7_000, [], "area hint"),
        ("Marzahn-Hellersdorf", "DE", 260_000, [], "compound"),
        ("Weymouth and Portland", "GB", 65_000, [], "compound"),
        ("Bad Kötzting", "DE", 7_500, ["Kötzting (DE)", "Bad König (DE)"], "shares a word"),
        ("Saint-Savin", "FR", 900, [], "small place"),
        ("Wilbich", "DE", None, ["Willich (DE)"], "small place"),
        ("Yevpatoria", "RU", 105_000, [], "other"),
    ],
)
def test_failure_class(
    name: str, code: str | None, population: int | None, suggestions: list[str], expected: str
) -> None:
    assert expected in acc.failure_class(name, code, population, suggestions)


def test_an_outcome_is_right_far_or_a_typed_error() -> None:
    from twinrisk.core.errors import AmbiguousPlace, PlaceNotFound
    from twinrisk.core.models import Place

    spot = Spot("Freudenberg", "Germany", 49.75, 9.33, 3800)
    seen: list[tuple[object, ...]] = []

    def near(name: str, cc: str | None, **kw: object) -> Place:
        seen.append((name, cc, kw))
        return Place(id="gn:1", name=name, country="DE", lat=49.76, lon=9.34)

    def far(name: str, cc: str | None, **kw: object) -> Place:
        return Place(id="gn:2", name=name, country="DE", admin1="NRW", lat=50.90, lon=7.87)

    def unknown(name: str, cc: str | None, **kw: object) -> Place:
        raise PlaceNotFound("unknown place", ["Freudenburg (DE)"])

    def ambiguous(name: str, cc: str | None, **kw: object) -> Place:
        raise AmbiguousPlace("ambiguous place", [])

    assert acc.resolve_one(near, spot, "DE", point=True).outcome == "right"
    assert seen[-1] == ("Freudenberg", "DE", {"near": (49.75, 9.33)})  # the hint is passed
    acc.resolve_one(near, spot, "DE", point=False)
    assert seen[-1] == ("Freudenberg", "DE", {})
    o = acc.resolve_one(far, spot, "DE", point=False)
    assert o.outcome == "far" and o.km is not None and o.km > 100 and "NRW" in o.resolved
    assert acc.resolve_one(unknown, spot, "DE", point=False).outcome == "not_found_suggestions"
    assert acc.resolve_one(ambiguous, spot, "DE", point=False).outcome == "ambiguous"


def test_bar_needs_right_far_and_errors_with_suggestions() -> None:
    def run(**counts: int) -> object:
        r = acc.Run("s", "m")
        for outcome, n in counts.items():
            r.outcomes += [acc.Outcome("x", "X", "XX", outcome) for _ in range(n)]
        return r

    assert run(right=98, not_found_suggestions=2).meets_bar()
    assert not run(right=97, not_found_suggestions=3).meets_bar()
    assert not run(right=99, far=1).meets_bar()  # 1 % far is too many …
    assert run(right=399, far=1).meets_bar()  # … 0.25 % is
    assert not run(right=99, not_found_bare=1).meets_bar()  # an error must suggest


def test_recorded_seconds_reads_the_figure_cell() -> None:
    text = (
        "| measure | figure | bar | |\n"
        "| `assess_frame` on 100,000 dyads (warm process) | 4.07 s (24,594 dyads/s) | ≤ 5 s |\n"
        "| batch layer alone on 100,000 rows (no-op scorer) | 1.50 s | – | |\n"
    )
    assert eu.recorded_seconds(text, "| `assess_frame` on 100,000 dyads") == 4.07
    assert eu.recorded_seconds(text, "| batch layer alone on 100,000 rows") == 1.5
    assert eu.recorded_seconds(text, "| not there") is None


def test_write_section_replaces_its_own_section_only(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text(
        "# Benchmark results\n\n<!-- a:start -->\nold a\n<!-- a:end -->\n\n"
        "<!-- b:start -->\nb\n<!-- b:end -->\n",
        encoding="utf-8",
    )
    common.write_section("a", ["new a"], results)
    common.write_section("c", ["c"], results)
    text = results.read_text(encoding="utf-8")
    assert "old a" not in text and "<!-- a:start -->\nnew a\n<!-- a:end -->" in text
    assert "<!-- b:start -->\nb\n<!-- b:end -->" in text
    assert text.rstrip().endswith("<!-- c:start -->\nc\n<!-- c:end -->")


def test_reference_dir_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(common.REFERENCE_ENV, str(tmp_path))
    assert common.reference_dir() == tmp_path
    monkeypatch.setenv(common.REFERENCE_ENV, str(tmp_path / "missing"))
    with pytest.raises(FileNotFoundError, match="TWINRISK_REFERENCE_DIR"):
        common.reference_dir()


def test_elsewhere_names_the_code_the_gazetteer_files_the_place_under() -> None:
    from twinrisk.core.errors import PlaceNotFound
    from twinrisk.core.models import Place

    spot = Spot("Grand-Bourg", "France", 15.88, -61.31)

    def in_gp(name: str, cc: str | None, **kw: object) -> Place:
        assert cc is None  # asked without the typed country
        return Place(id="gn:3", name=name, country="GP", lat=15.88, lon=-61.32)

    def unknown(name: str, cc: str | None, **kw: object) -> Place:
        raise PlaceNotFound("unknown place")

    def far_away(name: str, cc: str | None, **kw: object) -> Place:
        return Place(id="gn:4", name=name, country="GP", lat=16.3, lon=-61.5)

    assert acc.elsewhere(in_gp, spot, "FR") == "GP"
    assert acc.elsewhere(in_gp, spot, "GP") == ""  # the typed code: nothing to report
    assert acc.elsewhere(unknown, spot, "FR") == ""
    assert acc.elsewhere(far_away, spot, "FR") == ""  # 50 km off is not that place


def test_a_place_set_at_the_given_point_is_counted_apart() -> None:
    from twinrisk.core.models import Place

    spot = Spot("Kesselsdorf", "Germany", 51.04, 13.58)

    def given(name: str, cc: str | None, **kw: object) -> Place:
        # what the matcher answers for a village it lacks: the hint's own point
        return Place.model_construct(
            id="pt:DE:51.0400,13.5800", name=name, country="DE", lat=51.04, lon=13.58,
            kind="city", admin1=None, located_by="given",
        )  # fmt: skip

    o = acc.resolve_one(given, spot, "DE", point=True)
    assert o.outcome == "given" and o.km == 0.0
    run = acc.Run("s", "m")
    run.outcomes = [o] * 3 + [acc.Outcome("x", "X", "XX", "right")] * 97
    assert not run.meets_bar()  # 98 % needs 98 gazetteer matches in 100 …
    assert run.meets_bar(count_given=True)  # … unless given points count


def test_bar_text_names_what_is_missed() -> None:
    run = acc.Run("s", "m")
    ok = acc.Outcome("x", "X", "XX", "right")
    run.outcomes = [ok] * 96 + [acc.Outcome("x", "X", "XX", "far")] * 2
    run.outcomes += [acc.Outcome("x", "X", "XX", "not_found_bare")] * 2
    assert run.bar_text() == "**not met** (96.0 % right, 2.0 % far, 2 errors without suggestions)"
    run.outcomes = [ok] * 100
    assert run.bar_text() == "met"
