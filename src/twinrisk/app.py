"""The whole HTTP application: the ``/v1`` API (``twinrisk.service``) with the
officers' web page (``twinrisk.web``) mounted on it.

The one module that imports both. The service never imports the page; the page
imports only what it shares with the API (state, auth, limits, problems, schemas,
library). So the two share their dependencies without importing each other, and
``twinrisk serve`` and the tests build the app here.
"""

from __future__ import annotations

from fastapi import FastAPI

from twinrisk.service.app import create_api
from twinrisk.service.settings import Settings
from twinrisk.store import Store
from twinrisk.web.render import render_error
from twinrisk.web.routes import mount_web


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> FastAPI:
    """The API, the web page at ``/``, and HTML error pages for browsers' requests
    outside ``/v1``. ``settings`` default to ``Settings.from_env()``, read here, never
    at import."""
    app = create_api(settings, store=store, error_page=render_error)
    mount_web(app)
    return app
