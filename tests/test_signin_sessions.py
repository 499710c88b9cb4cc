"""Web sign-in: the cookie holds a random, server-side, revocable session id, never
the API key (issue 15). Each test failed while the cookie held the key."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from twinrisk.app import create_app
from twinrisk.service.auth import KeyRing
from twinrisk.service.settings import Settings

KEY = "officer-key-0123456789abcdef-0123456789"
HTML = {"accept": "text/html"}


def _client(tmp_path: Path, **kw: Any) -> TestClient:
    settings = Settings(
        allowed_hosts=("testserver",),
        warm_up=False,
        database_url=f"sqlite:///{tmp_path / 'signin.sqlite3'}",
        keys=KeyRing.parse("officer:" + KEY),
        **kw,
    )
    return TestClient(create_app(settings))


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found
    return found[1]


def _sign_in(c: TestClient) -> Any:
    token = _csrf(c.get("/login", headers=HTML).text)
    return c.post(
        "/login",
        data={"csrf": token, "key": KEY, "next": "/history"},
        follow_redirects=False,
    )


def test_the_cookie_holds_a_session_id_and_the_store_only_its_hash(tmp_path: Path) -> None:
    with _client(tmp_path) as c:
        r = _sign_in(c)
        assert r.status_code == 303
        cookie = next(
            v for k, v in r.headers.multi_items() if k == "set-cookie" and "twinrisk_session=" in v
        )
        assert KEY not in cookie
        assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
        session_id = c.cookies["twinrisk_session"]
        with c.app.state.twinrisk.store.engine.connect() as conn:  # type: ignore[attr-defined]
            rows = conn.execute(text("SELECT id_hash, key_id FROM signin_sessions")).all()
        assert len(rows) == 1 and rows[0][1] == "officer" and session_id not in rows[0][0]


def test_signing_out_revokes_the_cookie_everywhere(tmp_path: Path) -> None:
    with _client(tmp_path) as c:
        _sign_in(c)
        stolen = c.cookies["twinrisk_session"]
        assert c.get("/v1/model").status_code == 200
        token = _csrf(c.get("/history", headers=HTML).text)
        assert c.post("/logout", data={"csrf": token}, follow_redirects=False).status_code == 303
        c.cookies.clear()
        c.cookies.set("twinrisk_session", stolen)
        assert c.get("/v1/model").status_code == 401
        page = c.get("/history", headers=HTML, follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/login")


def test_a_session_ends_with_the_key_it_was_opened_with(tmp_path: Path) -> None:
    with _client(tmp_path) as c:
        _sign_in(c)
        assert c.get("/v1/model").status_code == 200
        c.app.state.twinrisk.settings.keys = KeyRing.parse(  # type: ignore[attr-defined]
            "other:another-key-0123456789abcdef-0123456789"
        )
        assert c.get("/v1/model").status_code == 401
