import json
import subprocess
import sys

import pytest

from twinrisk.places import AmbiguousPlace, PlaceNotFound, location_facts, resolve, resolve_many

ALIASES = [
    ("Bangalore", "Bengaluru", "IN"), ("Bengaluru", "Bengaluru", "IN"),
    ("Xian", "Xi’an", "CN"), ("Xi'an", "Xi’an", "CN"),
    ("Göteborg", "Gothenburg", "SE"), ("Gothenburg", "Gothenburg", "SE"),
    ("Chittagong", "Chattogram", "BD"), ("Chattogram", "Chattogram", "BD"),
    ("Bhairahawa", "Siddharthanagar", "NP"), ("Siddharthanagar", "Siddharthanagar", "NP"),
    ("Linzhi", "Nyingchi", "CN"), ("Nyingchi", "Nyingchi", "CN"),
    ("Calcutta", "Kolkata", "IN"), ("Kolkata", "Kolkata", "IN"),
    ("Praha", "Prague", "CZ"), ("Prag", "Prague", "CZ"), ("Prague", "Prague", "CZ"),
    ("Lulea", "Luleå", "SE"), ("Luleå", "Luleå", "SE"),
]


@pytest.mark.parametrize(("typed", "name", "cc"), ALIASES)
def test_aliases(typed, name, cc):
    p = resolve(typed)
    assert (p.name, p.country, p.kind) == (name, cc, "city")
    assert p.id.startswith("gn:") and p.lat is not None and p.population


@pytest.mark.parametrize(("typed", "cc", "code"), [
    ("Fujian", None, "a1:CN.07"), ("Tamil Nadu", None, "a1:IN.25"), ("Gujarat", None, "a1:IN.09"),
    ("Victoria", "AU", "a1:AU.07"), ("Guangdong", None, "a1:CN.30"),
    ("Guangdong (province)", None, "a1:CN.30"), ("Victoria (state)", None, "a1:AU.07"),
])
def test_provinces(typed, cc, code):
    p = resolve(typed, cc)
    assert p.kind == "admin1" and p.id == code and p.lat is not None


@pytest.mark.parametrize(("typed", "countries"), [
    ("Hyderabad", {"IN", "PK"}), ("Aurangabad", {"IN"}), ("Bharatpur", {"IN", "NP"}),
])
def test_ambiguous(typed, countries):
    with pytest.raises(AmbiguousPlace) as exc:
        resolve(typed)
    assert {c.country for c in exc.value.candidates} == countries
    assert len(exc.value.candidates) >= 2 and "add a country" in str(exc.value)


def test_country_picks_most_populous():
    assert resolve("Hyderabad", "PK").admin1 == "Sindh"
    assert resolve("Aurangabad", "IN").population > 1_000_000
    assert resolve("Lulea, SE").name == "Luleå"


def test_unknown_suggests():
    with pytest.raises(PlaceNotFound) as exc:
        resolve("Luleaa")
    assert "Luleå (SE)" in exc.value.suggestions and len(exc.value.suggestions) <= 5
    assert "did you mean" in str(exc.value)


def test_resolve_many_isolates_errors():
    out = resolve_many(["Prag", "Hyderabad", "Xyzzyqq", "Prag"], [None, None, None, "CZ"])
    assert out[0].name == "Prague" and out[3].name == "Prague"
    assert isinstance(out[1], AmbiguousPlace) and isinstance(out[2], PlaceNotFound)


def test_location_facts():
    ps = [resolve("Bhairahawa"), resolve("Prague"), resolve("Luleå"), resolve("Leh", "IN")]
    df = location_facts(ps + ps)
    assert len(df) == 8 and list(df.index[:2]) == [ps[0].id, ps[1].id]
    assert df.loc[ps[0].id, "border_km"].iloc[0] < 15  # Bhairahawa sits on the Nepal-India border
    assert df.loc[ps[1].id, "capital"].iloc[0] == "national"
    assert df.loc[ps[2].id, "coast_km"].iloc[0] < 10
    assert df.loc[ps[3].id, "disputed_border_km"].iloc[0] < 150
    assert df["disputed_border_sources"].str.len().gt(0).all()


def test_cli():
    ok = subprocess.run([sys.executable, "-m", "twinrisk.cli", "places", "resolve", "Prag", "--json"],
                        capture_output=True, text=True)
    assert ok.returncode == 0 and json.loads(ok.stdout)["country"] == "CZ"
    bad = subprocess.run([sys.executable, "-m", "twinrisk.cli", "places", "resolve", "Hyderabad"],
                         capture_output=True, text=True)
    assert bad.returncode != 0 and "ambiguous" in bad.stderr
