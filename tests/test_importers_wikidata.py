"""The Wikidata importer writes each side's QID and point (issue 16: "the Wikidata
importer passes the coordinates it reads"), and a batch run on the imported file hands
the points to the resolver as hints. Small samples in the published formats, and the
raw 2017 EU list in ``../shared/reference`` (read there, never copied)."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from conftest import missing_part
from test_place_hints import Spy  # (records what resolve_many is handed)
from twinrisk.importers import ImportFormatError, wikidata
from twinrisk.places import Hint

S = Path(__file__).parent / "samples"
REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference"
# a git worktree elsewhere may point at the copy explicitly
REFERENCE = Path(os.environ.get("TWINRISK_REFERENCE", str(REFERENCE)))
EU_2017 = REFERENCE / "wikidata_eu_sister_cities_2017" / "eu_sister_cities_wikidata_2017.tsv"


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def by_pair(got: list[dict[str, str]]) -> dict[tuple[str, str], dict[str, str]]:
    return {(r["local_place"], r["partner_place"]): r for r in got}


def test_eu_2017_points_become_columns(tmp_path: Path) -> None:
    out = tmp_path / "eu.csv"
    wikidata.run(S / "wikidata_eu_2017.tsv", out)
    got = rows(out)
    assert list(got[0]) == wikidata.HEADER
    assert wikidata.HEADER[: len(wikidata.DYAD_HEADER)] == wikidata.DYAD_HEADER
    pairs = by_pair(got)
    assert len(got) == 3  # the two Linköping–Guangzhou rows are one tie
    cranleigh = pairs[("Freudenberg", "Cranleigh")]
    assert (cranleigh["local_lat"], cranleigh["local_lon"]) == ("50.8997", "7.8667")
    assert (cranleigh["partner_lat"], cranleigh["partner_lon"]) == ("51.1397", "-0.4897")
    assert (cranleigh["local_country"], cranleigh["partner_country"]) == ("DE", "GB")
    savin = pairs[("Freudenberg", "Saint-Savin")]
    assert (savin["local_lat"], savin["local_lon"]) == ("49.75", "9.3167")  # the other one
    guangzhou = pairs[("Linköping", "Guangzhou")]
    assert guangzhou["local_country"] == "SE"  # origincountry_corrected
    assert (guangzhou["partner_lat"], guangzhou["partner_lon"]) == ("23.1288", "113.259")
    assert all(r["local_qid"] == "" and r["partner_qid"] == "" for r in got)


def test_sparql_coordinates_and_qids(tmp_path: Path) -> None:
    out = tmp_path / "q.csv"
    wikidata.run(S / "wikidata_p190_coords.csv", out)
    pairs = by_pair(rows(out))
    f = pairs[("Freudenberg", "Cranleigh")]
    assert (f["local_qid"], f["partner_qid"]) == ("Q3931", "Q1012213")
    assert (f["local_lat"], f["local_lon"], f["partner_lat"], f["partner_lon"]) == (
        "50.8997",
        "7.8667",
        "51.1397",
        "-0.4897",
    )
    g = pairs[("Linköping", "Guangzhou")]
    assert (g["partner_lat"], g["partner_lon"]) == ("", "")  # no ?twinCoord bound
    assert g["status"] == "terminated" and g["ended_year"] == "2019"


def test_sparql_json_point_on_another_globe_is_no_point(tmp_path: Path) -> None:
    out = tmp_path / "j.csv"
    wikidata.run(S / "wikidata_p190_coords.json", out)
    [row] = rows(out)
    assert (row["local_lat"], row["local_lon"]) == ("57.7", "11.967")
    assert (row["partner_lat"], row["partner_lon"]) == ("", "")
    assert (row["local_qid"], row["partner_qid"]) == ("Q25410", "Q8686")


def test_coordinate_out_of_range_is_refused_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError) as err:
        wikidata.run(S / "wikidata_p190_coords_bad.csv", tmp_path / "x.csv")
    assert "wikidata_p190_coords_bad.csv:2:" in str(err.value)
    assert "Point(121.47 95.2)" in str(err.value)


def test_2016_crawl_carries_qids(tmp_path: Path) -> None:
    (tmp_path / "relations.tsv").write_text("Q1085\tQ8686\n", encoding="utf-8")
    (tmp_path / "names.tsv").write_text("Q1085\tPrague\nQ8686\tShanghai\n", encoding="utf-8")
    out = tmp_path / "d.csv"
    wikidata.run(tmp_path / "relations.tsv", out)
    [row] = rows(out)
    assert (row["local_qid"], row["partner_qid"]) == ("Q1085", "Q8686")
    assert (row["local_country"], row["partner_country"]) == ("CZ", "CN")


def test_imported_file_scores_with_its_points_as_hints(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The path an analyst takes: import, then ``twinrisk batch`` on the file."""
    from twinrisk.cli import main

    imported = tmp_path / "eu.csv"
    wikidata.run(S / "wikidata_eu_2017.tsv", imported)
    spy = Spy(monkeypatch)
    scored = tmp_path / "scored.csv"
    assert main(["batch", str(imported), "-o", str(scored)]) in (0, 1)
    freudenbergs = {h for name, h in spy.seen if name == "Freudenberg"}
    assert freudenbergs == {Hint(lat=50.8997, lon=7.8667), Hint(lat=49.75, lon=9.3167)}
    assert {h for name, h in spy.seen if name == "Guangzhou"} == {Hint(lat=23.1288, lon=113.259)}
    out = {(r["local"], r["partner"]): r for r in rows(scored)}  # local_place read as local
    assert out[("Freudenberg", "Cranleigh")]["local_lat"] == "50.8997"  # carried through
    assert out[("Linköping", "Guangzhou")]["score"] != ""


def test_real_eu_2017_list(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    if not EU_2017.exists():
        missing_part(f"{EU_2017} is not beside the repository")
    out = tmp_path / "eu.csv"
    wikidata.run(EU_2017, out)
    got = rows(out)
    assert len(got) == 15432  # the count issue 16 reports after import
    with_points = [r for r in got if r["local_lat"] and r["partner_lat"]]
    assert len(with_points) == len(got)  # the 2017 list gives every side a point
    for r in got:
        assert -90 <= float(r["local_lat"]) <= 90 and -180 <= float(r["partner_lon"]) <= 180
    # the namesakes issue 16 found resolved far away carry their own points
    lake_worth = [r for r in got if "Lake Worth" in (r["local_place"], r["partner_place"])]
    assert lake_worth
    # a slice through the batch: every row's points reach the resolver
    sample = tmp_path / "sample.csv"
    with sample.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=wikidata.HEADER)
        w.writeheader()
        w.writerows(got[:300])
    from twinrisk.batch import score_file

    spy = Spy(monkeypatch)
    score_file(sample, tmp_path / "scored.csv")
    local_hints = [h for name, h in spy.seen[:300]]
    assert local_hints == [
        Hint(lat=float(r["local_lat"]), lon=float(r["local_lon"])) for r in got[:300]
    ]


def test_former_and_common_country_labels_map_to_iso_codes() -> None:
    from twinrisk.importers.wikidata import _country_name

    assert _country_name("Republic of Macedonia") == "MK"
    assert _country_name("Palestinian National Authority") == "PS"
    assert _country_name("Ivory Coast") == "CI" and _country_name("Cape Verde") == "CV"
    assert _country_name("Prussia") == ""  # a former state is no country code
