"""The bad-input catalogue: every kind of malformed, hostile or merely odd input a
caller can send, each its own case. Each must get a 4xx problem (or, inside a
batch, a per-row / per-item error) whose message names the problem; none may get a
500; and nothing stored before the catalogue ran may be lost or changed.

A known defect outside the service gets ``xfail(strict=True)`` with a reason starting
"BUG" (and is reported to the lead); once fixed the case fails until the mark goes.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from twinrisk.app import create_app
from twinrisk.service.settings import Settings

PROBLEM = "application/problem+json"
LULEA = {"name": "Luleå", "country": "SE"}
XIAN = {"name": "Xi'an", "country": "CN"}
HEADER = b"local,local_country,partner,partner_country\n"
MAX_CSV_ROWS = 100
MAX_UPLOAD = 3 * 1024 * 1024


@dataclass(frozen=True)
class Case:
    id: str
    send: Callable[[TestClient], Any]
    status: int | tuple[int, ...]
    #: words the problem's detail (or the per-row / per-item error) must contain
    words: tuple[str, ...] = ()
    #: "problem": a 4xx problem document; "csv-row": a 200 scored CSV whose rows all
    #: carry an error; "batch-item": a 200 JSON batch whose items named in ``bad`` fail;
    #: "accepted": read correctly despite the oddity (``check`` says how)
    expect: str = "problem"
    bad: tuple[str, ...] = ()
    check: Callable[[Any], None] | None = None
    marks: tuple[Any, ...] = ()


def assess(body: Any) -> Callable[[TestClient], Any]:
    return lambda c: c.post("/v1/assessments", json=body)


def dry(**over: Any) -> Callable[[TestClient], Any]:
    body: dict[str, Any] = {"local": LULEA, "partner": XIAN, "dry_run": True}
    body.update(over)
    return assess(body)


def raw(
    data: bytes, ctype: str = "application/json", path: str = "/v1/assessments"
) -> Callable[[TestClient], Any]:
    return lambda c: c.post(path, content=data, headers={"content-type": ctype})


def upload(data: bytes, ctype: str = "text/csv") -> Callable[[TestClient], Any]:
    return raw(data, ctype, "/v1/batch")


def get(path: str) -> Callable[[TestClient], Any]:
    return lambda c: c.get(path)


def chunked(total: int) -> Callable[[TestClient], Any]:
    def body() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        sent = 0
        while sent < total:
            sent += 64 * 1024
            yield b" " * (64 * 1024)

    return lambda c: c.post(
        "/v1/assessments", content=body(), headers={"content-type": "application/json"}
    )


def csv_rows(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def scored_one(response: Any) -> None:
    rows = csv_rows(response)
    assert len(rows) == 1 and rows[0]["score"] and not rows[0]["error"], rows
    assert response.headers["x-twinrisk-scored"] == "1"
    assert "local" in rows[0] and rows[0]["local"] == "Lulea", rows[0].keys()


def neutralised(response: Any) -> None:
    rows = csv_rows(response)
    assert all(not v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values()), rows


CASES: list[Case] = [
    # -- names ---------------------------------------------------------------------------
    Case("name-empty", dry(local={"name": ""}), 422, ("local.name", "at least 1")),
    Case(
        "name-huge-100k-chars",
        dry(local={"name": "x" * 100_000}),
        422,
        ("local.name", "at most 200"),
    ),
    Case("name-whitespace-only", dry(local={"name": "   "}), 422, ("local",)),
    Case(
        "name-control-characters",
        dry(local={"name": "Lule\x00å\x07\x1b[2J"}),
        422,
        ("local", "unknown place"),
    ),
    Case(
        "name-right-to-left-override",
        dry(local={"name": "\u202eåeluL"}),
        422,
        ("local", "unknown place"),
    ),
    Case(
        "name-hebrew-right-to-left",
        dry(partner={"name": "ירושלים‏‎", "country": "CN"}),
        422,
        ("partner",),
    ),
    Case(
        "name-mixed-scripts",
        dry(local={"name": "Luleå西安Москва"}),
        422,
        ("local", "unknown place"),
    ),
    Case(
        "name-zero-width-and-combining",
        dry(local={"name": "L\u200bu\u0301\u0301le\ufeffå"}),
        422,
        ("local",),
    ),
    Case(
        "name-sql-injection",
        dry(local={"name": "Luleå'; DROP TABLE assessments;--"}),
        422,
        ("local", "unknown place", "DROP TABLE"),
    ),
    Case(
        "name-sql-injection-partner",
        dry(partner={"name": "x' OR '1'='1"}),
        422,
        ("partner", "unknown place"),
    ),
    Case(
        "name-html-injection",
        dry(local={"name": "<script>alert(1)</script>"}),
        422,
        ("local", "unknown place"),
    ),
    Case("name-unknown-place", dry(local={"name": "Qwxzplk"}), 422, ("local", "unknown place")),
    Case(
        "name-ambiguous-place",
        dry(local={"name": "Springfield"}),
        422,
        ("ambiguous", "Springfield", "add a country"),
    ),
    Case("name-wrong-type-number", dry(local={"name": 42}), 422, ("local.name", "string")),
    Case("name-wrong-type-null", dry(partner={"name": None}), 422, ("partner.name",)),
    Case("name-same-place-both-sides", dry(partner=LULEA), 422, ("same place",)),
    Case("place-missing", dry(partner=None), 422, ("partner",)),
    # -- countries -----------------------------------------------------------------------
    Case(
        "country-three-letters",
        dry(local={"name": "Luleå", "country": "SWE"}),
        422,
        ("local.country", "two-letter"),
    ),
    Case("country-not-in-data", dry(local={"name": "Luleå", "country": "ZZ"}), 422, ("ZZ",)),
    Case(
        "country-does-not-contain-place",
        dry(local={"name": "Luleå", "country": "FR"}),
        422,
        ("local", "unknown place"),
    ),
    # -- dates ---------------------------------------------------------------------------
    Case("as-of-before-range", dry(as_of="1500-01-01"), 422, ("as_of", "out of range")),
    Case("as-of-in-future", dry(as_of="2100-01-01"), 422, ("as_of", "out of range")),
    Case("as-of-year-9999", dry(as_of="9999-12-31"), 422, ("as_of",)),
    Case("as-of-malformed", dry(as_of="2024-13-45"), 422, ("as_of", "month")),
    Case("as-of-words", dry(as_of="yesterday"), 422, ("as_of",)),
    Case("as-of-wrong-type", dry(as_of=[2024, 1, 1]), 422, ("as_of",)),
    # -- terms and policies --------------------------------------------------------------
    Case("term-unknown", dry(terms={"free_lunch": True}), 422, ("free_lunch",)),
    Case(
        "term-unknown-domain",
        dry(terms={"sensitive_domains": ["weather"]}),
        422,
        ("weather", "accepted"),
    ),
    Case("term-wrong-type", dry(terms={"exit_clause": "maybe"}), 422, ("exit_clause", "boolean")),
    Case(
        "term-domains-not-a-list",
        dry(terms={"sensitive_domains": "ports"}),
        422,
        ("sensitive_domains",),
    ),
    Case("policy-unknown-name", dry(policy="lenient"), 422, ("unknown policy", "lenient")),
    Case("policy-path-traversal", dry(policy="../../etc/passwd"), 422, ("unknown policy",)),
    Case("policy-inline-invalid", dry(policy={"weights": {"x": 5}}), 422, ("policy",)),
    Case("policy-wrong-type", dry(policy=7), 422, ("policy",)),
    # -- JSON itself ---------------------------------------------------------------------
    Case("json-body-is-a-list", assess([1, 2, 3]), 422, ("body",)),
    Case("json-unknown-field", dry(colour="red"), 422, ("colour", "extra")),
    Case(
        "json-nan",
        raw(b'{"local": {"name": "Lulea"}, "partner": {"name": "Xian"}, "dry_run": NaN}'),
        422,
        ("NaN",),
    ),
    Case(
        "json-infinity",
        raw(b'{"local": {"name": "Lulea"}, "partner": {"name": "Xian"}, "as_of": -Infinity}'),
        422,
        ("Infinity",),
    ),
    Case(
        "json-duplicate-keys",
        raw(
            b'{"local": {"name": "Lulea"}, "local": {"name": "Kiel"}, "partner": {"name": "Xian"}}'
        ),
        422,
        ("local", "twice"),
    ),
    Case(
        "json-truncated",
        raw(b'{"local": {"name": "Lulea"}, "partner": {"na'),
        422,
        ("not valid JSON",),
    ),
    Case(
        "json-latin-1",
        raw('{"local": {"name": "Luleå"}, "partner": {"name": "Xian"}}'.encode("latin-1")),
        422,
        ("UTF-8",),
    ),
    Case(
        "json-utf-16",
        raw('{"local": {"name": "Luleå"}, "partner": {"name": "Xian"}}'.encode("utf-16")),
        422,
        ("UTF-8",),
    ),
    Case("json-empty-body", raw(b""), 422, ("body", "required")),
    Case(
        "json-deeply-nested",
        raw(b'{"local": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
        422,
        ("nested too deeply",),
    ),
    Case(
        "json-wrong-content-type-xml",
        raw(b"<proposal/>", "application/xml"),
        415,
        ("application/json", "application/xml"),
    ),
    Case(
        "json-form-encoded-like-curl-d",
        raw(b'{"local": {}}', "application/x-www-form-urlencoded"),
        415,
        ("application/json",),
    ),
    Case(
        "json-bom-is-accepted",
        raw(
            b'\xef\xbb\xbf{"local": {"name": "Lulea", "country": "SE"}, '
            b'"partner": {"name": "Xian", "country": "CN"}, '
            b'"dry_run": true}'
        ),
        200,
        expect="accepted",
    ),
    # -- sizes ---------------------------------------------------------------------------
    Case(
        "body-oversized-3-mib",
        raw(b'{"local": {"name": "' + b"a" * (3 * 1024 * 1024) + b'"}}'),
        413,
        ("larger than the limit", "2 MiB"),
    ),
    Case(
        "body-oversized-chunked-no-length",
        chunked(3 * 1024 * 1024),
        413,
        ("larger than the limit",),
    ),
    Case(
        "body-content-length-not-a-number",
        lambda c: c.post(
            "/v1/assessments",
            content=b"{}",
            headers={"content-type": "application/json", "content-length": "lots"},
        ),
        400,
        ("Content-Length",),
    ),
    # -- JSON batches --------------------------------------------------------------------
    Case(
        "batch-too-many-queries",
        lambda c: c.post(
            "/v1/assessments/batch",
            json={
                "queries": {str(i): {"local": LULEA, "partner": XIAN} for i in range(1001)},
                "dry_run": True,
            },
        ),
        413,
        ("1001", "limit is 1000"),
    ),
    Case(
        "batch-empty",
        lambda c: c.post("/v1/assessments/batch", json={"queries": {}}),
        422,
        ("queries",),
    ),
    Case(
        "batch-key-too-long",
        lambda c: c.post(
            "/v1/assessments/batch",
            json={"queries": {"k" * 101: {"local": LULEA, "partner": XIAN}}, "dry_run": True},
        ),
        422,
        ("keys", "100 characters"),
    ),
    Case(
        "batch-per-item-errors",
        lambda c: c.post(
            "/v1/assessments/batch",
            json={
                "queries": {
                    "ok": {"local": LULEA, "partner": XIAN},
                    "unknown": {"local": {"name": "Qwxzplk"}, "partner": XIAN},
                    "ambiguous": {"local": {"name": "Springfield"}, "partner": XIAN},
                    "future": {"local": LULEA, "partner": XIAN, "as_of": "2100-01-01"},
                    "domain": {
                        "local": LULEA,
                        "partner": XIAN,
                        "terms": {"sensitive_domains": ["weather"]},
                    },
                },
                "dry_run": True,
            },
        ),
        200,
        expect="batch-item",
        bad=("unknown", "ambiguous", "future", "domain"),
    ),
    # -- CSV uploads ---------------------------------------------------------------------
    Case("csv-empty-file", upload(b""), 422, ("empty",)),
    Case("csv-blank-lines-only", upload(b"\n\r\n\n"), 422, ("empty",)),
    Case("csv-no-header-row", upload(b"Lulea,SE,Xian,CN\n"), 422, ("missing required column",)),
    Case(
        "csv-truncated-mid-row",
        upload(HEADER + b"Lulea,SE,Xi"),
        200,
        ("3 fields", "header has 4"),
        expect="csv-row",
    ),
    Case(
        "csv-truncated-row-two-fields",
        upload(HEADER + b"Lulea,SE,Xian,CN\nKiel,DE"),
        200,
        ("partner",),
        expect="csv-row",
        bad=("1",),
    ),
    Case(
        "csv-unterminated-quote",
        upload(HEADER + b'"Lulea,SE,Xian,CN\n'),
        200,
        ("unclosed quote",),
        expect="csv-row",
    ),
    Case(
        "csv-semicolon-delimiter-detected",
        upload(b"local;local_country;partner;partner_country\nLulea;SE;Xian;CN\n"),
        200,
        expect="accepted",
        check=scored_one,
    ),
    Case(
        "csv-pipe-delimiter-detected",
        upload(b"local|local_country|partner|partner_country\nLulea|SE|Xian|CN\n"),
        200,
        expect="accepted",
        check=scored_one,
    ),
    Case(
        "csv-bom-stripped",
        upload(b"\xef\xbb\xbf" + HEADER + b"Lulea,SE,Xian,CN\n"),
        200,
        expect="accepted",
        check=scored_one,
    ),
    Case(
        "csv-crlf-line-ends",
        upload(HEADER.replace(b"\n", b"\r\n") + b"Lulea,SE,Xian,CN\r\n"),
        200,
        expect="accepted",
        check=scored_one,
    ),
    Case(
        "csv-latin-1",
        upload(HEADER + "Luleå,SE,Xi'an,CN\n".encode("latin-1")),
        422,
        ("not UTF-8", "0xe5"),
    ),
    Case(
        "csv-utf-16",
        upload((HEADER.decode() + "Luleå,SE,Xi'an,CN\n").encode("utf-16")),
        422,
        ("not UTF-8",),
    ),
    Case("csv-binary-garbage", upload(bytes(range(256)) * 8), 422, ("not UTF-8",)),
    Case(
        "csv-million-column-row",
        upload(HEADER + b"Lulea,SE,Xian,CN" + b",x" * 1_000_000 + b"\n"),
        200,
        ("1000004 fields", "header has 4"),
        expect="csv-row",
    ),
    Case(
        "csv-duplicate-header",
        upload(b"local,local,local_country,partner,partner_country\nLulea,Kiel,SE,Xian,CN\n"),
        422,
        ("duplicate column", "local"),
    ),
    Case(
        "csv-formula-injection",
        upload(HEADER + b'=HYPERLINK("http://evil"),SE,Xian,CN\n@SUM(A1),SE,+cmd,CN\n'),
        200,
        ("unknown place",),
        expect="csv-row",
        check=neutralised,
    ),
    Case(
        "csv-nul-byte-in-cell",
        upload(HEADER + b"Lul\x00ea,SE,Xian,CN\n"),
        200,
        ("unknown place",),
        expect="csv-row",
    ),
    Case(
        "csv-malformed-date-in-row",
        upload(b"local,local_country,partner,partner_country,as_of\nLulea,SE,Xian,CN,2024-99-99\n"),
        200,
        ("as_of", "YYYY-MM-DD"),
        expect="csv-row",
    ),
    Case(
        "csv-bad-term-in-row",
        upload(
            b"local,local_country,partner,partner_country,exit_clause\nLulea,SE,Xian,CN,perhaps\n"
        ),
        200,
        ("exit_clause", "perhaps"),
        expect="csv-row",
    ),
    Case(
        "csv-nan-and-inf-as-names",
        upload(HEADER + b"NaN,SE,inf,CN\n"),
        200,
        ("unknown place",),
        expect="csv-row",
    ),
    Case(
        "csv-too-many-rows",
        upload(HEADER + b"Lulea,SE,Xian,CN\n" * (MAX_CSV_ROWS + 1)),
        413,
        ("more than 100 rows",),
    ),
    Case(
        "csv-upload-oversized",
        upload(HEADER + b"Lulea,SE,Xian,CN\n" * 200_000),
        413,
        ("larger than the limit",),
    ),
    Case("csv-wrong-content-type", upload(HEADER, "application/json"), 415, ("text/csv",)),
    Case(
        "csv-multipart-without-file-field",
        lambda c: c.post("/v1/batch", files={"other": ("x.csv", HEADER)}),
        422,
        ("no file field",),
    ),
    Case(
        "csv-unknown-policy-parameter",
        lambda c: c.post(
            "/v1/batch?policy=..%2Fsecret", content=HEADER, headers={"content-type": "text/csv"}
        ),
        422,
        ("unknown policy",),
    ),
    # -- decisions, reads and paths -------------------------------------------------------
    Case(
        "decision-unknown-value",
        lambda c: c.post("/v1/assessments/a_0000/decision", json={"decision": "maybe"}),
        422,
        ("decision", "approve"),
    ),
    Case(
        "decision-notes-too-long",
        lambda c: c.post(
            "/v1/assessments/a_0000/decision", json={"decision": "defer", "notes": "x" * 10_001}
        ),
        422,
        ("notes", "10000"),
    ),
    Case(
        "decision-on-unknown-assessment",
        lambda c: c.post("/v1/assessments/a_doesnotexist/decision", json={"decision": "defer"}),
        404,
        ("no stored assessment",),
    ),
    Case("id-sql-injection", get("/v1/assessments/1%27%20OR%201=1"), 422, ("assessment_id",)),
    Case("id-path-traversal", get("/v1/assessments/..%2F..%2Fetc%2Fpasswd"), (404, 422), ()),
    Case("id-too-long", get("/v1/assessments/" + "a" * 65), 422, ("assessment_id",)),
    Case("report-unknown-format", get("/v1/assessments/a_0000/report.exe"), 422, ("fmt", "html")),
    Case("list-since-malformed", get("/v1/assessments?since=notadate"), 422, ("since",)),
    Case("list-limit-too-large", get("/v1/assessments?limit=100000"), 422, ("limit", "500")),
    Case("list-offset-negative", get("/v1/assessments?offset=-5"), 422, ("offset",)),
    Case(
        "list-country-wrong-shape",
        get("/v1/assessments?local_country=Sweden"),
        422,
        ("local_country",),
    ),
    Case("places-empty-query", get("/v1/places?q="), 422, ("query.q",)),
    Case("places-huge-query", get("/v1/places?q=" + "a" * 5000), 422, ("query.q", "200")),
    Case("dyads-unknown-status", get("/v1/dyads?status=%00"), 422, ("status",)),
    Case(
        "method-not-allowed-delete",
        lambda c: c.delete("/v1/assessments/a_0000"),
        405,
        ("DELETE is not allowed",),
    ),
]


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A client on a fresh store holding a few assessments and decisions, stored before
    the catalogue runs and compared after it."""
    tmp = tmp_path_factory.mktemp("bad-input")
    db = tmp / "bad.sqlite3"
    settings = Settings(
        allowed_hosts=("testserver",),
        warm_up=False,
        database_url=f"sqlite:///{db}",
        max_csv_rows=MAX_CSV_ROWS,
        max_upload_bytes=MAX_UPLOAD,
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        ids = []
        for exit_clause in (True, False):
            r = client.post(
                "/v1/assessments",
                json={"local": LULEA, "partner": XIAN, "terms": {"exit_clause": exit_clause}},
            )
            assert r.status_code == 201, r.text
            ids.append(r.json()["id"])
        r = client.post(
            "/v1/assessments/batch",
            json={
                "queries": {
                    "kiel": {
                        "local": {"name": "Kiel", "country": "DE"},
                        "partner": {"name": "Qingdao", "country": "CN"},
                    }
                }
            },
        )
        assert r.status_code == 200 and r.json()["stored"] == 1, r.text
        ids.append(r.json()["responses"]["kiel"]["assessment"]["id"])
        for decision in ("defer", "approve_with_conditions"):
            r = client.post(
                f"/v1/assessments/{ids[0]}/decision",
                json={"decision": decision, "notes": "before the catalogue"},
            )
            assert r.status_code == 201, r.text
        before = {i: client.get(f"/v1/assessments/{i}").json() for i in ids}
        yield {"client": client, "before": before, "db": db}


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_bad_input(case: Case, catalogue: dict[str, Any]) -> None:
    client: TestClient = catalogue["client"]
    r = case.send(client)
    assert r.status_code < 500, (r.status_code, r.text[:2000])
    expected = case.status if isinstance(case.status, tuple) else (case.status,)
    assert r.status_code in expected, (r.status_code, r.text[:2000])
    if case.expect == "problem":
        assert r.headers["content-type"].startswith(PROBLEM), r.headers
        doc = r.json()
        assert doc["status"] == r.status_code and doc["title"] and doc["detail"], doc
        for word in case.words:
            assert word.lower() in doc["detail"].lower(), (word, doc["detail"])
    elif case.expect == "csv-row":
        rows = csv_rows(r)
        which = [int(i) for i in case.bad] if case.bad else range(len(rows))
        assert rows, r.text[:500]
        for i in which:
            error = rows[i]["error"]
            assert error and not rows[i]["score"], rows[i]
            for word in case.words:
                assert word.lower() in error.lower(), (word, error)
        assert int(r.headers["x-twinrisk-failed"]) >= len(list(which))
    elif case.expect == "batch-item":
        doc = r.json()
        assert doc["failed"] == len(case.bad) and doc["stored"] == 0, doc
        for key in case.bad:
            item = doc["responses"][key]
            assert 400 <= item["status"] < 500 and item["assessment"] is None, item
            assert item["error"]["detail"], item
        for key in set(doc["responses"]) - set(case.bad):
            assert doc["responses"][key]["status"] == 200
    if case.check is not None:
        case.check(r)


def test_catalogue_is_large_enough() -> None:
    assert len({c.id for c in CASES}) == len(CASES)
    assert len(CASES) >= 30


def test_nothing_stored_was_lost(catalogue: dict[str, Any]) -> None:
    """Runs after the catalogue: every assessment and decision stored before it is
    intact, and the catalogue stored nothing (all dry runs or refusals)."""
    client: TestClient = catalogue["client"]
    before: dict[str, Any] = catalogue["before"]
    for aid, doc in before.items():
        now = client.get(f"/v1/assessments/{aid}")
        assert now.status_code == 200, now.text
        assert now.json() == doc
    listing = client.get("/v1/assessments?limit=500").json()
    assert {i["id"] for i in listing["items"]} == set(before)
    with sqlite3.connect(Path(catalogue["db"])) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM assessments").fetchone()[0] == len(before)
        decisions = conn.execute("SELECT count(*) FROM decisions").fetchone()[0]
    assert decisions == sum(len(d["decisions"]) for d in before.values()) == 2
    assert json.dumps(before)  # still plain JSON
