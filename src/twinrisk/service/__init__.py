"""The HTTP service: the ``/v1`` API (``create_api``) and the assessment store behind
it. The officers' web page is mounted on it in ``twinrisk.app.create_app``, which is
what ``twinrisk serve`` runs.

Every endpoint calls the same library functions as the CLI (``twinrisk.assess``,
``twinrisk.places``, ``twinrisk.batch``, ``twinrisk.reports``); nothing here scores.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from twinrisk.service.app import create_api

__all__ = ["create_api"]


def __getattr__(name: str) -> Any:
    if name == "create_api":
        from twinrisk.service.app import create_api

        return create_api
    raise AttributeError(name)
