"""One assessment as a report: Markdown, self-contained HTML, or PDF from that HTML.

One Jinja2 template family (``templates/``) and one context builder serve all three
formats. Every user-supplied string is escaped: HTML with Jinja's autoescape (and a
Content-Security-Policy that forbids scripts and network fetches), Markdown with a
finaliser that escapes Markdown and HTML syntax. Links are only emitted for http(s)
URLs. The PDF is WeasyPrint rendering the same HTML with a URL fetcher that fetches
nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from twinrisk.core.errors import InputError
from twinrisk.core.models import Assessment, likelihood_in_words
from twinrisk.explain.places import place_sentences

FORMATS = ("md", "html", "pdf")
MEDIA_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
}

GROUP_LABELS = {
    "debt_exposure": "Debt exposure",
    "bri_participation": "Belt and Road participation",
    "strategic_location": "Strategic location",
    "termination_precedents": "Termination precedents",
    "bilateral_climate": "Bilateral climate",
    "proposal_terms": "Proposal terms",
}
GROUP_COLOURS = {
    "debt_exposure": "#b2182b",
    "bri_participation": "#d6604d",
    "strategic_location": "#4d7ea8",
    "termination_precedents": "#6a51a3",
    "bilateral_climate": "#c27c0e",
    "proposal_terms": "#2d8a57",
}
BAND_COLOURS = {"low": "#2d8a57", "moderate": "#c9a227", "high": "#d9731a", "severe": "#b2182b"}
DEFAULT_NOT_COVERED = (
    "The score measures exposure to the risks named above from public, cited facts. It "
    "does not judge the people involved, verify the partner's intentions, replace a "
    "security assessment by national authorities, or weigh the partnership's benefits."
)


TERM_LABELS = {
    "counterparty_united_front": "Counterparty linked to the United Front / CPAFFC",
    "political_clause": "Political clauses in the text",
    "conditional_aid": "Aid offered on condition of signing",
    "sensitive_domains": "Domains covered",
    "exit_clause": "Fixed term, review and exit clause",
    "text_published": "Full text published before signature",
    "national_consultation": "National authorities consulted",
    "prior_cooperation": "Grown from prior cooperation",
}


class ReportError(InputError):
    """A report that cannot be produced (unknown format, PDF renderer missing)."""

    slug = "invalid-report"
    title = "Report cannot be written"


class PdfUnavailableError(ReportError, ImportError):
    """WeasyPrint or its system libraries are missing (HTML and Markdown still work)."""


# --------------------------------------------------------------------------- escaping

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")


def md_escape(value: Any) -> Any:
    """Escape a value printed into Markdown: HTML metacharacters as entities, Markdown
    syntax with backslashes, line breaks as spaces (so a table row stays one row)."""
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"[\r\n\t]+", " ", text)
    return _MD_SPECIAL.sub(r"\\\1", text)


def safe_url(value: Any) -> str | None:
    """The URL if it is an absolute http(s) URL, else ``None`` (never a link)."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def md_url(value: Any) -> Markup:
    """A URL fit for a Markdown link destination (percent-encoded), or empty."""
    url = safe_url(value)
    if url is None:
        return Markup("")
    # percent-encoding leaves no character that could end the link or open markup
    return Markup(quote(url, safe=":/?#@!$&'*+,;=%~"))  # noqa: S704


# --------------------------------------------------------------------------- context


def _term_text(value: Any) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(v).replace("_", " ") for v in value) or "none"
    return str(value)


def _terms(assessment: Assessment) -> list[dict[str, Any]]:
    from twinrisk.core.terms import TERMS

    factors = {f.id: f for f in assessment.factors}
    rows = []
    for key, term in TERMS.items():
        factor = factors.get(term.factor)
        given = assessment.terms.get(key)
        imputed = bool(factor.imputed) if factor is not None else key not in assessment.terms
        rows.append(
            {
                "key": key,
                "label": TERM_LABELS.get(key, key.replace("_", " ")),
                "value": "not stated" if imputed and given is None else _term_text(given),
                "imputed": imputed,
                "question": term.question,
            }
        )
    for key, value in assessment.terms.items():
        if key not in TERMS:
            rows.append(
                {
                    "key": key,
                    "label": key.replace("_", " "),
                    "value": _term_text(value),
                    "imputed": False,
                    "question": "",
                }
            )
    return rows


def _chart(assessment: Assessment, *, width: int = 680) -> dict[str, Any]:
    """Geometry of the horizontal bar chart: one bar per factor, its points over a
    track as long as its maximum, factors grouped under their group's total."""
    label_w, value_w, row_h, head_h = 270, 58, 17, 21
    bar_w = width - label_w - value_w
    factors = [f for f in assessment.factors if f.max_points > 0]
    scale_max = max((f.max_points for f in factors), default=1) or 1
    unit = bar_w / scale_max
    rows: list[dict[str, Any]] = []
    y = 4
    groups: dict[str, list[Any]] = {}
    for f in factors:
        groups.setdefault(f.group, []).append(f)
    for group, items in groups.items():
        rows.append(
            {
                "kind": "group",
                "y": y + 14,
                "label": GROUP_LABELS.get(group, group),
                "value": f"{sum(f.points for f in items)} / {sum(f.max_points for f in items)}",
            }
        )
        y += head_h
        for f in items:
            rows.append(
                {
                    "kind": "factor",
                    "y": y,
                    "label": f.label,
                    "points": f.points,
                    "max": f.max_points,
                    "track": round(f.max_points * unit, 1),
                    "fill": round(min(f.points, f.max_points) * unit, 1),
                    "colour": GROUP_COLOURS.get(group, "#555"),
                    "imputed": f.imputed,
                    "value": f"{f.points} / {f.max_points}",
                }
            )
            y += row_h
        y += 4
    return {
        "width": width,
        "height": y + 2,
        "label_w": label_w,
        "bar_x": label_w + 4,
        "value_x": label_w + 8 + bar_w,
        "bar_h": row_h - 6,
        "rows": rows,
    }


def _groups(assessment: Assessment) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for f in assessment.factors:
        g = out.setdefault(
            f.group,
            {
                "id": f.group,
                "label": GROUP_LABELS.get(f.group, f.group),
                "points": 0,
                "max": 0,
                "factors": [],
            },
        )
        g["points"] += f.points
        g["max"] += f.max_points
        g["factors"].append(f)
    return list(out.values())


def _proposal_title(assessment: Assessment) -> str:
    a = assessment
    return f"{a.local.name} ({a.local.country}) – {a.partner.name} ({a.partner.country})"


def context(assessment: Assessment, *, generated: dt.date | None = None) -> dict[str, Any]:
    """Everything the templates need, computed once for every format."""
    return {
        "a": assessment,
        "title": _proposal_title(assessment),
        "band_colour": BAND_COLOURS.get(assessment.band, "#555"),
        "groups": _groups(assessment),
        "terms": _terms(assessment),
        "chart": _chart(assessment),
        "imputed_count": sum(1 for f in assessment.factors if f.imputed),
        "not_covered": assessment.not_covered or DEFAULT_NOT_COVERED,
        "generated": (generated or dt.date.today()).isoformat(),
        "group_labels": GROUP_LABELS,
        "place_sentences": place_sentences(assessment.local, assessment.partner),
    }


# --------------------------------------------------------------------------- environments


def _common(env: Environment) -> Environment:
    env.filters["safe_url"] = safe_url
    env.filters["md_url"] = md_url
    env.filters["group_label"] = lambda g: GROUP_LABELS.get(g, g)
    env.filters["bar"] = _text_bar
    env.filters["years"] = _years
    env.filters["pct"] = lambda v: f"{round(float(v) * 100):d} %"
    env.filters["likelihood_words"] = likelihood_in_words
    return env


@lru_cache(maxsize=1)
def html_env() -> Environment:
    env = Environment(
        loader=PackageLoader("twinrisk.reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return _common(env)


@lru_cache(maxsize=1)
def md_env() -> Environment:
    env = Environment(
        loader=PackageLoader("twinrisk.reports", "templates"),
        autoescape=False,  # noqa: S701 - Markdown, escaped by finalize
        finalize=md_escape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return _common(env)


def _text_bar(points: int, max_points: int, width: int = 14) -> str:
    if max_points <= 0:
        return ""
    filled = round(width * min(points, max_points) / max_points)
    return "█" * filled + "░" * (width - filled)


def _years(p: Any) -> str:
    start = str(p.established_year) if p.established_year else "?"
    return f"{start}–{p.ended_year}" if p.ended_year else f"{start}–"


# --------------------------------------------------------------------------- render


def render_html(assessment: Assessment, *, generated: dt.date | None = None) -> str:
    return (
        html_env()
        .get_template("assessment.html.j2")
        .render(context(assessment, generated=generated))
    )


def render_markdown(assessment: Assessment, *, generated: dt.date | None = None) -> str:
    return (
        md_env().get_template("assessment.md.j2").render(context(assessment, generated=generated))
    )


def _fetcher() -> Any:
    """A WeasyPrint URL fetcher that fetches nothing but inline ``data:`` URLs."""
    try:
        from weasyprint.urls import URLFetcher

        return URLFetcher(allowed_protocols=("data",))
    except (ImportError, TypeError):  # WeasyPrint < 66: a plain function
        from weasyprint import default_url_fetcher

        def fetch(url: str, *args: Any, **kwargs: Any) -> Any:
            if not url.startswith("data:"):
                raise ValueError(f"twinrisk reports fetch nothing: {url[:60]}")
            return default_url_fetcher(url, *args, **kwargs)

        return fetch


def html_to_pdf(html: str) -> bytes:
    """PDF bytes from a self-contained HTML document (WeasyPrint, no network)."""
    try:
        import weasyprint
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise PdfUnavailableError(
            "PDF output needs WeasyPrint and its system libraries (pango): "
            "pip install 'twinrisk[pdf]'"
        ) from exc
    except OSError as exc:  # pragma: no cover - missing libpango
        raise PdfUnavailableError(
            f"WeasyPrint cannot load its system libraries ({exc}); install "
            "libpango-1.0-0 and libpangoft2-1.0-0"
        ) from exc
    pdf = weasyprint.HTML(string=html, base_url=None, url_fetcher=_fetcher()).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def render(assessment: Assessment, fmt: str, *, generated: dt.date | None = None) -> bytes:
    """The report for ``assessment`` as ``"md"``, ``"html"`` or ``"pdf"`` bytes
    (UTF-8 for the text formats)."""
    fmt = fmt.lower().lstrip(".")
    fmt = {"markdown": "md", "htm": "html"}.get(fmt, fmt)
    if fmt == "md":
        return render_markdown(assessment, generated=generated).encode("utf-8")
    if fmt == "html":
        return render_html(assessment, generated=generated).encode("utf-8")
    if fmt == "pdf":
        return html_to_pdf(render_html(assessment, generated=generated))
    raise ReportError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")


def unique_sources(assessment: Assessment) -> Iterable[Any]:
    seen: dict[str, Any] = {}
    for f in assessment.factors:
        for s in f.sources:
            seen.setdefault(s.id, s)
    for p in assessment.precedents:
        for s in p.sources:
            seen.setdefault(s.id, s)
    return seen.values()
