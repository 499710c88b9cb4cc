"""Jinja2 environment and page rendering."""

from __future__ import annotations

from functools import lru_cache
from http import HTTPStatus
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request

from twinrisk.core.models import likelihood_in_words

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"

BAND_LABELS = {"low": "Low", "moderate": "Moderate", "high": "High", "severe": "Severe"}
DECISION_LABELS = {
    "approve": "Approve",
    "approve_with_conditions": "Approve with conditions",
    "reject": "Reject",
    "defer": "Defer",
}


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(["html", "xml", "svg"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(band_labels=BAND_LABELS, decision_labels=DECISION_LABELS)
    env.filters["datetime"] = lambda d: d.strftime("%Y-%m-%d %H:%M UTC") if d else ""
    env.filters["likelihood_words"] = likelihood_in_words
    return env


def render(template: str, request: Request | None = None, **context: Any) -> str:
    from twinrisk import __version__

    context.setdefault("version", __version__)
    context.setdefault(
        "csrf", getattr(getattr(request, "state", None), "csrf", "") if request is not None else ""
    )
    context.setdefault("signed_in", False)
    return environment().get_template(template).render(request=request, **context)


def render_error(request: Request, status: int, detail: str) -> str:
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    return render("error.html", request, status=status, title=title, detail=detail)
