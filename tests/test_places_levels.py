"""Places at every level, and never the wrong one in silence (issue 16): one test per
failure kind the issue names, each of which failed before second-level units, unit
words, namesake ambiguity and hints."""

from __future__ import annotations

import subprocess
import sys

import pytest

from twinrisk.places import AmbiguousPlace, Hint, PlaceNotFound, resolve, resolve_many


@pytest.mark.parametrize(
    ("typed", "country", "unit"),
    [
        ("Täby Municipality", "SE", "Municipality"),
        ("Sesimbra Municipality", "PT", "Municipality"),
        ("Viimsi Parish", "EE", None),
        ("Santa Clara County", "US", "County"),
        ("Nordkapp", "NO", "Municipality"),
        ("Frogn", "NO", None),
        ("La Creuse", "FR", None),
        ("Xishuangbanna", "CN", "Autonomous prefecture"),
    ],
)
def test_second_level_units_resolve_with_their_kind(
    typed: str, country: str, unit: str | None
) -> None:
    p = resolve(typed, country)
    assert p.kind == "admin2" and p.country == country and p.id.startswith("gn:")
    assert p.lat is not None and p.located_by in ("seat", "towns")
    if unit is not None:
        assert p.unit == unit


def test_a_municipality_at_its_seat_is_one_partner_with_the_seat_town() -> None:
    unit, town = resolve("Täby Municipality", "SE"), resolve("Täby", "SE")
    assert town.kind == "city" and town.admin2 == "Täby Kommun"
    assert unit.located_by == "seat" and (unit.lat, unit.lon) == (town.lat, town.lon)
    assert unit.seat == town.id and unit.tie_id == town.tie_id


@pytest.mark.parametrize(
    ("typed", "country", "admin1"),
    [
        ("Gmina Ozimek", "PL", "Opolskie"),  # unit word first
        ("Yubei District, Chongqing", "CN", "Chongqing"),  # pinyin "Yubei Qu", in an area
        ("Dongcheng District, Beijing", "CN", "Beijing"),
        ("重庆市", "CN", "Chongqing"),  # CJK unit character
        ("Mirabello, Emilia–Romagna", "IT", None),  # an en dash in the area
    ],
)
def test_unit_words_and_areas_as_people_write_them(
    typed: str, country: str, admin1: str | None
) -> None:
    p = resolve(typed, country)
    if admin1 is not None:
        assert p.admin1 == admin1 or p.name == admin1


def test_renamed_and_historic_names() -> None:
    assert resolve("Bad Kötzting", "DE").name == "Kötzting"  # "Bad" since 2005
    odisha = resolve("Orissa", "IN")  # Odisha since 2011 (curated alias, sourced)
    assert odisha.name == "Odisha" and odisha.kind == "admin1"
    assert resolve("Lyngby-Taarbæk Municipality", "DK").kind == "admin2"  # aa for å


@pytest.mark.parametrize(
    ("typed", "country", "at_least"),
    [
        ("Freudenberg", "DE", 3),
        ("Lake Worth", "US", 2),
        ("Sulzbach", "DE", 2),
        ("Saint-Savin", "FR", 2),
    ],
)
def test_namesakes_within_a_country_are_an_ambiguity_with_candidates(
    typed: str, country: str, at_least: int
) -> None:
    with pytest.raises(AmbiguousPlace) as exc:
        resolve(typed, country)
    cands = exc.value.candidates
    assert len(cands) >= at_least and {c.country for c in cands} == {country}
    assert len({c.admin1 for c in cands}) >= 2  # they are told apart by their area
    message = str(exc.value)
    assert "pop." in message and "GeoNames id or coordinates" in message


def test_hints_tell_namesakes_apart() -> None:
    by_area = resolve("Freudenberg, Bavaria", "DE")
    assert by_area.admin1 == "Bayern"
    assert resolve("Freudenberg", "DE", admin="Bayern").id == by_area.id
    assert resolve("Freudenberg", "DE", geonames_id=2924917).id == "gn:2924917"
    near = resolve("Freudenberg", "DE", near=(49.75, 9.33))  # Baden-Württemberg's
    assert near.admin1 == "Baden-Württemberg" and "given point" in (near.note or "")
    assert resolve("Lake Worth, Texas", "US").admin1 == "Texas"
    # a point where no Freudenberg is: another Freudenberg, one the gazetteer lacks,
    # placed at that point and saying how far the known namesakes are
    given = resolve("Freudenberg", "DE", near=(53.55, 10.0))
    assert given.located_by == "given" and given.id.startswith("pt:DE:")
    assert (given.lat, given.lon) == (53.55, 10.0) and given.admin1 == "Hamburg"
    assert "nearest so named" in (given.note or "") and "not in the gazetteer" in given.note
    with pytest.raises(PlaceNotFound, match="does not lie among the towns of DE"):
        resolve("Freudenberg", "DE", near=(48.85, 2.35))  # a point in Paris
    with pytest.raises(PlaceNotFound, match="unknown area"):
        resolve("Freudenberg", "DE", admin="Atlantis")
    with pytest.raises(PlaceNotFound, match="not a place in FR"):
        resolve("Freudenberg", "FR", geonames_id=2924917)


def test_a_far_namesake_by_a_loose_spelling_is_not_taken() -> None:
    # "Lindau am Harz" is not Lindau on Lake Constance, 458 km away
    with pytest.raises((AmbiguousPlace, PlaceNotFound)):
        resolve("Lindau am Harz", "DE")


def test_the_largest_of_much_smaller_namesakes_says_so() -> None:
    p = resolve("Xi'an", "CN")
    assert p.admin1 == "Shaanxi" and p.note and "largest of" in p.note


def test_country_aliases_uk_and_el() -> None:
    assert resolve("Manchester", "UK").country == "GB"
    assert resolve("Athens", "EL").country == "GR"


def test_hints_in_a_batch_one_bad_row_loses_nothing() -> None:
    got = resolve_many(
        ["Freudenberg", "Freudenberg", "Freudenberg", "Luleå"],
        ["DE", "DE", "DE", "SE"],
        [None, Hint(admin="Bayern"), Hint(lat=50.9, lon=7.87), None],
    )
    assert isinstance(got[0], AmbiguousPlace)
    assert got[1].admin1 == "Bayern"  # type: ignore[union-attr]
    assert got[2].admin1 == "Nordrhein-Westfalen"  # type: ignore[union-attr]
    assert got[3].name == "Luleå"  # type: ignore[union-attr]


def test_a_village_the_gazetteer_lacks_is_placed_at_the_given_point() -> None:
    with pytest.raises(PlaceNotFound):
        resolve("Kesselsdorf", "DE")  # merged into Wilsdruff; not in GeoNames cities500
    p = resolve("Kesselsdorf", "DE", near=(51.0425, 13.5728))
    assert p.located_by == "given" and p.name == "Kesselsdorf" and p.admin1 == "Sachsen"
    assert "not in the gazetteer" in (p.note or "")


def test_hint_values_are_checked() -> None:
    with pytest.raises(ValueError, match="latitude"):
        Hint(lat=91.0, lon=0.0)
    with pytest.raises(ValueError, match="both"):
        Hint(lat=10.0)


def test_cli_shows_the_level_and_the_candidates() -> None:
    run = [sys.executable, "-m", "twinrisk.cli", "places", "resolve"]
    unit = subprocess.run(
        [*run, "Täby Municipality", "--country", "SE"], capture_output=True, text=True
    )
    assert unit.returncode == 0 and "[admin2: Municipality]" in unit.stdout
    assert "located by seat" in unit.stdout
    amb = subprocess.run([*run, "Freudenberg", "--country", "DE"], capture_output=True, text=True)
    assert amb.returncode == 1 and "candidates:" in amb.stderr
    assert amb.stderr.count("Freudenberg (") >= 3 and "Bayern" in amb.stderr


def test_the_explanation_says_how_each_place_is_located() -> None:
    from twinrisk.explain.places import place_sentences

    lines = place_sentences(resolve("Täby Municipality", "SE"), resolve("Xi'an", "CN"))
    assert lines[0].startswith("Local: Täby Kommun (SE) is a municipality")
    assert "measured at its seat town" in lines[0]
    assert lines[1].startswith("Partner: Xi’an (CN) — the largest of")
    assert place_sentences(resolve("Luleå", "SE"), resolve("Tallinn", "EE")) == []


def test_a_state_s_territories_answer_as_the_state_but_not_annexed_land() -> None:
    noumea = resolve("Nouméa", "FR")  # GeoNames files it under NC
    assert noumea.country == "FR" and "in NC, a territory of FR" in (noumea.note or "")
    assert resolve("Mariehamn", "FI").country == "FI"  # Åland, AX
    assert resolve("Nouméa", "NC").country == "NC"  # asked under its own code: as is
    with pytest.raises(PlaceNotFound, match="does not lie among the towns of RU"):
        resolve("Yalta", "RU", near=(44.4994, 34.1553))  # Crimea is not Russia's


def test_a_name_nothing_is_spelt_like_suggests_places_starting_alike() -> None:
    with pytest.raises(PlaceNotFound) as exc:
        resolve("Dolné Saliby", "SK")  # a village GeoNames cities500 lacks
    assert exc.value.suggestions and all(s.startswith("Dolné ") for s in exc.value.suggestions)


def test_a_batch_says_how_each_place_was_identified() -> None:
    import pandas as pd

    import twinrisk

    out = twinrisk.assess_frame(
        pd.DataFrame(
            {
                "local": ["Täby Municipality", "Luleå"],
                "local_country": ["SE", "SE"],
                "partner": ["Xi'an", "Tallinn"],
                "partner_country": ["CN", "EE"],
            }
        )
    )
    assert "Local: Täby Kommun (SE) is a municipality" in out.loc[0, "place_notes"]
    assert "Partner: Xi’an (CN) — the largest of" in out.loc[0, "place_notes"]
    assert out.loc[1, "place_notes"] == ""  # two towns at their own points: nothing to say


def test_resolving_never_loads_the_geometry() -> None:
    """Names, areas, ids and points near a known place resolve without scipy or the
    Natural Earth geometry (~0.8 s of imports); only a place set at a given point
    needs them."""
    code = (
        "import sys, twinrisk.places as P\n"
        "P.resolve('Luleå', 'SE'); P.resolve('Freudenberg', 'DE', admin='Bayern')\n"
        "P.resolve('Freudenberg', 'DE', near=(49.75, 9.33))\n"
        "print('scipy' in sys.modules, 'twinrisk.places.geometry' in sys.modules)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["False", "False"]
