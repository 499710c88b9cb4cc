"""RFC 9457 problem details: every error the service returns, including FastAPI's
own 404/405/422 and the body-size 413, is ``application/problem+json`` with a
``detail`` a person can act on."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from twinrisk.core.errors import TwinriskError

log = logging.getLogger("twinrisk.service")

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:twinrisk:problem:"


def _is_none(value: Any) -> bool:
    return value is None


class FieldError(BaseModel):
    loc: list[str | int] = Field(description="Where in the request: ['body', 'local', 'name']")
    msg: str
    type: str


class Problem(BaseModel):
    """An error, as RFC 9457 problem details (``application/problem+json``)."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "type": "urn:twinrisk:problem:place-not-found",
                    "title": "Place not found",
                    "status": 422,
                    "detail": "partner: no place called 'Xian Shi' in CN; did you mean Xi'an?",
                    "instance": "/v1/assessments",
                    "field": "partner",
                    "suggestions": ["Xi'an"],
                }
            ]
        },
    )

    type: str = Field("about:blank", description="A URI naming the kind of problem")
    title: str = Field(description="Short summary of the kind of problem")
    status: int = Field(ge=400, le=599)
    detail: str = Field("", description="What went wrong here and what to do about it")
    instance: str | None = Field(None, exclude_if=_is_none, description="The request path")
    field: str | None = Field(
        None, exclude_if=_is_none, description="The request field at fault, if one is"
    )
    errors: list[FieldError] | None = Field(
        None, exclude_if=_is_none, description="Every validation error"
    )
    suggestions: list[str] | None = Field(
        None, exclude_if=_is_none, description="Names the caller may have meant"
    )
    candidates: list[dict[str, Any]] | None = Field(
        None,
        exclude_if=_is_none,
        description="Places an ambiguous name could mean; repeat with a country",
    )
    limit: int | None = Field(None, exclude_if=_is_none, description="The limit that was exceeded")


class ProblemError(Exception):
    """Raise from a handler to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        slug: str | None = None,
        title: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.slug = slug
        self.title = title or HTTPStatus(status).phrase
        self.headers = headers or {}
        self.extra = {k: v for k, v in extra.items() if v is not None}

    def to_problem(self, instance: str | None = None) -> dict[str, Any]:
        return problem_dict(
            self.status,
            self.detail,
            slug=self.slug,
            title=self.title,
            instance=instance,
            **self.extra,
        )


def problem_dict(
    status: int,
    detail: str,
    *,
    slug: str | None = None,
    title: str | None = None,
    instance: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "type": TYPE_PREFIX + slug if slug else "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if instance:
        doc["instance"] = instance
    doc.update({k: v for k, v in extra.items() if v is not None})
    return doc


def problem_response(
    status: int, detail: str, *, headers: dict[str, str] | None = None, **kw: Any
) -> JSONResponse:
    return JSONResponse(
        problem_dict(status, detail, **kw),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def problem_bytes(status: int, detail: str, **kw: Any) -> bytes:
    return json.dumps(problem_dict(status, detail, **kw), ensure_ascii=False).encode("utf-8")


async def send_problem(send: Any, status: int, detail: str, **kw: Any) -> None:
    """A problem answered from ASGI middleware, before any route: the connection is
    closed after it, since the request body may not have been read."""
    body = problem_bytes(status, detail, **kw)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


#: OpenAPI entries for the problem responses, keyed by status code
def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    descriptions = {
        400: "The request could not be read (malformed body or parameters)",
        401: "No valid API key: send `X-API-Key: <key>` or `Authorization: Bearer <key>`",
        404: "No such resource",
        409: "The request conflicts with the stored record",
        413: "The body, batch, upload or CSV exceeds a limit; `limit` says which",
        415: "The content type is not one this endpoint accepts",
        422: "The request is well-formed but cannot be processed; `detail` and `errors` say why",
        429: "A per-key rate limit or daily quota is reached; retry after `Retry-After` seconds",
        500: "An unexpected error; the request can be retried and the problem reported",
        503: "The work took too long or the service is not ready; retry after `Retry-After`",
    }
    ref = {"schema": {"$ref": "#/components/schemas/Problem"}}
    return {
        code: {
            "model": Problem,
            "description": descriptions.get(code, HTTPStatus(code).phrase),
            "content": {PROBLEM_MEDIA_TYPE: ref},
        }
        for code in codes
    }


def _loc_text(loc: Any) -> str:
    parts = [str(p) for p in loc]
    return ".".join(parts) if parts else "request"


def validation_detail(errors: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    clean = []
    for err in errors:
        msg = str(err.get("msg", "invalid"))
        ctx = err.get("ctx") or {}
        if err.get("type") == "json_invalid" and ctx.get("error"):
            msg = f"the body is not valid JSON: {ctx['error']}"
        loc = [p if isinstance(p, int) else str(p) for p in err.get("loc", ())]
        if (
            err.get("type") == "string_pattern_mismatch"
            and loc
            and str(loc[-1]).endswith("country")
        ):
            msg = "use a two-letter ISO 3166-1 country code such as SE or CN"
        if err.get("type") == "json_invalid":
            loc = ["body"]
        if err.get("type") == "string_pattern_mismatch" and "\\u0000" in str(
            ctx.get("pattern", "")
        ):
            msg = "contains a NUL character (\\u0000); accepted: text without NUL characters"
        if loc and loc[-1] == "[key]":
            msg = f"keys of queries must have 1 to 100 characters ({msg})"
        if err.get("type") == "value_error":
            msg = msg.removeprefix("Value error, ")
        clean.append({"loc": loc, "msg": msg, "type": str(err.get("type", "value_error"))})
    shown = "; ".join(f"{_loc_text(e['loc'])}: {e['msg']}" for e in clean[:5])
    more = f" (and {len(clean) - 5} more)" if len(clean) > 5 else ""
    n = len(clean)
    head = "1 problem in the request" if n == 1 else f"{n} problems in the request"
    return f"{head}: {shown}{more}", clean


def allowed_methods(request: Request) -> str:
    """Every method the API documents on the request's path, for ``Allow``.

    Starlette names only the methods of the first route whose path matches, so a
    path served by two routes (GET and POST on /v1/assessments) would claim to allow
    only one of them. The OpenAPI document lists them all."""
    import re

    paths = request.app.openapi().get("paths", {})
    path = request.url.path
    # a literal path (/v1/assessments/batch) is that resource, not an id of a template
    matches = [path] if path in paths else []
    if not matches:
        for template in paths:
            pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
            if re.match(pattern, path):
                matches.append(template)
    methods: set[str] = set()
    for template in matches:
        methods.update(m.upper() for m in paths[template] if m.lower() != "parameters")
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods))


def _wants_html(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/v1") or path in ("/healthz", "/readyz", "/openapi.json"):
        return False
    return "text/html" in request.headers.get("accept", "")


#: renders an error as an HTML page for a browser: (request, status, detail) -> HTML
ErrorPage = Callable[[Request, int, str], str]


def install_handlers(app: FastAPI, error_page: ErrorPage | None = None) -> None:
    """Every error as problem+json; as an HTML page instead for a browser's request
    outside the API when ``error_page`` is given (the web page passes its own, so
    this module needs no templates)."""

    def _html_error(
        request: Request, status: int, detail: str, headers: dict[str, str] | None = None
    ) -> Response | None:
        if error_page is None or not _wants_html(request):
            return None
        return HTMLResponse(
            error_page(request, status, detail), status_code=status, headers=headers
        )

    @app.exception_handler(ProblemError)
    async def _problem(request: Request, exc: ProblemError) -> Response:
        page = _html_error(request, exc.status, exc.detail, exc.headers)
        if page is not None:
            return page
        return JSONResponse(
            exc.to_problem(request.url.path),
            status_code=exc.status,
            media_type=PROBLEM_MEDIA_TYPE,
            headers=exc.headers,
        )

    @app.exception_handler(TwinriskError)
    async def _family(request: Request, exc: TwinriskError) -> Response:
        # an error of the family raised outside the library bridge (the store's
        # guards, say): presented from its class attributes like every other; a
        # server-side one keeps its details in the log
        if exc.status >= 500:
            return await _unexpected(request, exc)
        message = str(exc) or exc.title
        page = _html_error(request, exc.status, message)
        if page is not None:
            return page
        return problem_response(
            exc.status,
            message,
            slug=exc.slug,
            title=exc.title,
            instance=request.url.path,
            field=exc.field,
            **exc.members(),
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        status = exc.status_code
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(status).phrase
        extra: dict[str, Any] = {}
        if status == 404 and detail == "Not Found":
            detail = f"nothing at {request.url.path}; the API is under /v1 (see /openapi.json)"
        elif status == 405:
            allow = allowed_methods(request) or (
                (exc.headers or {}).get("Allow") or (exc.headers or {}).get("allow")
            )
            if allow:
                exc.headers = {**(exc.headers or {}), "Allow": allow}
            detail = f"{request.method} is not allowed on {request.url.path}" + (
                f"; use {allow}" if allow else ""
            )
        limit = getattr(exc, "limit", None)
        if limit is not None:
            extra["limit"] = limit
        page = _html_error(request, status, detail, dict(exc.headers or {}))
        if page is not None:
            return page
        return JSONResponse(
            problem_dict(
                status, detail, slug=getattr(exc, "slug", None), instance=request.url.path, **extra
            ),
            status_code=status,
            media_type=PROBLEM_MEDIA_TYPE,
            headers=exc.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        detail, errors = validation_detail(list(exc.errors()))
        return JSONResponse(
            problem_dict(
                422,
                detail,
                slug="invalid-request",
                title="Invalid request",
                instance=request.url.path,
                errors=errors,
            ),
            status_code=422,
            media_type=PROBLEM_MEDIA_TYPE,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        detail = (
            "an unexpected error occurred; nothing was stored by this request unless "
            "its response said so. Retry, and report the problem if it persists"
        )
        # the server (uvicorn) drops the connection after an unhandled error, so say
        # so: a client that keeps connections alive then opens a new one for its next
        # request instead of failing on a closed socket
        close = {"Connection": "close"}
        page = _html_error(request, 500, detail, close)
        if page is not None:
            return page
        return problem_response(
            500, detail, slug="internal", instance=request.url.path, headers=close
        )
