"""Host allow-list: a request whose ``Host`` is not one of the server's names gets a
400, keys or no keys; a state-changing request a browser sends from another origin
(its ``Origin`` names another host) gets a 403.

Without it a web page an officer visits could point a name it controls at 127.0.0.1
(DNS rebinding) and read and write every record of a server that needs no key on
loopback. The default names are the loopback names and the address the server is
bound to; behind a proxy or on a public name, list them (``TWINRISK_ALLOWED_HOSTS``).
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

from twinrisk.service.problems import send_problem

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
#: methods a browser may send cross-origin without asking first ("simple" requests
#: include text/plain and form bodies), and every other method that changes state
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
#: bind addresses that are not a name anyone reaches the server by
WILDCARD_ADDRESSES = ("0.0.0.0", "::", "")  # noqa: S104 - compared with, never bound


def host_name(header: str) -> str:
    """The name of a ``Host`` header without its port: ``[::1]:8000`` -> ``::1``."""
    value = header.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    name, _, port = value.rpartition(":")
    return name if name and port.isdigit() else value


def allowed_hosts(bind: str, configured: Iterable[str] = ()) -> frozenset[str]:
    """The names a request may use: the configured ones, else loopback and the bind
    address (a wildcard bind adds nothing: its names must be configured)."""
    names = {host_name(n) for n in configured if n.strip()}
    if names:
        return frozenset(names)
    bound = host_name(bind)
    return frozenset({*LOOPBACK_NAMES, *([bound] if bound not in WILDCARD_ADDRESSES else [])})


class HostAllowMiddleware:
    """Pure ASGI: refuse an unknown or missing ``Host`` before any route runs."""

    def __init__(self, app: ASGIApp, hosts: frozenset[str]) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", ()))
        header = headers.get(b"host", b"").decode("latin-1")
        shown = ", ".join(sorted(self.hosts))
        if not self._known(header):
            detail = (
                f"Host {header[:100]!r} is not a name of this server; "
                f"accepted: {shown} (set TWINRISK_ALLOWED_HOSTS to add names)"
            )
            await _refuse(send, scope, 400, "unknown-host", detail)
            return
        origin = headers.get(b"origin", b"").decode("latin-1")
        if scope.get("method") in UNSAFE_METHODS and origin and not self._known_origin(origin):
            detail = (
                f"a {scope.get('method')} from the web page of another site ({origin[:100]}) "
                f"is refused; this server's pages are served from: {shown}"
            )
            await _refuse(send, scope, 403, "cross-origin", detail)
            return
        await self.app(scope, receive, send)

    def _known(self, host: str) -> bool:
        return host_name(host) in self.hosts or "*" in self.hosts

    def _known_origin(self, origin: str) -> bool:
        scheme, sep, rest = origin.partition("://")
        return bool(sep) and scheme in ("http", "https") and self._known(rest.split("/")[0])


async def _refuse(send: Send, scope: Scope, status: int, slug: str, detail: str) -> None:
    await send_problem(send, status, detail, slug=slug, instance=scope.get("path"))
