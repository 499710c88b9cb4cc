"""Per-key rate limits and daily quotas (issue 15): one key can no longer write
~100 MB in 20 s; each limit answers 429 with ``Retry-After``, per key."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")

from test_service import LULEA_XIAN, make_client  # (a throw-away SQLite store per test)
from twinrisk.core.errors import ConfigError
from twinrisk.service.auth import KeyRing
from twinrisk.service.ratelimit import RateConfig
from twinrisk.service.settings import Settings

PROBLEM = "application/problem+json"
MINE = "mine-key-0123456789abcdef-0123456789"
OTHER = "other-key-0123456789abcdef-0123456789"


def refused(r: Any, *words: str) -> int:
    """The 429 problem's Retry-After, after checking the answer names the limit."""
    assert r.status_code == 429, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    for word in words:
        assert word in r.json()["detail"], r.json()
    return int(r.headers["retry-after"])


def test_rate_limit_per_key_429_with_retry_after(tmp_path: Path) -> None:
    keys = KeyRing.parse(f"mine:{MINE},other:{OTHER}")
    with make_client(tmp_path, keys=keys, rate=RateConfig(rate="3/minute")) as c:
        for _ in range(3):
            assert c.get("/v1/model", headers={"x-api-key": MINE}).status_code == 200
        wait = refused(c.get("/v1/model", headers={"x-api-key": MINE}), "3/minute")
        assert 1 <= wait <= 60
        # the other key has its own budget
        assert c.get("/v1/model", headers={"x-api-key": OTHER}).status_code == 200


def test_daily_request_quota(tmp_path: Path) -> None:
    keys = KeyRing.parse(f"mine:{MINE}")
    with make_client(tmp_path, keys=keys, rate=RateConfig(daily_requests="2/day")) as c:
        for _ in range(2):
            assert c.get("/v1/model", headers={"x-api-key": MINE}).status_code == 200
        wait = refused(c.get("/v1/model", headers={"x-api-key": MINE}), "2/day")
        assert 1 <= wait <= 86_400


def test_daily_byte_quota_open_server(tmp_path: Path) -> None:
    """Without keys the single open caller is limited as a key would be."""
    with make_client(tmp_path, rate=RateConfig(daily_bytes=300)) as c:
        assert c.post("/v1/assessments?dry_run=true", json=LULEA_XIAN).status_code in (200, 201)
        statuses = [
            c.post("/v1/assessments?dry_run=true", json=LULEA_XIAN).status_code for _ in range(5)
        ]
        assert 429 in statuses
        r = c.post("/v1/assessments?dry_run=true", json=LULEA_XIAN)
        assert refused(r, "bytes") >= 1


def test_no_limit_when_off(tmp_path: Path) -> None:
    with make_client(tmp_path, rate=None) as c:
        for _ in range(20):
            assert c.get("/v1/model").status_code == 200


def test_rate_settings_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWINRISK_RATE_LIMIT", "5/second")
    rate = Settings.from_env().rate
    assert rate is not None and rate.rate == "5/second"
    monkeypatch.setenv("TWINRISK_RATE_LIMIT", "off")
    assert Settings.from_env().rate is None
    monkeypatch.setenv("TWINRISK_RATE_LIMIT", "lots")
    with pytest.raises(ConfigError, match="TWINRISK_RATE_LIMIT"):
        Settings.from_env()
    monkeypatch.setenv("TWINRISK_RATE_LIMIT", "10/minute")
    monkeypatch.setenv("TWINRISK_RATE_LIMIT_STORAGE", "nonsense://x")
    with pytest.raises(ConfigError, match="TWINRISK_RATE_LIMIT_STORAGE"):
        Settings.from_env()


def test_chunked_bodies_count_towards_the_byte_quota(tmp_path: Path) -> None:
    """A body sent without Content-Length is counted as it streams."""
    import json

    body = json.dumps(LULEA_XIAN).encode()

    def chunks() -> Any:
        yield body[:20]
        yield body[20:]

    with make_client(tmp_path, rate=RateConfig(daily_bytes=3 * len(body))) as c:
        statuses = []
        for _ in range(5):
            r = c.post(
                "/v1/assessments?dry_run=true",
                content=chunks(),
                headers={"content-type": "application/json"},
            )
            assert "content-length" not in r.request.headers
            statuses.append(r.status_code)
        assert statuses[0] in (200, 201)
        assert 429 in statuses, statuses
