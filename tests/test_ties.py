"""A tie's own dated history in every assessment: its status as of the date from the
events known by then, its events with sources, null for an unknown pair, shown in
every surface and never scored."""

from __future__ import annotations

import datetime as dt
import json
import warnings
from pathlib import Path
from typing import Any

import pytest

import twinrisk
from test_reports import EVIL, make_assessment
from twinrisk.cli import main
from twinrisk.core.models import Tie
from twinrisk.data.loaders import load_tables
from twinrisk.features.ties import TieEventRecord, TieRecord, known_from
from twinrisk.reports import render

ENDED = {"suspended", "terminated", "lapsed", "blocked"}


def _needs_table() -> None:
    if "tie_events.csv" not in load_tables().extra:
        pytest.skip("tie_events.csv is not registered in data/registry.py on this branch")


def _event(date: str, event: str, confirmed: bool = True) -> TieEventRecord:
    return TieEventRecord(
        date=date,
        known=known_from(date),
        event=event,  # type: ignore[arg-type]
        actor=None,
        reason_code=None,
        confirmed=confirmed,
        note=None,
        sources="",
    )


def _tie(*events: TieEventRecord) -> TieRecord:
    return TieRecord("a-b", "sister_city", "A", "AA", "B", "BB", None, events)


def test_a_date_is_known_from_the_end_of_its_period() -> None:
    assert known_from("2019") == dt.date(2019, 12, 31)
    assert known_from("2024-02") == dt.date(2024, 2, 29)
    assert known_from("2019-07-29") == dt.date(2019, 7, 29)
    tie = _tie(_event("2000", "signed"), _event("2019", "terminated"))
    assert tie.status_as_of(dt.date(2019, 12, 30)) == "listed"  # not known yet that year
    assert tie.status_as_of(dt.date(2019, 12, 31)) == "terminated"


def test_status_rules() -> None:
    tie = _tie(
        _event("2001-05", "signed"),
        _event("2003-05", "suspended"),
        _event("2006", "resumed"),
        _event("2020", "suspended", confirmed=False),
    )
    assert tie.status_as_of(dt.date(2001, 4, 30)) == "not yet signed"
    assert tie.status_as_of(dt.date(2002, 1, 1)) == "active"
    assert tie.status_as_of(dt.date(2004, 1, 1)) == "suspended"
    assert tie.status_as_of(dt.date(2007, 1, 1)) == "active"  # a resumption is activity
    assert tie.status_as_of(dt.date(2012, 1, 1)) == "listed"  # no activity for five years
    assert tie.status_as_of(dt.date(2025, 1, 1)) == "listed"  # an unconfirmed ending
    assert tie.last_activity(dt.date(2025, 1, 1)) == "2006"
    assert _tie(_event("2016", "listed")).status_as_of(dt.date(2010, 1, 1)) == "not recorded"
    assert _tie().status_as_of(dt.date(2026, 1, 1)) == "not recorded"


def _assess(local: str, lc: str, partner: str, pc: str, as_of: str | None = None) -> Any:
    return twinrisk.assess(local, partner, local_country=lc, partner_country=pc, as_of=as_of)


def test_okayama_luoyang_was_suspended_and_is_active_today() -> None:
    _needs_table()
    then = _assess("Okayama", "JP", "Luoyang", "CN", "2004-06-01")
    assert then.tie is not None and then.tie.dyad_id == "okayama-luoyang"
    assert then.tie.status == "suspended"
    assert then.tie.status_today == "active"
    later = [e for e in then.tie.events if e.after_as_of]
    assert later and later[0].event == "resumed"  # shown, flagged as not yet known
    assert _assess("Okayama", "JP", "Luoyang", "CN").tie.status == "active"


def test_tenri_seosan_suspended_in_2020_and_active_today() -> None:
    _needs_table()
    assert _assess("Tenri", "JP", "Seosan", "KR", "2020-06-01").tie.status == "suspended"
    assert _assess("Tenri", "JP", "Seosan", "KR").tie.status == "active"


def test_lulea_xian_terminated_in_either_order() -> None:
    _needs_table()
    for tie in (
        _assess("Luleå", "SE", "Xi'an", "CN").tie,
        _assess("Xi'an", "CN", "Luleå", "SE").tie,
    ):
        assert tie is not None and tie.dyad_id == "lulea-xi_an"
        assert tie.status == "terminated"
        assert tie.events and all(
            e.sources and all(s.url.startswith("http") and s.title for s in e.sources)
            for e in tie.events
        )


def test_an_unconfirmed_ending_does_not_end_the_tie() -> None:
    _needs_table()
    tie = _assess("Delhi", "IN", "Beijing", "CN").tie
    assert tie is not None
    assert any(e.event == "suspended" and not e.confirmed for e in tie.events)
    assert tie.status not in ENDED


def test_json_carries_the_tie_and_null_for_an_unknown_pair(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _needs_table()
    args = ["assess", "Luleå", "Xi'an", "--local-country", "SE", "--partner-country", "CN"]
    assert main([*args, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    Tie.model_validate(doc["tie"])
    assert doc["tie"]["status"] == "terminated"
    assert main([*args, "--format", "text"]) == 0
    text = capsys.readouterr().out
    assert "Tie on record: Luleå (SE) – Xi'an (CN)" in text and "terminated by local" in text
    unknown = ["assess", "Stockholm", "Lyon", "--local-country", "SE", "--partner-country", "FR"]
    assert main([*unknown, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["tie"] is None


def test_the_tie_never_changes_the_score(data_copy: Path, use_data: Any) -> None:
    _needs_table()
    pairs = [("Luleå", "SE", "Xi'an", "CN"), ("Okayama", "JP", "Luoyang", "CN")]
    with_history = [_assess(*p, "2024-01-01") for p in pairs]
    (data_copy / "tie_events.csv").unlink()
    use_data(data_copy)
    without = [_assess(*p, "2024-01-01") for p in pairs]
    for a, b in zip(with_history, without, strict=True):
        assert a.tie is not None and b.tie is not None and not b.tie.events
        assert a.model_dump(exclude={"tie", "model"}) == b.model_dump(exclude={"tie", "model"})


def _tie_doc(note: str = EVIL) -> dict[str, Any]:
    return {
        "dyad_id": "hambantota-guangzhou",
        "kind": "sister_city",
        "local": "Hambantota",
        "local_country": "LK",
        "partner": "Guangzhou",
        "partner_country": "CN",
        "established": 2010,
        "status": "suspended",
        "status_today": "active",
        "last_activity": "2010",
        "events": [
            {
                "date": "2010",
                "event": "signed",
                "confirmed": True,
                "note": note,
                "sources": [
                    {
                        "id": "s1",
                        "title": "Signing reported",
                        "publisher": "Daily News",
                        "year": 2010,
                        "url": "https://example.org/signing",
                    }
                ],
            },
            {"date": "2020-03", "event": "suspended", "confirmed": False, "actor": "partner"},
        ],
    }


def test_reports_show_the_history_at_the_top_escaped() -> None:
    a = make_assessment(tie=_tie_doc())
    html = render(a, "html").decode()
    md = render(a, "md").decode()
    for doc, reasons in ((html, "<h2>Main reasons</h2>"), (md, "## Main reasons")):
        assert doc.index("This tie's own history") < doc.index(reasons)
        assert "<script>" not in doc and "&lt;script&gt;" in doc
        assert "2020-03" in doc and "unconfirmed" in doc
    assert '<a href="https://example.org/signing">' in html
    assert "(https://example.org/signing)" in md
    assert "<strong>suspended</strong> as of 2026-11-23 (today: active)" in html
    assert "No existing or ended tie" in render(make_assessment(), "md").decode()


def test_web_page_shows_the_history(tmp_path: Path) -> None:
    _needs_table()
    from test_web import HTML, csrf, form_page, make_client

    with warnings.catch_warnings(), make_client(tmp_path) as client:
        warnings.simplefilter("ignore")
        form = {
            "csrf": csrf(form_page(client)),
            "local": "Luleå",
            "local_country": "SE",
            "partner": "Xi'an",
            "partner_country": "CN",
        }
        r = client.post("/assess", data=form, follow_redirects=False)
        assert r.status_code == 303, r.text
        page = client.get(r.headers["location"], headers=HTML).text
    assert page.index("This tie's own history") < page.index("Main reasons")
    assert '<strong id="tie-status">terminated</strong>' in page
    assert 'class="source" href="http' in page.split('id="tie"', 1)[1].split("</section>")[0]
