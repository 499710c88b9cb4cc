"""Place hints (issue 16, item 3) travel from every surface to the resolver, and
country aliases (UK, EL) are read wherever a country code is.

The resolver does not use hints for matching yet (the lead's work in ``places``), so
these tests watch ``places.resolve_many`` / ``places.resolve`` themselves: a spy
records the hints it is handed and lets the real resolver answer.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import twinrisk
from twinrisk import places
from twinrisk.core.errors import CountryError, HintError, RowError
from twinrisk.core.inputs import (
    parse_country,
    parse_degrees,
    parse_geonames_id,
    parse_point,
)
from twinrisk.places import Hint

NAMES = {"GB": "United Kingdom", "GR": "Greece", "DE": "Germany", "SE": "Sweden"}


class Spy:
    """Records what ``resolve_many`` is handed, per call, and resolves for real."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[tuple[list[str], list[Hint | None] | None]] = []
        self._real = places.resolve_many
        monkeypatch.setattr(places, "resolve_many", self)

    def __call__(
        self,
        names: Sequence[str],
        countries: Sequence[str | None],
        hints: Sequence[Hint | None] | None = None,
    ) -> list[Any]:
        self.calls.append((list(names), None if hints is None else list(hints)))
        return self._real(names, countries, hints)

    @property
    def seen(self) -> list[tuple[str, Hint | None]]:
        """(name, hint) of every name handed over, over all calls, in order."""
        return [
            (n, h)
            for names, hints in self.calls
            for n, h in zip(names, hints if hints is not None else [None] * len(names), strict=True)
        ]

    def hints_for(self, name: str) -> list[Hint | None]:
        """The hint handed with each occurrence of ``name`` over all calls."""
        out = []
        for names, hints in self.calls:
            for i, n in enumerate(names):
                if n == name:
                    out.append(None if hints is None else hints[i])
        return out


# -- reading values ------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "code"), [("UK", "GB"), ("uk", "GB"), (" EL ", "GR")])
def test_country_aliases(typed: str, code: str) -> None:
    assert parse_country(typed, "local_country", NAMES) == code


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("Germany", "did you mean DE (Germany)"),
        ("DEU", "did you mean DE (Germany)"),
        ("AQ", "AQ is Antarctica, which the curated tables do not cover"),
        ("XX", "accepted: the two-letter code of one of the 4 countries"),
    ],
)
def test_unknown_country_says_what_is_accepted(typed: str, says: str) -> None:
    with pytest.raises(CountryError) as err:
        parse_country(typed, "partner_country", NAMES)
    assert says in str(err.value)
    assert "UK for GB and EL for GR" in str(err.value)
    assert err.value.field == "partner.country"


def test_library_reads_uk_and_el() -> None:
    a = twinrisk.assess("London", "Athens", local_country="UK", partner_country="EL")
    assert (a.local.country, a.partner.country) == ("GB", "GR")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(2924915, 2924915), ("2924915", 2924915), ("gn:2924915", 2924915), ("GN: 7", 7)]
    + [(2924915.0, 2924915), ("2924915.0", 2924915), ("", None), (None, None)],
)
def test_geonames_id_forms(value: Any, expected: int | None) -> None:
    assert parse_geonames_id(value, "local_geonames_id") == expected


@pytest.mark.parametrize("value", ["abc", "-3", 0, -3, 1.5, True, "Q64", "gn:"])
def test_geonames_id_refused(value: Any) -> None:
    with pytest.raises(HintError, match="accepted: a positive whole number"):
        parse_geonames_id(value, "local_geonames_id")


@pytest.mark.parametrize("value", ["91", "-90.5", "x", "nan", "inf", "49,45", True])
def test_latitude_refused(value: Any) -> None:
    with pytest.raises(HintError, match="from -90 to 90"):
        parse_degrees(value, "local_lat", 90.0)


def test_point_text() -> None:
    assert parse_point("50.9, 7.87", "--near") == (50.9, 7.87)
    assert parse_point((50.9, 7.87), "near") == (50.9, 7.87)
    for bad in ("50.9", "50.9,7.87,1", "95,7", (1.0,)):
        with pytest.raises(HintError):
            parse_point(bad, "--near")


# -- request columns -> hints --------------------------------------------------------------


def test_request_columns_reach_resolve_many(monkeypatch: pytest.MonkeyPatch) -> None:
    spy = Spy(monkeypatch)
    frame = pd.DataFrame(
        {
            "local": ["Lund", "Freudenberg", "Freudenberg", "Kiel"],
            "local_country": ["SE", "DE", "DE", "DE"],
            "local_admin": ["", "Bavaria", "", ""],
            "local_geonames_id": ["", "", "", "gn:2891122"],
            "local_lat": ["", "", "50.897", ""],
            "local_lon": ["", "", "7.874", ""],
            "partner": ["Xi'an", "Qingdao", "Wuhan", "Qingdao"],
            "partner_country": ["CN", "CN", "CN", "CN"],
        }
    )
    twinrisk.assess_frame(frame)
    (names, local_hints), (_, partner_hints) = spy.calls
    assert names == list(frame["local"])
    assert local_hints == [
        None,
        Hint(admin="Bavaria"),
        Hint(lat=50.897, lon=7.874),
        Hint(geonames_id=2891122),
    ]
    assert partner_hints is None  # no partner hint columns: the plain path


def test_no_hint_columns_pass_no_hints(monkeypatch: pytest.MonkeyPatch) -> None:
    spy = Spy(monkeypatch)
    frame = pd.DataFrame({"local": ["Lund"], "partner": ["Xi'an"], "local_lat": [""]})
    twinrisk.assess_frame(frame)
    assert [hints for _, hints in spy.calls] == [None, None]


def test_bad_hints_are_row_errors_naming_field_value_and_accepted() -> None:
    frame = pd.DataFrame(
        {
            "local": ["Lund", "Lund", "Lund", "Lund", "Lund"],
            "local_country": ["SE"] * 5,
            "local_lat": ["", "95", "55.7", "", "55.7"],
            "local_lon": ["", "13.2", "", "", "13.2"],
            "local_geonames_id": ["", "", "", "Q2167", ""],
            "partner": ["Xi'an"] * 5,
            "partner_country": ["CN"] * 5,
        }
    )
    out = twinrisk.assess_frame(frame)
    errors = out["error"].tolist()
    assert errors[0] == "" and errors[4] == ""
    assert (
        "local_lat '95' is not a latitude; accepted: decimal degrees from -90 to 90" in (errors[1])
    )
    assert "local_lat 55.7 is given without local_lon" in errors[2]
    assert "local_geonames_id 'Q2167' is not a GeoNames id" in errors[3]
    assert out["score"].isna().tolist() == [False, True, True, True, False]


def test_many_distinct_points_each_reach_their_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past 64 distinct values the columns are read per distinct value and combination
    (pandas' parser first): every row still gets its own hint or its own error."""
    n = 150
    # points around Lund (55.70, 13.19): matching uses them since issue 16
    lat: list[Any] = [f"{55.7 + i / 10000:.4f}" for i in range(n)]
    lon: list[Any] = [13.19 + i / 10000 for i in range(n)]
    lat[7], lat[50], lat[60] = "x", "95", "  55.65 "
    lon[99] = None
    admin = ["Skåne" if i % 2 else "" for i in range(n)]
    frame = pd.DataFrame(
        {
            "local": ["Lund"] * n,
            "local_country": ["SE"] * n,
            "local_admin": admin,
            "local_lat": lat,
            "local_lon": lon,
            "partner": ["Xi'an"] * n,
        }
    )
    spy = Spy(monkeypatch)
    out = twinrisk.assess_frame(frame)
    hints = spy.calls[0][1]
    assert hints is not None
    bad = {7: "local_lat 'x'", 50: "local_lat '95'", 99: "local_lat 55.7099 is given without"}
    for i in range(n):
        if i in bad:
            assert bad[i] in out["error"].iloc[i] and hints[i] is None
        else:
            expected = float(lat[i])
            assert out["error"].iloc[i] == "", (i, out["error"].iloc[i])
            assert hints[i] == Hint(admin=admin[i] or None, lat=expected, lon=lon[i]), i


def test_hint_error_is_typed_with_its_field() -> None:
    [result] = twinrisk.assess_many(
        [{"local": "Lund", "partner": "Xi'an", "partner_lat": 34.3, "partner_lon": 200}]
    )
    assert isinstance(result, RowError)
    [problem] = result.problems
    assert isinstance(problem, HintError) and problem.field == "partner.lon"
    with pytest.raises(HintError, match="local_near"):
        twinrisk.assess("Lund", "Xi'an", local_near="55.7")  # type: ignore[arg-type]


def test_assess_keywords_reach_resolve_many(monkeypatch: pytest.MonkeyPatch) -> None:
    spy = Spy(monkeypatch)
    twinrisk.assess(
        "Freudenberg",
        "Wuhan",
        local_country="DE",
        partner_country="CN",
        local_admin="Nordrhein-Westfalen",
        local_near=(50.897, 7.874),
        partner_geonames_id="gn:1791247",
    )
    assert spy.hints_for("Freudenberg") == [
        Hint(admin="Nordrhein-Westfalen", lat=50.897, lon=7.874)
    ]
    assert spy.hints_for("Wuhan") == [Hint(geonames_id=1791247)]


def test_assess_many_mixes_hinted_and_plain(monkeypatch: pytest.MonkeyPatch) -> None:
    spy = Spy(monkeypatch)
    results = twinrisk.assess_many(
        [
            {"local": "Lund", "partner": "Xi'an", "local_country": "SE"},
            {"local": "Kiel", "partner": "Qingdao", "local_admin": "Schleswig-Holstein"},
        ]
    )
    assert not any(isinstance(r, Exception) for r in results)
    assert spy.hints_for("Lund") == [None]
    assert spy.hints_for("Kiel") == [Hint(admin="Schleswig-Holstein")]


# -- batch files ---------------------------------------------------------------------------

BATCH_CSV = (
    "id,local,local_country,Local_Admin,LOCAL_LAT,local_lon,local_qid,partner,partner_country,"
    "partner_geonames_id\n"
    "1,Freudenberg,DE,Bavaria,,,Q504681,Qingdao,CN,1797929\n"
    "2,Lund,SE,,55.7,13.19,,Xi'an,CN,\n"
)


def test_batch_csv_hint_columns_reach_resolve_many(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from twinrisk.batch import score_file

    spy = Spy(monkeypatch)
    src = tmp_path / "in.csv"
    src.write_text(BATCH_CSV, encoding="utf-8")
    score_file(src, tmp_path / "out.csv")
    assert spy.hints_for("Freudenberg") == [Hint(admin="Bavaria")]
    assert spy.hints_for("Lund") == [Hint(lat=55.7, lon=13.19)]
    assert spy.hints_for("Qingdao") == [Hint(geonames_id=1797929)]
    assert spy.hints_for("Xi'an") == [None]
    out = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert out["local_qid"].tolist() == ["Q504681", ""]  # carried through, not used


@pytest.mark.parametrize("fmt", ["parquet", "xlsx", "jsonl"])
def test_batch_hint_columns_in_every_format(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fmt: str
) -> None:
    from twinrisk.batch import score_file

    frame = pd.read_csv(io.StringIO(BATCH_CSV), dtype=str, keep_default_na=False)
    frame["LOCAL_LAT"] = pd.to_numeric(frame["LOCAL_LAT"])  # numbers, as typed in a sheet
    frame["local_lon"] = pd.to_numeric(frame["local_lon"])
    frame["partner_geonames_id"] = pd.to_numeric(frame["partner_geonames_id"])
    src = tmp_path / f"in.{fmt}"
    if fmt == "parquet":
        frame.to_parquet(src)
    elif fmt == "xlsx":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame.to_excel(src, index=False)
    else:
        frame.to_json(src, orient="records", lines=True, force_ascii=False)
    spy = Spy(monkeypatch)
    score_file(src, tmp_path / "out.csv")
    assert spy.hints_for("Freudenberg") == [Hint(admin="Bavaria")]
    assert spy.hints_for("Lund") == [Hint(lat=55.7, lon=13.19)]
    assert spy.hints_for("Qingdao") == [Hint(geonames_id=1797929)]


# -- API and CLI ---------------------------------------------------------------------------


@pytest.fixture
def client(tmp_path: Path) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from twinrisk.app import create_app
    from twinrisk.service.settings import Settings

    settings = Settings(
        allowed_hosts=("testserver",),
        warm_up=False,
        database_url=f"sqlite:///{tmp_path / 'api.sqlite3'}",
    )
    with TestClient(create_app(settings)) as c:
        yield c


def test_api_place_hints_reach_resolve_many(monkeypatch: pytest.MonkeyPatch, client: Any) -> None:
    spy = Spy(monkeypatch)
    body = {
        "local": {"name": "Freudenberg", "country": "DE", "admin": "Bavaria"},
        "partner": {"name": "Qingdao", "country": "CN", "lat": 36.07, "lon": 120.37},
        "dry_run": True,
    }
    r = client.post("/v1/assessments", json=body)
    assert r.status_code in (200, 201, 422), r.text  # 422 only if the place is ambiguous
    assert spy.hints_for("Freudenberg") == [Hint(admin="Bavaria")]
    assert spy.hints_for("Qingdao") == [Hint(lat=36.07, lon=120.37)]
    r = client.post(
        "/v1/assessments/batch",
        json={
            "queries": {
                "a": {"local": {"name": "Kiel", "geonames_id": 2891122}, "partner": body["partner"]}
            }
        },
    )
    assert r.status_code == 200, r.text
    assert spy.hints_for("Kiel") == [Hint(geonames_id=2891122)]
    r = client.post("/v1/batch", content=BATCH_CSV.encode(), headers={"content-type": "text/csv"})
    assert r.status_code == 200, r.text
    assert spy.hints_for("Lund") == [Hint(lat=55.7, lon=13.19)]


@pytest.mark.parametrize(
    "place",
    [
        {"name": "Lund", "lat": 95, "lon": 13},
        {"name": "Lund", "lat": 55.7},
        {"name": "Lund", "geonames_id": 0},
        {"name": "Lund", "geonames_id": "gn:1"},
        {"name": "Lund", "admin": ""},
    ],
)
def test_api_refuses_bad_hints(client: Any, place: dict[str, Any]) -> None:
    r = client.post(
        "/v1/assessments", json={"local": place, "partner": {"name": "Xi'an"}, "dry_run": True}
    )
    assert r.status_code == 422, r.text


def test_api_reads_uk(client: Any) -> None:
    r = client.post(
        "/v1/assessments",
        json={
            "local": {"name": "Leeds", "country": "UK"},
            "partner": {"name": "Thessaloniki", "country": "EL"},
            "dry_run": True,
        },
    )
    assert r.status_code in (200, 201), r.text
    assert (r.json()["local"]["country"], r.json()["partner"]["country"]) == ("GB", "GR")
    r = client.get("/v1/places", params={"q": "Leeds", "country": "UK"})
    assert r.status_code == 200 and r.json()["resolved"]["country"] == "GB", r.text
    stored = client.post("/v1/assessments", json={**body_uk(), "dry_run": False})
    assert stored.status_code == 201, stored.text
    listed = client.get("/v1/assessments", params={"local_country": "UK"}).json()
    assert listed["total"] == 1
    dyads = client.get("/v1/dyads", params={"country": "UK"}).json()
    assert dyads["total"] > 0
    assert all("GB" in (d["local_country"], d["partner_country"]) for d in dyads["items"])


def body_uk() -> dict[str, Any]:
    return {
        "local": {"name": "Leeds", "country": "UK"},
        "partner": {"name": "Thessaloniki", "country": "EL"},
    }


def test_openapi_documents_hints() -> None:
    import json

    doc = json.loads((Path(__file__).parents[1] / "api" / "openapi.json").read_text("utf-8"))
    place = doc["components"]["schemas"]["PlaceInput"]["properties"]
    assert {"admin", "geonames_id", "lat", "lon"} <= set(place)
    assert any(a.get("maximum") == 90 for a in place["lat"].get("anyOf", [place["lat"]]))


def test_cli_places_resolve_passes_hints(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from twinrisk.cli import main

    seen: list[tuple[Any, ...]] = []
    real = places.resolve

    def spy(name: str, country: str | None = None, **kw: Any) -> Any:
        seen.append((name, country, kw))
        return real(name, country, **kw)

    monkeypatch.setattr(places, "resolve", spy)
    argv = ["places", "resolve", "Freudenberg", "--country", "de", "--admin", "Bavaria"]
    argv += ["--geonames-id", "gn:2924915", "--near", "50.9,7.87"]
    assert main(argv) == 0
    assert seen == [
        (
            "Freudenberg",
            "DE",
            {"admin": "Bavaria", "geonames_id": 2924915, "near": (50.9, 7.87)},
        )
    ]
    assert main(["places", "resolve", "Leeds", "--country", "UK"]) == 0
    assert seen[-1][1] == "GB"
    assert main(["places", "resolve", "Lund", "--near", "95,13"]) == 2
    assert "not a latitude" in capsys.readouterr().err


def test_cli_assess_passes_hints(monkeypatch: pytest.MonkeyPatch) -> None:
    from twinrisk.cli import main

    spy = Spy(monkeypatch)
    argv = ["assess", "Kiel", "Qingdao", "--local-country", "DE", "--partner-country", "CN"]
    argv += ["--local-admin", "Schleswig-Holstein", "--partner-near", "36.07,120.37"]
    argv += ["--partner-geonames-id", "1797929", "--format", "json"]
    assert main(argv) == 0
    assert spy.hints_for("Kiel") == [Hint(admin="Schleswig-Holstein")]
    assert spy.hints_for("Qingdao") == [Hint(geonames_id=1797929, lat=36.07, lon=120.37)]


def test_web_form_area_reaches_resolve_many(monkeypatch: pytest.MonkeyPatch, client: Any) -> None:
    import re

    page = client.get("/", params={"local_admin": "Bavaria"}, headers={"accept": "text/html"})
    assert 'name="local_admin"' in page.text and 'value="Bavaria"' in page.text  # prefilled
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    spy = Spy(monkeypatch)
    form = {"csrf": token, "local": "Kiel", "local_country": "DE", "partner": "Qingdao"}
    r = client.post("/assess", data={**form, "local_admin": "Schleswig-Holstein"})
    assert r.status_code in (200, 303), r.text[:500]
    assert spy.hints_for("Kiel") == [Hint(admin="Schleswig-Holstein")]
    assert spy.hints_for("Qingdao") == [None]
