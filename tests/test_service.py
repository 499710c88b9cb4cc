"""The HTTP API in process: every endpoint, every error path, auth on and off,
limits and time limits. (The server as a process: test_service_server.py.)"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from twinrisk.app import create_app
from twinrisk.service import library
from twinrisk.service.auth import KeyConfigError, KeyRing
from twinrisk.service.settings import Settings

ALICE_KEY = "alice-secret-key-1-0123456789abcdefghij"
BOB_KEY = "bob-secret-key-22-0123456789abcdefghij"

PROBLEM = "application/problem+json"
LULEA_XIAN = {
    "local": {"name": "Luleå", "country": "SE"},
    "partner": {"name": "Xi'an", "country": "CN"},
}
CSV = b"local,local_country,partner,partner_country\nLulea,SE,Xi'an,CN\nKiel,DE,Qingdao,CN\n"


def make_client(tmp_path: Path, **kw: Any) -> TestClient:
    settings = Settings(
        allowed_hosts=("testserver",),
        warm_up=False,
        database_url=f"sqlite:///{tmp_path / 'api.sqlite3'}",
        **kw,
    )
    return TestClient(create_app(settings))


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with make_client(tmp_path) as c:
        yield c


def assert_problem(r: Any, status: int, *words: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM), r.headers
    doc = r.json()
    assert doc["status"] == status and doc["title"] and doc["type"]
    for word in words:
        assert word.lower() in doc["detail"].lower(), doc
    return doc


# -- scoring one proposal ------------------------------------------------------------------


def test_assess_stores_and_returns_explanation(client: TestClient) -> None:
    body = {**LULEA_XIAN, "terms": {"exit_clause": False, "sensitive_domains": ["technology"]}}
    r = client.post("/v1/assessments", json=body)
    assert r.status_code == 201, r.text
    doc = r.json()
    assert r.headers["location"] == f"/v1/assessments/{doc['id']}"
    assert doc["stored"] is True and doc["id"].startswith("a_")
    assert sum(f["points"] for f in doc["factors"]) == doc["score"]
    assert doc["local"]["country"] == "SE" and doc["partner"]["country"] == "CN"
    assert doc["model"]["version"] and doc["model"]["policy"] and doc["model"]["data_version"]
    assert doc["links"]["report_pdf"].endswith("/report.pdf")
    got = client.get(doc["links"]["self"])
    assert got.status_code == 200
    again = got.json()
    assert again["score"] == doc["score"] and again["factors"] == doc["factors"]
    assert again["created_at"] == doc["created_at"]
    stored = client.app.state.twinrisk.store.get(doc["id"])  # type: ignore[attr-defined]
    assert stored.inputs["terms"] == {"exit_clause": False, "sensitive_domains": ["technology"]}
    assert stored.channel == "api" and stored.api_key_id is None


def test_same_result_as_the_library(client: TestClient) -> None:
    import twinrisk

    r = client.post("/v1/assessments", json={**LULEA_XIAN, "as_of": "2024-01-01", "dry_run": True})
    direct = twinrisk.assess(
        "Luleå", "Xi'an", local_country="SE", partner_country="CN", as_of="2024-01-01"
    )
    assert r.status_code == 200
    doc = r.json()
    assert doc["stored"] is False and doc["id"] is None
    assert library.assessment_json(direct) == {k: doc[k] for k in library.assessment_json(direct)}


def test_dry_run_is_not_stored(client: TestClient) -> None:
    r = client.post("/v1/assessments", json={**LULEA_XIAN, "dry_run": True})
    assert r.status_code == 200 and "location" not in r.headers
    assert client.get("/v1/assessments").json()["total"] == 0


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"partner": {"name": "Xi'an"}}, 422, ["body.local", "field required"]),
        ({**LULEA_XIAN, "local": {"name": ""}}, 422, ["body.local.name"]),
        ({**LULEA_XIAN, "local": {"name": "x" * 201}}, 422, ["at most 200"]),
        ({**LULEA_XIAN, "partner": {"name": "Xi'an", "country": "China"}}, 422, ["two-letter"]),
        ({**LULEA_XIAN, "colour": "red"}, 422, ["colour", "extra"]),
        ({**LULEA_XIAN, "as_of": "2024-13-45"}, 422, ["as_of"]),
        ({**LULEA_XIAN, "as_of": "2999-01-01"}, 422, ["as_of", "out of range"]),
        ({**LULEA_XIAN, "terms": {"favourite_colour": True}}, 422, ["favourite_colour"]),
        ({**LULEA_XIAN, "terms": {"sensitive_domains": ["astrology"]}}, 422, ["astrology"]),
        ({**LULEA_XIAN, "terms": {"exit_clause": "perhaps"}}, 422, ["exit_clause"]),
        ({**LULEA_XIAN, "policy": "lenient"}, 422, ["unknown policy", "default"]),
        ({**LULEA_XIAN, "policy": "../../etc/passwd"}, 422, ["unknown policy"]),
        (
            {**LULEA_XIAN, "policy": "/work/main/models/policy-default.json"},
            422,
            ["unknown policy"],
        ),
        ({**LULEA_XIAN, "policy": {"name": "mine"}}, 422, ["policy"]),
        ({**LULEA_XIAN, "local": {"name": "Luleå", "country": "QQ"}}, 422, ["QQ"]),
        ({**LULEA_XIAN, "dry_run": "sometimes"}, 422, ["dry_run"]),
        ([1, 2, 3], 422, ["body"]),
        ("just a string", 422, ["body"]),
    ],
)
def test_bad_input_is_a_422_problem(
    client: TestClient, body: Any, status: int, words: list[str]
) -> None:
    r = client.post("/v1/assessments", json=body)
    assert_problem(r, status, *words)
    assert client.get("/v1/assessments").json()["total"] == 0


def test_inline_policy_is_accepted(client: TestClient) -> None:
    doc = json.loads((Path(__file__).parents[1] / "models" / "policy-default.json").read_text())
    doc["name"] = "inline-test"
    r = client.post("/v1/assessments", json={**LULEA_XIAN, "policy": doc, "dry_run": True})
    assert r.status_code == 200, r.text
    # named by its content, whatever it calls itself (issue 15: no spoofed record)
    canonical = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert r.json()["model"]["policy"] == f"inline:{digest}"


def test_ambiguous_and_unknown_places_name_the_field(client: TestClient) -> None:
    r = client.post(
        "/v1/assessments", json={"local": {"name": "Springfield"}, "partner": {"name": "Xi'an"}}
    )
    doc = assert_problem(r, 422, "springfield", "country")
    assert doc["field"] == "local" and doc["type"].endswith("ambiguous-place")
    assert len(doc["candidates"]) >= 2 and {c["country"] for c in doc["candidates"]} == {"US"}
    r = client.post(
        "/v1/assessments", json={"local": {"name": "Luleå"}, "partner": {"name": "Xqzzv Shi"}}
    )
    doc = assert_problem(r, 422, "xqzzv shi")
    assert doc["field"] == "partner" and doc["type"].endswith("place-not-found")
    assert isinstance(doc["suggestions"], list)


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (
            b'{"local": {"name": "A"}, "local": {"name": "B"}, "partner": {"name": "Xi\'an"}}',
            ["'local' appears twice"],
        ),
        (b'{"local": {"name": "Lulea"}, "partner": {"name": "Xi\'an"}, "x": NaN}', ["NaN"]),
        (
            b'{"local": {"name": "Lulea"}, "partner": {"name": "Xi\'an"}, "x": Infinity}',
            ["Infinity"],
        ),
        (b'{"local": {"name": "Lule\xe5"}, "partner": {"name": "X"}}', ["UTF-8"]),
        (b'{"local": {"name": "Lulea"}, ', ["not valid JSON"]),
        (b"[" * 100_000 + b"]" * 100_000, ["not valid JSON"]),
    ],
)
def test_strict_json(client: TestClient, raw: bytes, words: list[str]) -> None:
    r = client.post("/v1/assessments", content=raw, headers={"content-type": "application/json"})
    assert_problem(r, 422, *words)


def test_wrong_content_type(client: TestClient) -> None:
    r = client.post(
        "/v1/assessments",
        content=b"local=Lulea",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code in (415, 422) and r.headers["content-type"].startswith(PROBLEM)


# -- generic errors ------------------------------------------------------------------------


def test_404_405_and_unknown_id_are_problems(client: TestClient) -> None:
    assert_problem(client.get("/v1/nothing-here"), 404, "/v1/nothing-here")
    doc = assert_problem(client.delete("/v1/assessments"), 405, "DELETE")
    assert "GET" in doc["detail"] or "POST" in doc["detail"]
    assert_problem(client.get("/v1/assessments/a_missing"), 404, "a_missing")
    assert_problem(client.get("/v1/assessments/a_missing/report.html"), 404)
    assert_problem(client.get("/v1/assessments/bad%20id!"), 422)
    assert_problem(client.get("/v1/assessments?limit=0"), 422, "limit")
    assert_problem(client.get("/v1/assessments?since=yesterday"), 422, "since")


def test_unexpected_errors_are_500_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(reqs: Any) -> Any:
        raise RuntimeError("bug")

    monkeypatch.setattr(library, "assess_together", boom)
    with TestClient(
        create_app(
            Settings(
                allowed_hosts=("testserver",),
                warm_up=False,
                database_url=f"sqlite:///{tmp_path}/x.db",
            )
        ),
        raise_server_exceptions=False,
    ) as c:
        doc = assert_problem(c.post("/v1/assessments", json=LULEA_XIAN), 500, "unexpected")
        assert "bug" not in doc["detail"]  # internals are logged, not shown


def test_timeout_is_a_503_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(reqs: Any) -> Any:
        time.sleep(1.0)
        raise AssertionError("not reached in time")

    monkeypatch.setattr(library, "assess_together", slow)
    with make_client(tmp_path, timeout_seconds=0.1) as c:
        r = c.post("/v1/assessments", json=LULEA_XIAN)
        doc = assert_problem(r, 503, "did not finish within 0.1 s")
        assert r.headers["retry-after"] == "5" and doc["type"].endswith("timeout")
        assert c.get("/v1/assessments").json()["total"] == 0


# -- limits --------------------------------------------------------------------------------


def test_body_limit_with_content_length(tmp_path: Path) -> None:
    with make_client(tmp_path, max_body_bytes=1000) as c:
        body = {**LULEA_XIAN, "terms": {"sensitive_domains": ["culture"] * 200}}
        doc = assert_problem(c.post("/v1/assessments", json=body), 413, "1000 bytes")
        assert doc["limit"] == 1000


def test_body_limit_without_content_length(tmp_path: Path) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"local": {"name": "'
        for _ in range(100):
            yield b"x" * 100
        yield b'"}}'

    with make_client(tmp_path, max_body_bytes=1000) as c:
        r = c.post(
            "/v1/assessments", content=chunks(), headers={"content-type": "application/json"}
        )
        assert "content-length" not in r.request.headers
        assert_problem(r, 413, "limit")


def test_batch_item_limit(tmp_path: Path) -> None:
    with make_client(tmp_path, max_batch_items=3) as c:
        queries = {f"q{i}": LULEA_XIAN for i in range(4)}
        doc = assert_problem(
            c.post("/v1/assessments/batch", json={"queries": queries}),
            413,
            "4 queries",
            "limit is 3",
        )
        assert doc["limit"] == 3


def test_csv_upload_and_row_limits(tmp_path: Path) -> None:
    with make_client(tmp_path, max_upload_bytes=2000, max_csv_rows=1) as c:
        big = CSV + b"Lulea,SE,Xi'an,CN\n" * 200
        assert_problem(
            c.post("/v1/batch", content=big, headers={"content-type": "text/csv"}), 413, "limit"
        )
        assert_problem(
            c.post("/v1/batch", files={"file": ("big.csv", big, "text/csv")}), 413, "limit"
        )
        doc = assert_problem(
            c.post("/v1/batch", content=CSV, headers={"content-type": "text/csv"}), 413, "rows"
        )
        assert doc["limit"] == 1


# -- batches -------------------------------------------------------------------------------


def test_json_batch_keys_results_and_item_errors(client: TestClient) -> None:
    body = {
        "queries": {
            "good": LULEA_XIAN,
            "kiel": {
                "local": {"name": "Kiel", "country": "DE"},
                "partner": {"name": "Qingdao", "country": "CN"},
                "terms": {"exit_clause": True},
            },
            "nowhere": {"local": {"name": "Nowhereville Xq"}, "partner": {"name": "Xi'an"}},
            "future": {**LULEA_XIAN, "as_of": "2999-01-01"},
        }
    }
    r = client.post("/v1/assessments/batch", json=body)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert list(doc["responses"]) == ["good", "kiel", "nowhere", "future"]
    assert (doc["scored"], doc["failed"], doc["stored"]) == (2, 2, 2)
    good = doc["responses"]["good"]
    assert good["status"] == 200 and good["assessment"]["id"]
    assert doc["responses"]["nowhere"]["status"] == 422
    assert doc["responses"]["nowhere"]["error"]["field"] == "local"
    assert "nowhereville" in doc["responses"]["nowhere"]["error"]["detail"].lower()
    assert "as_of" in doc["responses"]["future"]["error"]["detail"]
    stored = client.get(good["assessment"]["links"]["self"]).json()
    assert stored["score"] == good["assessment"]["score"]
    listed = client.get("/v1/assessments").json()
    assert listed["total"] == 2 and {i["channel"] for i in listed["items"]} == {"batch"}


def test_json_batch_dry_run_and_bad_policy(client: TestClient) -> None:
    r = client.post("/v1/assessments/batch", json={"queries": {"a": LULEA_XIAN}, "dry_run": True})
    assert r.json()["stored"] == 0 and r.json()["responses"]["a"]["assessment"]["id"] is None
    assert_problem(
        client.post("/v1/assessments/batch", json={"queries": {"a": LULEA_XIAN}, "policy": "nope"}),
        422,
        "unknown policy",
    )
    assert_problem(client.post("/v1/assessments/batch", json={"queries": {}}), 422, "queries")
    assert_problem(
        client.post("/v1/assessments/batch", json={"queries": {"k" * 101: LULEA_XIAN}}), 422, "100"
    )


def test_csv_batch(client: TestClient) -> None:
    for kwargs in (
        {"content": CSV, "headers": {"content-type": "text/csv"}},
        {"files": {"file": ("in.csv", CSV, "text/csv")}},
    ):
        r = client.post("/v1/batch?as_of=2024-06-30", **kwargs)  # type: ignore[arg-type]
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("text/csv")
        assert r.headers["x-twinrisk-scored"] == "2"
        lines = r.text.strip().splitlines()
        assert len(lines) == 3 and "score" in lines[0].split(",")
    assert_problem(
        client.post("/v1/batch", content=b"", headers={"content-type": "text/csv"}), 422, "empty"
    )
    assert_problem(
        client.post("/v1/batch", content=b"a;b\n1;2\n", headers={"content-type": "text/csv"}), 422
    )
    assert_problem(
        client.post("/v1/batch", content=b"{}", headers={"content-type": "application/json"}), 415
    )
    assert_problem(
        client.post("/v1/batch", files={"other": ("x.csv", CSV, "text/csv")}), 422, "file"
    )
    assert_problem(
        client.post("/v1/batch?policy=../x", content=CSV, headers={"content-type": "text/csv"}),
        422,
        "unknown policy",
    )


def test_csv_batch_neutralises_formulas(client: TestClient) -> None:
    data = b'local,local_country,partner,partner_country\n=HYPERLINK("x"),SE,Xi\'an,CN\n'
    r = client.post("/v1/batch", content=data, headers={"content-type": "text/csv"})
    assert r.status_code == 200
    assert "\n=HYPERLINK" not in r.text and "'=HYPERLINK" in r.text


# -- decisions and the list ----------------------------------------------------------------


def test_decisions_append_and_filter(client: TestClient) -> None:
    a = client.post("/v1/assessments", json=LULEA_XIAN).json()["id"]
    b = client.post(
        "/v1/assessments",
        json={"local": {"name": "Kiel", "country": "DE"}, "partner": {"name": "Qingdao"}},
    ).json()["id"]
    r1 = client.post(
        f"/v1/assessments/{a}/decision", json={"decision": "defer", "notes": "ask the ministry"}
    )
    assert r1.status_code == 201 and r1.json()["seq"] >= 1
    r2 = client.post(
        f"/v1/assessments/{a}/decision",
        json={"decision": "approve_with_conditions", "notes": "5-year term", "decided_by": "K. L."},
    )
    assert r2.status_code == 201
    doc = client.get(f"/v1/assessments/{a}").json()
    assert [d["decision"] for d in doc["decisions"]] == ["defer", "approve_with_conditions"]
    assert doc["decisions"][0]["notes"] == "ask the ministry"

    def ids(query: str) -> list[str]:
        r = client.get("/v1/assessments" + query)
        assert r.status_code == 200, r.text
        return [i["id"] for i in r.json()["items"]]

    assert ids("?decision=approve_with_conditions") == [a]
    assert ids("?decision=defer") == []  # only the latest decision counts
    assert ids("?decision=none") == [b]
    assert ids("?local_country=DE") == [b]
    assert ids("?partner_country=cn&limit=1&offset=1") == [a]
    assert set(ids("?since=2000-01-01T00:00:00Z")) == {a, b}
    assert ids("?until=2000-01-01") == []
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert set(ids(f"?until={tomorrow}")) == {a, b}
    band = client.get(f"/v1/assessments/{a}").json()["band"]
    assert a in ids(f"?band={band}")
    assert ids("?q=kie") == [b]
    listed = client.get("/v1/assessments").json()
    assert listed["total"] == 2
    assert listed["items"][1]["latest_decision"]["decision"] == "approve_with_conditions"

    assert_problem(
        client.post(f"/v1/assessments/{a}/decision", json={"decision": "maybe"}), 422, "decision"
    )
    assert_problem(
        client.post("/v1/assessments/a_missing/decision", json={"decision": "reject"}),
        404,
        "a_missing",
    )
    assert_problem(
        client.post(
            f"/v1/assessments/{a}/decision", json={"decision": "reject", "notes": "x" * 10_001}
        ),
        422,
        "notes",
    )
    assert len(client.get(f"/v1/assessments/{a}").json()["decisions"]) == 2


# -- reports -------------------------------------------------------------------------------


def test_reports(client: TestClient) -> None:
    a = client.post("/v1/assessments", json=LULEA_XIAN).json()
    html = client.get(a["links"]["report_html"])
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "Lule" in html.text
    md = client.get(a["links"]["report_md"])
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    pdf = client.get(a["links"]["report_pdf"])
    if pdf.status_code == 200:
        assert pdf.content.startswith(b"%PDF")
        assert "attachment" in pdf.headers["content-disposition"]
    else:  # WeasyPrint missing: a clear 503, never a 500
        assert_problem(pdf, 503, "PDF")
    assert_problem(client.get(f"/v1/assessments/{a['id']}/report.docx"), 422)


# -- places, dyads, model, health ----------------------------------------------------------


def test_places(client: TestClient) -> None:
    r = client.get("/v1/places", params={"q": "Xian"})
    assert r.status_code == 200
    doc = r.json()
    assert doc["resolved"]["country"] == "CN" and doc["candidates"]
    amb = client.get("/v1/places", params={"q": "Springfield", "limit": 3}).json()
    assert amb["resolved"] is None and 1 <= len(amb["candidates"]) <= 3 and amb["message"]
    none = client.get("/v1/places", params={"q": "Qqqqzzzxxx"}).json()
    assert none["resolved"] is None and none["message"]
    assert (
        client.get("/v1/places", params={"q": "Lulea", "country": "se"}).json()["resolved"][
            "country"
        ]
        == "SE"
    )
    assert_problem(client.get("/v1/places"), 422, "q")
    assert_problem(client.get("/v1/places", params={"q": "x" * 201}), 422, "q")
    assert_problem(client.get("/v1/places", params={"q": "Lulea", "country": "SWE"}), 422)


def test_dyads(client: TestClient) -> None:
    doc = client.get("/v1/dyads", params={"country": "SE", "status": "terminated"}).json()
    assert doc["total"] >= 1 and doc["data_version"].startswith("data-")
    for item in doc["items"]:
        assert "SE" in (item["local_country"], item["partner_country"])
        assert item["status"] == "terminated"
        assert all(s["url"].startswith("http") for s in item["sources"])
    page = client.get("/v1/dyads", params={"limit": 2, "offset": 1}).json()
    assert len(page["items"]) == 2
    assert_problem(client.get("/v1/dyads", params={"status": "happy"}), 422, "status")


def test_model(client: TestClient) -> None:
    doc = client.get("/v1/model").json()
    assert sum(f["max_points"] for f in doc["factors"]) == 100
    assert all(f["rationale"] and f["label"] for f in doc["factors"])
    assert "default" in doc["policies"] and doc["policy"]["name"] == "default"
    assert "exit_clause" in doc["terms"]
    assert doc["decisions"] == ["approve", "approve_with_conditions", "reject", "defer"]


def test_health_and_ready(tmp_path: Path) -> None:
    settings = Settings(
        allowed_hosts=("testserver",), database_url=f"sqlite:///{tmp_path / 'h.db'}"
    )  # warm-up on
    with TestClient(create_app(settings)) as c:
        assert c.get("/healthz").json() == {"status": "ok"}
        deadline = time.monotonic() + 120
        while True:
            r = c.get("/readyz")
            if r.status_code == 200 or time.monotonic() > deadline:
                break
            assert r.json()["status"] == "starting"
            time.sleep(0.2)
        assert r.status_code == 200, r.text
        assert r.json()["checks"]["store"] == "ok" and r.json()["status"] == "ready"


def test_ready_names_the_failed_check_and_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from twinrisk.service import library

    def broken() -> dict[str, str]:
        raise FileNotFoundError("/srv/secret/models/twinrisk-model.joblib")

    monkeypatch.setattr(library, "warm_up", broken)
    settings = Settings(
        allowed_hosts=("testserver",), database_url=f"sqlite:///{tmp_path / 'h.db'}"
    )
    with TestClient(create_app(settings)) as c:
        deadline = time.monotonic() + 60
        while (r := c.get("/readyz")).json()["status"] == "starting":
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert r.status_code == 503
        assert r.json()["checks"]["warm_up"] == "failing"
        assert "secret" not in r.text and "FileNotFoundError" not in r.text


def test_security_headers(client: TestClient) -> None:
    r = client.get("/v1/model")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


# -- auth ----------------------------------------------------------------------------------


def test_keys_required_when_configured(tmp_path: Path) -> None:
    keys = KeyRing.parse("alice:" + ALICE_KEY + ",bob-secret-key-22-0123456789abcdefghij")
    with make_client(tmp_path, keys=keys) as c:
        doc = assert_problem(c.get("/v1/model"), 401, "X-API-Key")
        assert doc["type"].endswith("unauthorized")
        assert c.get("/v1/model").headers["www-authenticate"].startswith("Bearer")
        assert_problem(c.get("/v1/model", headers={"X-API-Key": "wrong-key-123"}), 401, "not valid")
        assert_problem(c.post("/v1/assessments", json=LULEA_XIAN), 401)
        assert_problem(c.get("/v1/nothing", headers={"X-API-Key": "x"}), 404)
        assert c.get("/v1/model", headers={"X-API-Key": ALICE_KEY}).status_code == 200
        r = c.post(
            "/v1/assessments",
            json=LULEA_XIAN,
            headers={"Authorization": "Bearer bob-secret-key-22-0123456789abcdefghij"},
        )
        assert r.status_code == 201
        stored = c.app.state.twinrisk.store.get(r.json()["id"])  # type: ignore[attr-defined]
        expected = "key-" + hashlib.sha256(BOB_KEY.encode()).hexdigest()[:8]
        assert stored.api_key_id == expected
        r = c.post(
            f"/v1/assessments/{stored.id}/decision",
            json={"decision": "reject"},
            headers={"X-API-Key": ALICE_KEY},
        )
        assert r.json()["api_key_id"] == "alice"
        assert c.get("/healthz").status_code == 200  # probes need no key
        assert c.get("/openapi.json").status_code == 200


def test_no_keys_off_loopback_refuses_everything(tmp_path: Path) -> None:
    with make_client(tmp_path, host="0.0.0.0") as c:  # noqa: S104
        assert_problem(c.get("/v1/model"), 401, "no API keys configured")
        assert c.get("/healthz").status_code == 200
        page = c.get("/", headers={"accept": "text/html"})
        assert page.status_code == 401 and "no API keys" in page.text


def test_key_file_and_hashes(tmp_path: Path) -> None:
    digest = hashlib.sha256(b"file-key-secret-1").hexdigest()
    path = tmp_path / "keys"
    path.write_text(f"# officers\nops:sha256:{digest}\n\nplain-key-secret-2-0123456789abcdefghij\n")
    ring = KeyRing.parse(None, path)
    assert len(ring) == 2
    assert ring.verify("file-key-secret-1") == "ops"
    assert ring.verify(
        "plain-key-secret-2-0123456789abcdefghij",
    ).startswith("key-")  # type: ignore[union-attr]
    assert ring.verify("nope") is None and ring.verify("") is None
    assert all(len(d) == 32 for _, d in ring.entries)  # only hashes are kept
    with pytest.raises(KeyConfigError, match="at least 32"):
        KeyRing.parse("short")
    with pytest.raises(KeyConfigError, match="twice"):
        KeyRing.parse(
            "a:secret-one-1-0123456789abcdefghijklmno,a:secret-two-2-0123456789abcdefghijklmno"
        )
    with pytest.raises(KeyConfigError, match="cannot read"):
        KeyRing.parse(None, tmp_path / "missing")


def test_settings_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWINRISK_API_KEYS", "k1:abcdefgh12-0123456789abcdefghijklmnop")
    monkeypatch.setenv("TWINRISK_MAX_BATCH_ITEMS", "10")
    s = Settings.from_env(host="localhost")
    assert s.max_batch_items == 10 and len(s.keys) == 1 and not s.open_access
    monkeypatch.setenv("TWINRISK_MAX_BATCH_ITEMS", "ten")
    with pytest.raises(ValueError, match="TWINRISK_MAX_BATCH_ITEMS"):
        Settings.from_env()


# -- the published contract ----------------------------------------------------------------

API_DIR = Path(__file__).resolve().parents[1] / "api"


def test_openapi_file_matches_app() -> None:
    from twinrisk.service.export_openapi import dumps, openapi_document

    published = (API_DIR / "openapi.json").read_text(encoding="utf-8")
    assert published == dumps(openapi_document()), (
        "api/openapi.json is out of date: run `.venv/bin/python -m "
        "twinrisk.service.export_openapi` and commit the result"
    )


def test_every_operation_documents_its_errors() -> None:
    doc = json.loads((API_DIR / "openapi.json").read_text(encoding="utf-8"))
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            codes = set(op["responses"])
            assert {"413", "500"} <= codes, (method, path)
            if path.startswith("/v1"):
                assert {"401", "422", "503"} <= codes, (method, path)
                assert op.get("security"), (method, path)
            for code, resp in op["responses"].items():
                if int(code) >= 400:
                    assert list(resp["content"]) == [PROBLEM] or code == "503", (path, code)


def test_examples_validate_against_the_models() -> None:
    from twinrisk.service.problems import Problem
    from twinrisk.service.schemas import (
        AssessmentList,
        AssessmentOut,
        AssessmentRequest,
        BatchRequest,
        BatchResponse,
        DecisionOut,
        DecisionRequest,
        DyadList,
        PlaceResults,
    )

    models: dict[str, tuple[Any, Any]] = {
        "assess": (AssessmentRequest, AssessmentOut),
        "assess-dry-run": (AssessmentRequest, AssessmentOut),
        "assess-ambiguous-place": (AssessmentRequest, Problem),
        "assess-namesake": (AssessmentRequest, Problem),
        "assess-namesake-told-apart": (AssessmentRequest, AssessmentOut),
        "assess-invalid": (None, Problem),
        "batch": (BatchRequest, BatchResponse),
        "decision": (DecisionRequest, DecisionOut),
        "places": (None, PlaceResults),
        "dyads": (None, DyadList),
        "list": (None, AssessmentList),
        "not-found": (None, Problem),
    }
    files = sorted((API_DIR / "examples").glob("*.json"))
    assert {p.stem for p in files} == set(models)
    for path in files:
        doc = json.loads(path.read_text(encoding="utf-8"))
        req_model, resp_model = models[path.stem]
        if req_model is not None:
            req_model.model_validate(doc["request"]["body"])
        resp_model.model_validate(doc["response"]["body"])
        if resp_model is Problem:
            assert doc["response"]["content_type"] == PROBLEM


def test_concurrent_proposals_are_scored_together_each_with_its_own_answer() -> None:
    """The Coalescer runs waiting proposals as one batch; each caller still gets its own
    result, its own error, and its own time limit."""
    import anyio

    from twinrisk.service.limits import Coalescer, Worker
    from twinrisk.service.problems import ProblemError

    def double(items: list[Any]) -> list[Any]:
        time.sleep(0.05)  # long enough for the other callers to queue behind the first
        return [ValueError(f"bad {i}") if i % 5 == 4 else i * 2 for i in items]

    async def main() -> tuple[list[Any], Coalescer]:
        coalescer = Coalescer(Worker(2), double, max_batch=8)
        results: list[Any] = [None] * 20

        async def one(i: int) -> None:
            try:
                results[i] = await coalescer.submit(i, timeout=5)
            except ValueError as exc:
                results[i] = exc

        async with anyio.create_task_group() as tg:
            for i in range(20):
                tg.start_soon(one, i)
        return results, coalescer

    results, coalescer = anyio.run(main)
    for i, r in enumerate(results):
        if i % 5 == 4:
            assert isinstance(r, ValueError) and str(r) == f"bad {i}"
        else:
            assert r == i * 2
    assert sum(size * n for size, n in coalescer.runs.items()) == 20
    assert max(coalescer.runs) > 1 and max(coalescer.runs) <= 8  # batched, within the cap

    async def late() -> None:
        coalescer = Coalescer(Worker(1), double)
        await coalescer.submit(1, timeout=0.01)

    with pytest.raises(ProblemError, match="did not finish within 0.01 s"):
        anyio.run(late)


def test_the_api_alone_answers_browsers_with_problems(tmp_path: Path) -> None:
    # without the web page mounted (twinrisk.app), there is no HTML error page
    from twinrisk.service import create_api

    settings = Settings(
        allowed_hosts=("testserver",),
        warm_up=False,
        database_url=f"sqlite:///{tmp_path / 'api.sqlite3'}",
    )
    with TestClient(create_api(settings)) as c:
        r = c.get("/no/such/page", headers={"accept": "text/html"})
        assert_problem(r, 404, "/no/such/page")
        assert c.get("/", headers={"accept": "text/html"}).status_code == 404


def test_short_keys_are_refused_and_keys_new_makes_long_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from twinrisk.cli import main
    from twinrisk.service.auth import MIN_KEY_LENGTH

    with pytest.raises(KeyConfigError, match="make one with `twinrisk keys new`"):
        KeyRing.parse("ops:" + "k" * (MIN_KEY_LENGTH - 1))
    assert main(["keys", "new", "--id", "ops"]) == 0
    key, line = capsys.readouterr().out.splitlines()
    assert len(key) >= MIN_KEY_LENGTH
    ring = KeyRing.parse(None, None)
    ring.add_entry(line.split(": ", 1)[1])  # the key file line holds only the hash
    assert ring.verify(key) == "ops" and key not in line


def test_an_unknown_host_is_refused_keys_or_no_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: a page that points its own name at 127.0.0.1 must not reach the
    records of a server that needs no key on loopback."""
    settings = Settings(warm_up=False, database_url=f"sqlite:///{tmp_path / 'h.sqlite3'}")
    assert settings.open_access
    with TestClient(create_app(settings), base_url="http://evil.example") as c:
        r = c.get("/v1/assessments")
        assert_problem(r, 400, "evil.example")
        assert "localhost" in r.json()["detail"] and r.headers["connection"] == "close"
        assert c.get("/", headers={"host": "evil.example:8000"}).status_code == 400
        for good in ("127.0.0.1:8000", "localhost", "[::1]:8000", "LOCALHOST:80"):
            assert c.get("/healthz", headers={"host": good}).status_code == 200, good
    monkeypatch.setenv("TWINRISK_ALLOWED_HOSTS", "twinrisk.example.org, intranet")
    configured = Settings.from_env(host="0.0.0.0")  # noqa: S104 - not bound, only named
    assert configured.allowed_hosts == ("twinrisk.example.org", "intranet")
    with TestClient(create_app(configured), base_url="http://twinrisk.example.org") as c:
        assert c.get("/healthz").status_code == 200
        assert c.get("/healthz", headers={"host": "localhost"}).status_code == 400


def test_a_browser_post_from_another_site_is_refused(tmp_path: Path) -> None:
    """A cross-origin text/plain or form POST needs no preflight: the Origin decides."""
    settings = Settings(
        allowed_hosts=("testserver",),
        warm_up=False,
        database_url=f"sqlite:///{tmp_path / 'o.sqlite3'}",
    )
    csv_body = "local,local_country,partner,partner_country\nLuleå,SE,Xi'an,CN\n"
    with TestClient(create_app(settings)) as c:
        for kind in ("text/plain", "text/csv", "application/x-www-form-urlencoded"):
            r = c.post(
                "/v1/batch",
                content=csv_body,
                headers={"content-type": kind, "origin": "http://evil.example"},
            )
            assert_problem(r, 403, "evil.example")
        same = c.post(
            "/v1/batch",
            content=csv_body,
            headers={"content-type": "text/csv", "origin": "http://testserver"},
        )
        assert same.status_code == 200
        assert (
            c.post("/v1/batch", content=csv_body, headers={"content-type": "text/csv"}).status_code
            == 200
        )
        assert c.get("/v1/model", headers={"origin": "http://evil.example"}).status_code == 200


def test_no_page_loads_scripts_from_elsewhere_and_every_answer_carries_the_csp(
    client: TestClient,
) -> None:
    for path in ("/docs", "/redoc"):
        assert client.get(path).status_code == 404
    for path in ("/openapi.json", "/v1/model", "/healthz", "/nothing-here"):
        csp = client.get(path).headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp, path
        assert "frame-ancestors 'none'" in csp and "base-uri 'none'" in csp, path
