"""Limits: request body size (counted as it arrives, with or without Content-Length),
strict JSON (no duplicate keys, NaN or Infinity), and time limits on long work."""

from __future__ import annotations

import asyncio
import collections
import functools
import json
import math
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import HTTPException, Request, Response
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from twinrisk.service.problems import ProblemError, send_problem

T = TypeVar("T")


def human_bytes(n: int) -> str:
    if n >= 1024 * 1024 and n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} MiB"
    if n >= 1024 and n % 1024 == 0:
        return f"{n // 1024} KiB"
    return f"{n} bytes"


class BodyTooLarge(HTTPException):
    """Raised while reading a body that exceeds the limit; answered with 413."""

    slug = "body-too-large"

    def __init__(self, limit: int, what: str = "request body") -> None:
        super().__init__(
            413,
            f"the {what} is larger than the limit of {human_bytes(limit)} "
            f"({limit} bytes); send less data or split it into several "
            "requests",
        )
        self.limit = limit


class BodyLimitMiddleware:
    """Pure ASGI middleware: reject bodies over a per-path limit with 413.

    A declared Content-Length over the limit is refused before the body is read; a
    body without one (chunked) is counted as it streams and cut off at the limit.
    """

    def __init__(
        self,
        app: ASGIApp,
        default_limit: int,
        path_limits: tuple[tuple[str, int], ...] = (),
        shown_limits: tuple[tuple[str, int, str], ...] = (),
    ) -> None:
        self.app = app
        self.default_limit = default_limit
        self.path_limits = path_limits
        #: (prefix, limit a person knows, what it limits): the upload path's byte limit
        #: includes a multipart envelope, but its message names the configured limit
        self.shown_limits = shown_limits

    def limit_for(self, path: str) -> int:
        for prefix, limit in self.path_limits:
            if path == prefix or path.startswith(prefix + "/"):
                return limit
        return self.default_limit

    def message_for(self, path: str, limit: int) -> tuple[str, int]:
        """The 413's detail and ``limit`` member for ``path``."""
        for prefix, shown, what in self.shown_limits:
            if path == prefix or path.startswith(prefix + "/"):
                return BodyTooLarge(shown, what).detail, shown
        return BodyTooLarge(limit).detail, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        state = scope.setdefault("state", {})
        state["body_limit"] = limit
        declared = None
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await self._reply(send, 400, "the Content-Length header is not a number", scope)
                    return
        if declared is not None and declared > limit:
            detail, shown = self.message_for(scope.get("path", ""), limit)
            await self._reply(send, 413, detail, scope, limit=shown)
            return

        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                state["body_received"] = received  # counted by the daily byte quota
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge as exc:
            if started:
                raise
            detail, shown = self.message_for(scope.get("path", ""), exc.limit)
            await self._reply(send, 413, detail, scope, limit=shown)

    @staticmethod
    async def _reply(
        send: Send, status: int, detail: str, scope: Scope, limit: int | None = None
    ) -> None:
        slug = "body-too-large" if status == 413 else "bad-request"
        await send_problem(send, status, detail, slug=slug, instance=scope.get("path"), limit=limit)


# -- strict JSON ---------------------------------------------------------------------------


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise json.JSONDecodeError(f"the key {key!r} appears twice in one object", "", 0)
        out[key] = value
    return out


def _no_constants(name: str) -> Any:
    raise json.JSONDecodeError(f"{name} is not a JSON number; send null or a finite number", "", 0)


def strict_loads(body: bytes) -> Any:
    try:
        text = body.decode("utf-8-sig" if body.startswith(b"\xef\xbb\xbf") else "utf-8")
    except UnicodeDecodeError as exc:
        raise json.JSONDecodeError("the body is not UTF-8 text", "", exc.start) from exc
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except RecursionError as exc:
        raise json.JSONDecodeError("the JSON is nested too deeply", "", 0) from exc
    except json.JSONDecodeError:
        raise
    except ValueError as exc:  # Python's guard against huge integers (4,300 digits)
        raise json.JSONDecodeError(
            "a number has too many digits; send numbers of at most "
            f"{sys.get_int_max_str_digits() or 4300} digits",
            "",
            0,
        ) from exc


class StrictJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = strict_loads(await self.body())
        return self._json


def _require_json_content_type(request: Request) -> None:
    """A JSON endpoint sent another media type (curl -d sends a form type) gets a 415
    that says so, not a validation error about the body's shape."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not ctype:
        raise ProblemError(
            415,
            "the request has no Content-Type; send the body as JSON with "
            "Content-Type: application/json",
            slug="unsupported-media-type",
            title="Unsupported media type",
        )
    if ctype == "application/json" or (
        ctype.startswith("application/") and ctype.endswith("+json")
    ):
        return
    raise ProblemError(
        415,
        f"send the body as JSON with Content-Type: application/json, not {ctype}",
        slug="unsupported-media-type",
        title="Unsupported media type",
    )


def _single_query_values(request: Request) -> None:
    """Every query parameter of the API takes one value; a repeated one (``?q=a&q=b``)
    is refused rather than silently read as its last value."""
    seen: dict[str, int] = collections.Counter(k for k, _ in request.query_params.multi_items())
    repeated = sorted(k for k, n in seen.items() if n > 1)
    if repeated:
        name = repeated[0]
        raise ProblemError(
            422,
            f"query.{name[:40]}: given {seen[name]} times; send each query parameter once",
            slug="invalid-request",
            title="Invalid request",
            field=name[:40],
        )


class StrictJSONRoute(APIRoute):
    """A route whose JSON bodies refuse duplicate keys, NaN, Infinity and non-UTF-8."""

    def get_route_handler(self) -> Callable[[Request], Any]:
        original = super().get_route_handler()
        takes_json = self.body_field is not None

        async def handler(request: Request) -> Response:
            _single_query_values(request)
            if takes_json:
                _require_json_content_type(request)
            return await original(StrictJSONRequest(request.scope, request.receive))

        return handler


def finite(value: Any) -> bool:
    return not (isinstance(value, float) and (math.isnan(value) or math.isinf(value)))


# -- time limits ---------------------------------------------------------------------------


class Worker:
    """Runs blocking library work in threads, at most ``workers`` at once, each within
    ``timeout`` seconds (queueing included): past it the caller gets a 503 problem."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._limiter: anyio.CapacityLimiter | None = None

    @property
    def limiter(self) -> anyio.CapacityLimiter:
        if self._limiter is None:  # created inside the event loop
            self._limiter = anyio.CapacityLimiter(self.workers)
        return self._limiter

    async def run(
        self,
        fn: Callable[..., T],
        *args: Any,
        timeout: float,
        what: str = "the assessment",
        **kwargs: Any,
    ) -> T:
        call = functools.partial(fn, *args, **kwargs)
        try:
            with anyio.fail_after(timeout):
                return await anyio.to_thread.run_sync(
                    call, abandon_on_cancel=True, limiter=self.limiter
                )
        except TimeoutError as exc:
            raise _timed_out(what, timeout) from exc


class Coalescer:
    """Scores the proposals that wait at the same moment in one run of the pipeline.

    The first request is scored at once, alone; requests that arrive while a run is
    going wait for it to end and then go together in the next run (at most
    ``max_batch``). Nothing waits on a timer, so a lone client sees no added delay,
    while concurrent clients share the fixed cost of a run: one proposal costs about
    1.7 ms of CPU alone and 0.45 ms in a run of sixteen. Each request keeps its own
    time limit (queueing included) and its own result or error.
    """

    def __init__(
        self, worker: Worker, fn: Callable[[list[Any]], list[Any]], max_batch: int = 64
    ) -> None:
        self.worker = worker
        self.fn = fn
        self.max_batch = max_batch
        self._pending: list[tuple[Any, asyncio.Future[Any]]] = []
        self._draining = False
        self._task: asyncio.Future[None] | None = None
        #: sizes of the runs so far (for the tests and the benchmark's notes)
        self.runs: collections.Counter[int] = collections.Counter()

    async def submit(self, item: Any, *, timeout: float, what: str = "the assessment") -> Any:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if not self._draining:
            self._draining = True
            self._task = asyncio.ensure_future(self._drain())  # referenced: not collected
        try:
            with anyio.fail_after(timeout):
                return await future
        except TimeoutError as exc:
            raise _timed_out(what, timeout) from exc

    async def _drain(self) -> None:
        try:
            while self._pending:
                batch = [(i, f) for i, f in self._pending[: self.max_batch] if not f.done()]
                del self._pending[: self.max_batch]
                if not batch:
                    continue
                self.runs[len(batch)] += 1
                try:
                    results = await anyio.to_thread.run_sync(
                        self.fn, [item for item, _ in batch], limiter=self.worker.limiter
                    )
                except Exception as exc:  # a bug: every request of the run gets it
                    results = [exc] * len(batch)
                for (_, future), result in zip(batch, results, strict=True):
                    if future.done():  # its caller gave up (time limit, disconnect)
                        continue
                    if isinstance(result, BaseException):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        finally:
            self._draining = False


def _timed_out(what: str, timeout: float) -> ProblemError:
    return ProblemError(
        503,
        f"{what} did not finish within {timeout:g} s; the service may be busy. "
        "Retry later, or send fewer proposals per request",
        slug="timeout",
        title="Timed out",
        headers={"Retry-After": "5"},
    )


async def run_io(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Blocking store I/O in a thread, never abandoned (a write is either answered or
    not attempted)."""
    return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))
