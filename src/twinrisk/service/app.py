"""The API application: ``create_api()``, the ``/v1`` routers, problem+json errors,
limits and security headers on the shared state.

The officers' web page is not mounted here: ``twinrisk.app.create_app`` mounts it
on this app, so the service never imports the page (``twinrisk.web``)."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from twinrisk import __version__
from twinrisk.service.deps import ServiceState
from twinrisk.service.hosts import HostAllowMiddleware, allowed_hosts
from twinrisk.service.limits import BodyLimitMiddleware, Coalescer, Worker
from twinrisk.service.problems import PROBLEM_MEDIA_TYPE, ErrorPage, install_handlers
from twinrisk.service.ratelimit import RateLimiter
from twinrisk.service.settings import Settings
from twinrisk.store import Store

log = logging.getLogger("twinrisk.service")

DESCRIPTION = """\
Transparent 0–100 risk scores for proposed city partnerships, with every point
explained: the factor, the value behind it, a sentence a council can read, and
its public source.

* **Auth**: when the server has API keys, every `/v1` call needs one, as
  `X-API-Key: <key>` or `Authorization: Bearer <key>`.
* **Errors** are `application/problem+json` (RFC 9457); `detail` says what to change.
* **Limits**: JSON bodies 2 MiB, 1,000 proposals per batch, CSV uploads 10 MiB and
  50,000 rows (configurable); past a limit the answer is 413.
"""

TAGS = [
    {
        "name": "assessments",
        "description": "Score a proposal; stored assessments, reports and decisions",
    },
    {"name": "batch", "description": "Many proposals at once (JSON or CSV)"},
    {"name": "places", "description": "Place resolution and autocomplete"},
    {"name": "dyads", "description": "Known partnerships"},
    {"name": "model", "description": "Model card, policy and factor documentation"},
    {"name": "health", "description": "Liveness and readiness"},
]

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]
PAGE_CSP = (
    b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


Headers = list[tuple[bytes, bytes]]


class ResponseHeadersMiddleware:
    """Adds headers to every HTTP response: ``add(scope, headers)`` returns the list to
    send. One ASGI wrapper for the security headers and the test-only worker pid."""

    def __init__(self, app: ASGIApp, add: Callable[[Scope, Headers], Headers]) -> None:
        self.app = app
        self.add = add

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = self.add(scope, list(message.get("headers", [])))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def security_headers(scope: Scope, headers: Headers) -> Headers:
    """The fixed security headers and the strict content security policy on every
    response (pages, JSON and problems alike), unless the response set its own."""
    csp = PAGE_CSP
    names = {h[0].lower() for h in headers}
    headers.extend(h for h in SECURITY_HEADERS if h[0] not in names)
    if b"content-security-policy" not in names:
        headers.append((b"content-security-policy", csp))
    return headers


def worker_pid_header(scope: Scope, headers: Headers) -> Headers:
    """``X-Twinrisk-Worker: <pid>``: which process answered (only when
    ``TWINRISK_WORKER_PID_HEADER=1``; for tests of several processes). The pid is read
    per request because the app is built before the fork."""
    return [*headers, (b"x-twinrisk-worker", str(os.getpid()).encode())]


def _warm_up(st: ServiceState) -> None:
    from twinrisk.service import library

    try:
        st.checks.update(library.warm_up())
        st.checks["warm_up"] = "ok"
        st.mark_ready()
    except Exception:  # the API still answers; /readyz says which check failed
        log.exception("warm-up failed")  # the detail (paths, messages) goes to the log only
        st.checks["warm_up"] = "failing"


def create_api(
    settings: Settings | None = None,
    *,
    store: Store | None = None,
    error_page: ErrorPage | None = None,
) -> FastAPI:
    """The ``/v1`` API on the store (migrated on creation), with problem+json errors.

    ``error_page`` renders errors for browsers (see ``problems.install_handlers``);
    the composition passes the web page's, so the API needs no templates of its own.
    """
    settings = settings or Settings.from_env()
    if settings.open_access:
        log.warning(
            "no API keys configured: the API and web page are open to anyone who can "
            "reach %s; set TWINRISK_API_KEYS before exposing the server",
            settings.host,
        )
    elif settings.locked:
        log.error(
            "no API keys configured and bound to %s: every call will be refused (401); "
            "set TWINRISK_API_KEYS or TWINRISK_API_KEY_FILE",
            settings.host,
        )
    store = store or Store.open(settings.database_url)
    from twinrisk.service import library

    worker = Worker(settings.workers)
    st = ServiceState(
        settings=settings,
        store=store,
        worker=worker,
        scorer=Coalescer(worker, library.assess_together),
        rate=RateLimiter(settings.rate) if settings.rate is not None else None,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.warm_up:
            threading.Thread(
                target=_warm_up, args=(st,), name="twinrisk-warm-up", daemon=True
            ).start()
        else:
            st.checks["warm_up"] = "skipped"
            st.mark_ready()
        yield

    app = FastAPI(
        title="twinrisk",
        version=__version__,
        summary="Risk scores and due diligence for proposed city partnerships",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
        license_info={"name": "MIT", "identifier": "MIT"},
        # no /docs or /redoc: both load their scripts from a CDN (any 5.x, no integrity)
        # on the origin of the sign-in cookie; the contract is /openapi.json
        docs_url=None,
        redoc_url=None,
    )
    app.state.twinrisk = st
    install_handlers(app, error_page)

    from twinrisk.service.routers import assessments, batch, dyads, health, model, places

    # batch first: POST /v1/assessments/batch must not be read as an assessment id
    for module in (batch, assessments, places, dyads, model, health):
        app.include_router(module.router)

    app.add_middleware(ResponseHeadersMiddleware, add=security_headers)
    if settings.worker_pid_header:
        app.add_middleware(ResponseHeadersMiddleware, add=worker_pid_header)
    app.add_middleware(
        BodyLimitMiddleware,
        default_limit=settings.max_body_bytes,
        # the CSV upload may carry a 10 MiB file plus the multipart envelope
        path_limits=(("/v1/batch", settings.max_upload_bytes + 64 * 1024),),
        shown_limits=(("/v1/batch", settings.max_upload_bytes, "upload"),),
    )
    # outermost: an unknown Host is refused before anything reads the request
    app.add_middleware(
        HostAllowMiddleware, hosts=allowed_hosts(settings.host, settings.allowed_hosts)
    )
    if settings.forwarded_allow_ips:
        # the scheme and client address a trusted proxy saw: cookies get ``Secure``
        # when the officer's browser used HTTPS; anyone else's X-Forwarded-* is ignored
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        app.add_middleware(
            ProxyHeadersMiddleware,
            trusted_hosts=list(settings.forwarded_allow_ips),
        )
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema, with problem responses only as application/problem+json."""
    if app.openapi_schema:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi

    schema = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
        license_info=app.license_info,
    )
    for path in schema.get("paths", {}).values():
        for op in path.values():
            for code, resp in op.get("responses", {}).items():
                content = resp.get("content", {})
                if code.isdigit() and int(code) >= 400 and PROBLEM_MEDIA_TYPE in content:
                    content.pop("application/json", None)
    _policy_names(schema)
    app.openapi_schema = schema
    return schema


def _policy_names(schema: dict[str, Any]) -> None:
    """A policy given by name must be one the server offers, so the contract lists
    them (``enum``) wherever a policy name can be sent; a client generated from it
    then never sends a name the server refuses."""
    from twinrisk.service.library import known_policies

    names = known_policies()

    def constrain(node: Any) -> None:
        for branch in node.get("anyOf", [node]):
            if branch.get("type") == "string":
                branch["enum"] = names

    components = schema.get("components", {}).get("schemas", {})
    for name in ("AssessmentRequest", "BatchRequest"):  # requests only: answers name
        if "policy" in components.get(name, {}).get("properties", {}):  # policy@version
            constrain(components[name]["properties"]["policy"])
    for path in schema.get("paths", {}).values():
        for op in path.values():
            for param in op.get("parameters", []):
                if param.get("name") == "policy":
                    constrain(param.get("schema", {}))
