"""The officers' web page in process (no browser): the core flow without JavaScript,
CSRF, sign-in with API keys, accessibility basics, no external assets."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from twinrisk.app import create_app
from twinrisk.service.auth import KeyRing
from twinrisk.service.settings import Settings

OFFICER_KEY = "officer-key-123-0123456789abcdefghijkl"

HTML = {"accept": "text/html"}


def make_client(tmp_path: Path, **kw: Any) -> TestClient:
    return TestClient(
        create_app(
            Settings(
                allowed_hosts=("testserver",),
                warm_up=False,
                database_url=f"sqlite:///{tmp_path / 'web.sqlite3'}",
                **kw,
            )
        )
    )


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with make_client(tmp_path) as c:
        yield c


def csrf(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF token in the form"
    return m.group(1)


def form_page(client: TestClient) -> str:
    r = client.get("/", headers=HTML)
    assert r.status_code == 200
    return r.text


def test_form_is_accessible_and_self_contained(client: TestClient) -> None:
    html = form_page(client)
    # every visible input, select and textarea has a label
    ids = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html)
    assert ids
    for ident in ids:
        assert f'for="{ident}"' in html, f"no label for #{ident}"
    assert '<html lang="en">' in html
    # no external assets: scripts and styles come from this server
    for src in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not re.match(r"^(https?:)?//", src), src
    assert client.get("/static/twinrisk.css").status_code == 200
    css = client.get("/static/twinrisk.css").text
    assert "@media print" in css
    js = client.get("/static/twinrisk.js").text
    assert "/v1/places" in js


def test_core_flow_without_javascript(client: TestClient) -> None:
    token = csrf(form_page(client))
    r = client.post(
        "/assess",
        data={
            "csrf": token,
            "local": "Luleå",
            "local_country": "SE",
            "partner": "Xi'an",
            "partner_country": "CN",
            "term_counterparty_united_front": "yes",
            "term_exit_clause": "no",
            "domains": ["technology", "schools"],
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    page_url = r.headers["location"]
    assert page_url.startswith("/assessments/a_")
    page = client.get(page_url, headers=HTML).text
    aid = page_url.rsplit("/", 1)[1]
    stored = client.get(f"/v1/assessments/{aid}").json()
    assert f">{stored['score']}<small>/100" in page
    assert 'class="source" href="http' in page  # reasons carry source links
    assert "<svg" in page and "Points by factor" in page
    assert "Due-diligence checklist" in page or not stored["checklist"]
    assert f"/v1/assessments/{aid}/report.pdf" in page
    assert stored["terms"]["counterparty_united_front"] is True
    assert client.app.state.twinrisk.store.get(aid).channel == "web"  # type: ignore[attr-defined]

    token = csrf(page)
    r = client.post(
        f"/assessments/{aid}/decision",
        data={
            "csrf": token,
            "decision": "defer",
            "notes": "ask <b>MSB</b>",
            "decided_by": "Officer A",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    r = client.post(
        f"/assessments/{aid}/decision",
        data={"csrf": token, "decision": "approve_with_conditions", "notes": "ok"},
        follow_redirects=True,
    )
    assert r.status_code == 200
    assert "ask &lt;b&gt;MSB&lt;/b&gt;" in r.text  # notes are escaped
    assert r.text.index("Defer") < r.text.index("Approve with conditions")
    history = client.get("/history", headers=HTML).text
    assert aid in history and "Approve with conditions" in history
    filtered = client.get("/history?decision=reject", headers=HTML).text
    assert aid not in filtered
    assert aid in client.get("/history?q=lule&band=" + stored["band"], headers=HTML).text


def test_form_errors_are_shown_on_the_form(client: TestClient) -> None:
    token = csrf(form_page(client))
    r = client.post("/assess", data={"csrf": token, "local": "Springfield", "partner": "Xi'an"})
    assert r.status_code == 422
    assert "Several places have that name" in r.text and "Springfield" in r.text
    assert 'value="Springfield"' in r.text  # the form keeps what was typed
    assert "/?local=Springfield&amp;local_country=US" in r.text
    r = client.post(
        "/assess", data={"csrf": token, "local": "Luleå", "partner": "Xi'an", "as_of": "2999-01-01"}
    )
    assert r.status_code == 422 and "out of range" in r.text
    r = client.post("/assess", data={"csrf": token, "local": "", "partner": "Xi'an"})
    assert r.status_code == 422 and "local.name" in r.text
    assert client.get("/v1/assessments").json()["total"] == 0


def test_prefill_from_query(client: TestClient) -> None:
    html = client.get(
        "/?local=Springfield&local_country=US&partner=%3Cscript%3E", headers=HTML
    ).text
    assert 'value="Springfield"' in html and 'value="US"' in html
    assert "<script>" not in html.split("</head>")[1]


def test_csrf_is_required(client: TestClient) -> None:
    form_page(client)
    r = client.post("/assess", data={"local": "Luleå", "partner": "Xi'an"}, headers=HTML)
    assert r.status_code == 403 and "reload the page" in r.text
    r = client.post(
        "/assess", data={"csrf": "forged", "local": "Luleå", "partner": "Xi'an"}, headers=HTML
    )
    assert r.status_code == 403
    assert client.get("/v1/assessments").json()["total"] == 0


def test_unknown_assessment_page(client: TestClient) -> None:
    r = client.get("/assessments/a_missing", headers=HTML)
    assert r.status_code == 404 and "a_missing" in r.text and "<html" in r.text
    r = client.get("/no/such/page", headers=HTML)
    assert r.status_code == 404 and "<html" in r.text


def test_sign_in_with_api_key(tmp_path: Path) -> None:
    with make_client(tmp_path, keys=KeyRing.parse("officer:" + OFFICER_KEY)) as c:
        r = c.get("/history", headers=HTML, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Fhistory"
        login = c.get("/login?next=/history", headers=HTML).text
        assert 'type="password"' in login and 'for="key"' in login
        token = csrf(login)
        bad = c.post("/login", data={"csrf": token, "key": "wrong-key-000", "next": "/history"})
        assert bad.status_code == 401 and "not valid" in bad.text
        r = c.post(
            "/login",
            data={
                "csrf": token,
                "key": OFFICER_KEY,
                "next": "//evil.example/",
            },
            follow_redirects=False,
        )
        assert r.status_code == 303 and r.headers["location"] == "/"  # no open redirect
        cookie = r.headers["set-cookie"]
        assert "twinrisk_session=" in cookie and "HttpOnly" in cookie
        assert "samesite=strict" in cookie.lower()
        # the cookie opens the pages and the API calls the page makes
        assert c.get("/history", headers=HTML).status_code == 200
        assert c.get("/v1/places?q=Kiel").status_code == 200
        page = c.get("/", headers=HTML).text
        r = c.post(
            "/assess",
            data={"csrf": csrf(page), "local": "Kiel", "local_country": "DE", "partner": "Qingdao"},
            follow_redirects=False,
        )
        assert r.status_code == 303
        aid = r.headers["location"].rsplit("/", 1)[1]
        assert c.app.state.twinrisk.store.get(aid).api_key_id == "officer"  # type: ignore[attr-defined]
        out = c.post("/logout", data={"csrf": csrf(page)}, follow_redirects=False)
        assert out.status_code == 303
        assert c.get("/history", headers=HTML, follow_redirects=False).status_code == 303


@pytest.mark.parametrize(("trusted", "secure"), [(("testclient",), True), ((), False)])
def test_the_cookie_is_secure_behind_a_trusted_https_proxy_only(
    tmp_path: Path, trusted: tuple[str, ...], secure: bool
) -> None:
    keys = KeyRing.parse("officer:" + OFFICER_KEY)
    with make_client(tmp_path, keys=keys, forwarded_allow_ips=trusted) as c:
        proxied = {**HTML, "x-forwarded-proto": "https"}
        page = c.get("/login", headers=proxied)
        token = csrf(page.text)
        # a browser on HTTPS sends a Secure cookie back; the test client on http would not
        raw = page.headers["set-cookie"].split(";")[0]
        c.cookies.clear()
        r = c.post(
            "/login",
            data={"csrf": token, "key": OFFICER_KEY, "next": "/"},
            headers={"x-forwarded-proto": "https", "cookie": raw},
            follow_redirects=False,
        )
        assert r.status_code == 303
        cookies = [v for k, v in r.headers.multi_items() if k == "set-cookie"]
        session = next(v for v in cookies if v.startswith("twinrisk_session="))
        assert ("secure" in session.lower().split("; ")) is secure
