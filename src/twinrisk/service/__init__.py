"""The HTTP service: a FastAPI app (``create_app``) with the ``/v1`` API, the
officers' web page at ``/`` and the assessment store behind both.

Every endpoint calls the same library functions as the CLI (``twinrisk.assess``,
``twinrisk.places``, ``twinrisk.batch``, ``twinrisk.reports``); nothing here scores.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from twinrisk.service.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from twinrisk.service.app import create_app

        return create_app
    raise AttributeError(name)
