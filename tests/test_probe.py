"""The 2026-11 probe (issue 15, part A: store, contract, messages), as a repeatable
catalogue: each bad input it found, the status it must get now, and words its
answer must contain. Run on SQLite always and on PostgreSQL where
TWINRISK_TEST_POSTGRES_URL is set (CI), so both stores answer the same."""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from test_store import db_url  # noqa: F401  (fixture: sqlite and postgresql)
from twinrisk.app import create_app
from twinrisk.core.errors import ConfigError
from twinrisk.service.app import create_api
from twinrisk.service.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
LULEA = {"name": "Luleå", "country": "SE"}
XIAN = {"name": "Xi'an", "country": "CN"}


@dataclass(frozen=True)
class Probe:
    id: str
    send: Callable[[TestClient, str], Any]
    status: int
    words: tuple[str, ...] = ()


def get(path: str) -> Callable[[TestClient, str], Any]:
    return lambda c, _aid: c.get(path)


def decide(**body: Any) -> Callable[[TestClient, str], Any]:
    return lambda c, aid: c.post(f"/v1/assessments/{aid}/decision", json=body)


def post(path: str, body: Any) -> Callable[[TestClient, str], Any]:
    return lambda c, _aid: c.post(path, json=body)


def raw(path: str, data: bytes, headers: dict[str, str]) -> Callable[[TestClient, str], Any]:
    return lambda c, _aid: c.post(path, content=data, headers=headers)


PROBES = [
    # dates outside what the store can hold: 422 naming the field, never 500
    Probe("since-year-1-plus-1h", get("/v1/assessments?since=0001-01-01T00:00:00%2B01:00"), 422,
          ("since", "accepted")),
    Probe("until-year-1-plus-14h", get("/v1/assessments?until=0001-01-01T00:00:00%2B14:00"), 422,
          ("until", "accepted")),
    Probe("since-year-9999-minus-14h", get("/v1/assessments?since=9999-12-31T23:59:59-14:00"),
          422, ("since", "accepted")),
    Probe("until-unix-time", get("/v1/assessments?until=0.5"), 422, ("until", "ISO 8601")),
    Probe("since-a-plain-date-still-works", get("/v1/assessments?since=2000-01-01"), 200),
    Probe("query-parameter-repeated", get("/v1/dyads?q=a&q=b"), 422, ("q", "2 times")),
    # NUL bytes: refused the same way on both stores
    Probe("decision-notes-nul", decide(decision="defer", notes="a\x00b"), 422, ("notes", "NUL")),
    Probe("decision-decided-by-nul", decide(decision="defer", decided_by="K\x00L"), 422,
          ("decided_by", "NUL")),
    Probe("list-q-nul", get("/v1/assessments?q=Lul%00"), 422, ("q", "NUL")),
    Probe("history-q-nul", get("/history?q=Lul%00"), 422, ("q", "NUL")),
    # contract
    Probe("dry-run-zero", post("/v1/assessments", {"local": LULEA, "partner": XIAN,
                                                   "dry_run": 0}), 422, ("dry_run", "boolean")),
    Probe("as-of-unix-time", post("/v1/assessments", {"local": LULEA, "partner": XIAN,
                                                      "as_of": 0, "dry_run": True}), 422,
          ("as_of", "YYYY-MM-DD")),
    Probe("term-boolean-as-text", post("/v1/assessments", {
        "local": LULEA, "partner": XIAN, "dry_run": True, "terms": {"exit_clause": "yes"}}),
          422, ("exit_clause", "boolean")),
    Probe("batch-key-empty", post("/v1/assessments/batch", {"queries": {"": {
        "local": LULEA, "partner": XIAN}}, "dry_run": True}), 422, ("keys", "1 to 100")),
    # messages
    Probe("integer-5000-digits", raw("/v1/assessments", b'{"local": ' + b"7" * 5000 + b"}",
                                     {"content-type": "application/json"}), 422,
          ("too many digits",)),
    Probe("json-without-content-type", raw("/v1/assessments", json.dumps(
        {"local": LULEA, "partner": XIAN, "dry_run": True}).encode(), {}), 415,
          ("Content-Type: application/json",)),
    Probe("sensitive-domains-none", post("/v1/assessments", {
        "local": LULEA, "partner": XIAN, "dry_run": True,
        "terms": {"sensitive_domains": ["none"]}}), 200),
    Probe("places-unknown-country", get("/v1/places?q=Lulea&country=ZZ"), 422,
          ("country", "ZZ")),
    Probe("upload-form-extra-field", lambda c, _aid: c.post(
        "/v1/batch", files={"file": ("d.csv", b"local,partner\nLulea,Xian\n", "text/csv")},
        data={"note": "x"}), 422, ("only the field 'file'", "note")),
    Probe("upload-over-limit", raw("/v1/batch", b"x" * (11 * 1024 * 1024),
                                   {"content-type": "text/csv"}), 413, ("10 MiB",)),
]  # fmt: skip


@pytest.fixture
def probe_client(db_url: str) -> Iterator[tuple[TestClient, str]]:  # noqa: F811
    settings = Settings(allowed_hosts=("testserver",), warm_up=False, database_url=db_url)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        r = client.post("/v1/assessments", json={"local": LULEA, "partner": XIAN})
        assert r.status_code == 201, r.text
        yield client, r.json()["id"]


def test_probe(probe_client: tuple[TestClient, str]) -> None:
    """Every probe, on one store; the stored record is unchanged afterwards."""
    client, aid = probe_client
    before = client.get(f"/v1/assessments/{aid}").json()
    wrong = []
    for p in PROBES:
        r = p.send(client, aid)
        text = r.text if r.status_code >= 400 else ""
        if r.status_code != p.status or not all(w.lower() in text.lower() for w in p.words):
            wrong.append((p.id, r.status_code, r.text[:300]))
    assert wrong == [], wrong
    assert client.get(f"/v1/assessments/{aid}").json() == before


def test_probe_ids_are_unique() -> None:
    assert len({p.id for p in PROBES}) == len(PROBES) >= 15


def test_inline_policy_cannot_take_a_server_policy_name(
    probe_client: tuple[TestClient, str],
) -> None:
    """Score spoofing: an inline policy named and versioned like the server's
    default, with the points moved, is recorded under its content hash."""
    client, _ = probe_client
    server = json.loads((ROOT / "models" / "policy-default.json").read_text())
    doc = json.loads(json.dumps(server))
    maxima = [f["max_points"] for f in doc["factors"]]
    doc["factors"][0]["max_points"], doc["factors"][-1]["max_points"] = maxima[-1], maxima[0]
    canonical = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    label = "inline:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    r = client.post("/v1/assessments", json={"local": LULEA, "partner": XIAN, "policy": doc})
    assert r.status_code == 201, r.text
    assert r.json()["model"]["policy"] == label
    assert f"{server['name']}@{server['version']}" not in r.text
    aid = r.json()["id"]
    listed = client.get("/v1/assessments?limit=500").json()["items"]
    assert [i["policy"] for i in listed if i["id"] == aid] == [label]
    assert client.get(f"/v1/assessments/{aid}").json()["model"]["policy"] == label
    md = client.get(f"/v1/assessments/{aid}/report.md")
    assert md.status_code == 200 and label in md.text
    page = client.get(f"/assessments/{aid}")
    assert page.status_code == 200 and label in page.text


def test_options_names_every_method_of_the_path(probe_client: tuple[TestClient, str]) -> None:
    client, aid = probe_client
    r = client.options("/v1/assessments")
    assert r.status_code == 405
    assert set(r.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}
    r = client.options(f"/v1/assessments/{aid}/decision")
    assert r.status_code == 405 and r.headers["allow"] == "POST"


def test_a_500_closes_the_connection(tmp_path: Path) -> None:
    """After an unexpected error the server drops the connection; the answer says
    so, so that a client keeping connections alive does not reuse it."""
    app = create_api(
        Settings(
            allowed_hosts=("testserver",),
            warm_up=False,
            database_url=f"sqlite:///{tmp_path / 'x.db'}",
        )
    )

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("a bug")

    @app.get("/config")
    async def config() -> None:  # a server-side error of the family: details stay in the log
        raise ConfigError("TWINRISK_SECRET_FILE /etc/secret is unreadable")

    with TestClient(app, raise_server_exceptions=False) as client:
        for path in ("/boom", "/config"):
            r = client.get(path)
            assert r.status_code == 500
            assert r.headers["connection"] == "close"
            assert r.headers["content-type"].startswith("application/problem+json")
            assert "a bug" not in r.text and "secret" not in r.text
