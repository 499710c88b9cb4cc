"""Pages: the assessment form (``/``), the result (``/assessments/{id}``), decisions,
the history (``/history``) and, when API keys are on, sign-in (``/login``).

Sign-in: with API keys configured the page asks once for a key, opens a server-side
session (only its hash is stored) and keeps the random session id in an HttpOnly,
SameSite=Strict cookie (``twinrisk_session``), never the key; the same cookie lets the
autocomplete script and the report links call ``/v1``. Forms carry a CSRF token
(double-submit cookie) whether or not keys are on.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError

from twinrisk.core.models import Place
from twinrisk.explain.places import place_sentences
from twinrisk.service import library
from twinrisk.service.auth import COOKIE_NAME, SESSION_LIFETIME_SECONDS
from twinrisk.service.deps import ServiceState, check_key, state
from twinrisk.service.limits import run_io
from twinrisk.service.problems import ProblemError, validation_detail
from twinrisk.service.schemas import AssessmentRequest, request_inputs
from twinrisk.store import DECISIONS, AssessmentFilter, AssessmentNotFound
from twinrisk.web.render import STATIC_DIR, render

CSRF_COOKIE = "twinrisk_csrf"
FORM_LIMITS = {"max_files": 0, "max_fields": 100, "max_part_size": 64 * 1024}

#: the form fields that say which places are meant (a name, country and area per side)
PLACE_FIELDS = tuple(
    f"{side}{field}" for side in ("local", "partner") for field in ("", "_country", "_admin")
)


class NeedsLogin(Exception):
    """Control flow, not an error of the family (``core.errors``): a page asked for
    while signed out is answered with a redirect to ``/login`` (``mount_web``'s
    handler), never with a problem document or an error page."""


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _csrf_token(request: Request) -> str:
    token = request.cookies.get(CSRF_COOKIE) or ""
    if len(token) != 43:
        token = secrets.token_urlsafe(32)
    request.state.csrf = token
    return token


def _page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    token = _csrf_token(request)
    context.setdefault("signed_in", bool(getattr(request.state, "api_key_id", None)))
    context.setdefault("auth_on", bool(state(request).settings.keys))
    response = HTMLResponse(
        render(template, request, **context),
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )
    if request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(
            CSRF_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request), path="/"
        )
    return response


def _authorise(request: Request) -> None:
    """The page's auth: open on loopback without keys, else the key cookie."""
    try:
        check_key(request)
    except ProblemError as exc:
        if state(request).settings.locked:
            raise
        raise NeedsLogin from exc


def _login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


async def _form(request: Request) -> dict[str, Any]:
    try:
        form = await request.form(**FORM_LIMITS)
    except ProblemError:
        raise
    except Exception as exc:
        if getattr(exc, "status_code", None) == 413:
            raise
        raise ProblemError(
            400, "the form could not be read; reload the page and try again", slug="bad-request"
        ) from exc
    out: dict[str, Any] = {}
    for key in form:
        values = [v for v in form.getlist(key) if isinstance(v, str)]
        out[key] = values if key == "domains" else (values[-1] if values else "")
    return out


def _check_csrf(request: Request, form: dict[str, Any]) -> None:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = str(form.get("csrf", ""))
    if not cookie or not hmac.compare_digest(cookie.encode(), sent.encode()):
        raise ProblemError(
            403,
            "the form has expired or came from another site; reload the page and submit it again",
            slug="csrf",
        )


def _safe_next(target: str | None) -> str:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _terms_from_form(form: dict[str, Any]) -> dict[str, Any]:
    from twinrisk.core.terms import TERMS

    terms: dict[str, Any] = {}
    for key, term in TERMS.items():
        if term.kind == "domains":
            domains = [d for d in form.get("domains", []) if d]
            if form.get("domains_known") == "yes" or domains:
                terms[key] = domains
        else:
            value = str(form.get(f"term_{key}", "")).strip().lower()
            if value in ("yes", "no"):
                terms[key] = value == "yes"
    return terms


def _form_context(values: dict[str, Any] | None = None) -> dict[str, Any]:
    from twinrisk.core.terms import OTHER_DOMAINS, SENSITIVE_DOMAINS, TERMS

    return {
        "values": values or {},
        "bool_terms": [(k, t) for k, t in TERMS.items() if t.kind != "domains"],
        "sensitive_domains": SENSITIVE_DOMAINS,
        "other_domains": OTHER_DOMAINS,
        "policies": library.known_policies(),
        "today": dt.date.today().isoformat(),
    }


async def _recent(st: ServiceState, limit: int = 8) -> list[Any]:
    items, _ = await run_io(st.store.list, AssessmentFilter(limit=limit))
    return items


def mount_web(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")

    @app.exception_handler(NeedsLogin)
    async def _needs_login(request: Request, exc: NeedsLogin) -> Response:
        return _login_redirect(request)

    @app.get("/", include_in_schema=False, response_class=HTMLResponse)
    async def index(request: Request) -> Response:
        _authorise(request)
        st = state(request)
        values = {k: request.query_params.get(k, "")[:200] for k in PLACE_FIELDS}
        return _page(request, "index.html", recent=await _recent(st), **_form_context(values))

    @app.post("/assess", include_in_schema=False, response_class=HTMLResponse)
    async def assess(request: Request) -> Response:
        _authorise(request)
        st = state(request)
        form = await _form(request)
        _check_csrf(request, form)
        body: dict[str, Any] = {
            side: {
                "name": str(form.get(side, "")).strip(),
                "country": str(form.get(f"{side}_country", "")).strip() or None,
                "admin": str(form.get(f"{side}_admin", "")).strip() or None,
            }
            for side in ("local", "partner")
        } | {
            "as_of": str(form.get("as_of", "")).strip() or None,
            "terms": _terms_from_form(form),
            "policy": str(form.get("policy", "")).strip() or None,
        }
        error: dict[str, Any] | None = None
        try:
            req = AssessmentRequest.model_validate(body)
            assessment = await st.scorer.submit(
                req.model_dump(mode="python"), timeout=st.settings.timeout_seconds
            )
        except ValidationError as exc:
            detail, _ = validation_detail(list(exc.errors()))  # type: ignore[arg-type]
            error = {"detail": detail.replace("1 problem in the request: ", "")}
        except ProblemError as exc:
            error = {"detail": exc.detail, **exc.extra}
        if error is not None:
            ctx = _form_context(
                {k: form.get(k, "") for k in (*PLACE_FIELDS, "as_of", "policy")} | {"form": form}
            )
            return _page(
                request, "index.html", status=422, error=error, recent=await _recent(st), **ctx
            )
        stored = await run_io(
            st.store.add_assessment,
            inputs=request_inputs(req),
            output=library.assessment_json(assessment),
            api_key_id=getattr(request.state, "api_key_id", None),
            channel="web",
        )
        return RedirectResponse(f"/assessments/{stored.id}", status_code=303)

    @app.get("/assessments/{assessment_id}", include_in_schema=False, response_class=HTMLResponse)
    async def result(request: Request, assessment_id: str) -> Response:
        _authorise(request)
        st = state(request)
        try:
            stored = await run_io(st.store.get, assessment_id[:64])
        except AssessmentNotFound as exc:
            raise ProblemError(
                404, f"no stored assessment with id {assessment_id[:64]!r}", slug="not-found"
            ) from exc
        return _page(
            request,
            "result.html",
            a=stored,
            o=stored.output,
            decisions_allowed=DECISIONS,
            chart=_chart(stored.output),
            place_sentences=_place_sentences(stored.output),
        )

    @app.post("/assessments/{assessment_id}/decision", include_in_schema=False)
    async def decide(request: Request, assessment_id: str) -> Response:
        _authorise(request)
        st = state(request)
        form = await _form(request)
        _check_csrf(request, form)
        decision = str(form.get("decision", ""))
        if decision not in DECISIONS:
            raise ProblemError(
                422,
                "choose a decision: approve, approve with conditions, reject or defer",
                slug="invalid-request",
            )
        notes = str(form.get("notes", ""))[:10_000]
        by = str(form.get("decided_by", "")).strip()[:200] or None
        try:
            await run_io(
                st.store.add_decision,
                assessment_id[:64],
                decision,
                notes=notes,
                decided_by=by,
                api_key_id=getattr(request.state, "api_key_id", None),
            )
        except AssessmentNotFound as exc:
            raise ProblemError(
                404, f"no stored assessment with id {assessment_id[:64]!r}", slug="not-found"
            ) from exc
        return RedirectResponse(f"/assessments/{assessment_id}#decisions", status_code=303)

    @app.get("/history", include_in_schema=False, response_class=HTMLResponse)
    async def history(request: Request) -> Response:
        _authorise(request)
        st = state(request)
        qp = request.query_params
        filters = {
            k: qp.get(k, "")[:200]
            for k in ("q", "local_country", "partner_country", "band", "decision")
        }
        try:
            page = max(1, min(int(qp.get("page", "1") or 1), 100_000))
        except ValueError:
            page = 1
        per_page = 25
        flt = AssessmentFilter(
            q=filters["q"] or None,
            local_country=filters["local_country"][:2] or None,
            partner_country=filters["partner_country"][:2] or None,
            band=filters["band"]
            if filters["band"] in ("low", "moderate", "high", "severe")
            else None,
            decision=filters["decision"] if filters["decision"] in (*DECISIONS, "none") else None,
            limit=per_page,
            offset=(page - 1) * per_page,
        )
        items, total = await run_io(st.store.list, flt)
        base = {k: v for k, v in filters.items() if v}
        prev_url = f"/history?{urlencode({**base, 'page': page - 1})}" if page > 1 else None
        next_url = (
            f"/history?{urlencode({**base, 'page': page + 1})}" if page * per_page < total else None
        )
        return _page(
            request,
            "history.html",
            items=items,
            total=total,
            filters=filters,
            page=page,
            prev_url=prev_url,
            next_url=next_url,
            decisions_allowed=DECISIONS,
        )

    @app.get("/login", include_in_schema=False, response_class=HTMLResponse)
    async def login_form(request: Request) -> Response:
        return _page(request, "login.html", next=_safe_next(request.query_params.get("next")))

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        form = await _form(request)
        _check_csrf(request, form)
        st = state(request)
        key = str(form.get("key", "")).strip()
        target = _safe_next(str(form.get("next", "")))
        if st.settings.open_access:
            return RedirectResponse(target, status_code=303)
        key_id = st.settings.keys.verify(key)
        if key_id is None:
            return _page(
                request,
                "login.html",
                status=401,
                next=target,
                error="That key is not valid. Ask whoever runs this server for one.",
            )
        old = request.cookies.get(COOKIE_NAME)
        if old:  # a fresh id on every sign-in (no session fixation)
            await run_io(st.store.signins.revoke, old)
        lifetime = dt.timedelta(seconds=SESSION_LIFETIME_SECONDS)
        session_id = await run_io(st.store.signins.open, key_id, lifetime)
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            COOKIE_NAME,
            session_id,
            httponly=True,
            samesite="strict",
            secure=_secure(request),
            path="/",
            max_age=SESSION_LIFETIME_SECONDS,
        )
        return response

    @app.post("/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        form = await _form(request)
        _check_csrf(request, form)
        # revoke server-side: a copy of the cookie kept elsewhere stops working too
        await run_io(state(request).store.signins.revoke, request.cookies.get(COOKIE_NAME))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE_NAME, path="/")
        return response


def _chart(output: dict[str, Any]) -> dict[str, Any]:
    """Geometry of the points chart (an inline SVG drawn by the template)."""
    factors = sorted(
        output.get("factors", []), key=lambda f: (-f.get("points", 0), -f.get("max_points", 0))
    )
    factors = [f for f in factors if f.get("max_points", 0) > 0]
    top = max([f.get("max_points", 0) for f in factors] + [1])
    label_w, bar_w, row_h = 370, 300, 22
    rows = []
    for i, f in enumerate(factors):
        rows.append(
            {
                "label": f.get("label", f.get("id", "")),
                "points": f.get("points", 0),
                "max": f.get("max_points", 0),
                "y": i * row_h,
                "w_max": round(bar_w * f.get("max_points", 0) / top, 1),
                "w_points": round(bar_w * f.get("points", 0) / top, 1),
                "imputed": f.get("imputed", False),
            }
        )
    return {
        "rows": rows,
        "label_w": label_w,
        "bar_w": bar_w,
        "row_h": row_h,
        "width": label_w + bar_w + 70,
        "height": max(len(rows) * row_h, row_h),
    }


def _place_sentences(output: Any) -> list[str]:
    """How the stored assessment's places were identified (records made before places
    carried their level read as towns at their own point)."""
    try:
        return place_sentences(
            Place.model_validate(output["local"]), Place.model_validate(output["partner"])
        )
    except (KeyError, TypeError, ValueError):
        return []
