"""Shared state and dependencies: the store, the worker pool, the API key check."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from twinrisk.service.auth import COOKIE_NAME, presented_key
from twinrisk.service.limits import Coalescer, Worker
from twinrisk.service.problems import ProblemError
from twinrisk.service.settings import Settings
from twinrisk.store import Store

log = logging.getLogger("twinrisk.service")


@dataclass
class ServiceState:
    settings: Settings
    store: Store
    worker: Worker
    #: single proposals go through it, so concurrent ones are scored together
    scorer: Coalescer
    checks: dict[str, str] = field(default_factory=lambda: {"warm_up": "pending"})
    ready: bool = False
    #: with several processes (``twinrisk serve --processes N``): the readiness every
    #: worker shares (a ``prefork.ReadinessBoard``) and this worker's slot on it
    board: Any = None
    slot: int = 0
    #: per-key rate limits and quotas (a ``ratelimit.RateLimiter``), None when off
    rate: Any = None

    def mark_ready(self) -> None:
        self.ready = True
        if self.board is not None:
            self.board.mark(self.slot, True)


def state(request: Request) -> ServiceState:
    current: ServiceState = request.app.state.twinrisk
    return current


# declared for the OpenAPI security schemes; the check itself is ``api_key`` below
_header_scheme = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="An API key configured on the server"
)
_bearer_scheme = HTTPBearer(auto_error=False, description="The API key as a bearer token")


def _body_length(request: Request) -> int:
    """The body's size: as declared, or as counted by ``BodyLimitMiddleware`` so far (a
    chunked body has no Content-Length; FastAPI reads a body before the dependencies)."""
    raw = request.headers.get("content-length", "")
    declared = int(raw) if raw.isdigit() else 0
    return max(declared, int(getattr(request.state, "body_received", 0)))


def check_key(request: Request) -> str | None:
    """The key id of a request's valid key; None when the server is open (loopback,
    no keys configured). Raises a 401 problem otherwise."""
    st = state(request)
    settings = st.settings
    if settings.open_access:
        if st.rate is not None:  # the one open caller is limited as a key would be
            st.rate.hit("open", _body_length(request))
        return None
    if settings.locked:
        raise ProblemError(
            401,
            "this server has no API keys configured and is reachable from other "
            "machines, so it refuses every call; set TWINRISK_API_KEYS or "
            "TWINRISK_API_KEY_FILE, or bind it to 127.0.0.1",
            slug="unauthorized",
            headers={"WWW-Authenticate": 'Bearer realm="twinrisk"'},
        )
    presented = presented_key(request.headers)
    if presented is None and COOKIE_NAME in request.cookies:
        key_id = st.store.signins.key_id(request.cookies[COOKIE_NAME])
        if key_id is not None and not settings.keys.has_id(key_id):
            key_id = None
        presented = "session"  # a cookie that no longer works reads as a wrong key
    else:
        key_id = settings.keys.verify(presented)
    if key_id is None:
        detail = (
            "an API key is required: send it as `X-API-Key: <key>` or `Authorization: Bearer <key>`"
            if not presented
            else "the API key is not valid; check it with whoever runs this server"
        )
        raise ProblemError(
            401,
            detail,
            slug="unauthorized",
            title="Unauthorized",
            headers={"WWW-Authenticate": 'Bearer realm="twinrisk"'},
        )
    if st.rate is not None:
        st.rate.hit(key_id or "open", _body_length(request))
    request.state.api_key_id = key_id
    return key_id


def security_dependencies() -> list[Any]:
    """Dependencies that add both schemes to OpenAPI and run the check."""
    from fastapi import Depends

    async def _api_key(
        request: Request,
        _header: str | None = Depends(_header_scheme),
        _bearer: HTTPAuthorizationCredentials | None = Depends(_bearer_scheme),
    ) -> str | None:
        return check_key(request)

    return [Depends(_api_key)]


__all__ = ["COOKIE_NAME", "ServiceState", "check_key", "security_dependencies", "state"]
