"""twinrisk: transparent risk scores for proposed city partnerships.

The public library surface is ``assess`` (one proposal) and ``assess_frame``
(a DataFrame of proposals); both run the same pipeline. Imports are lazy so that
``import twinrisk`` stays cheap for the CLI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["assess", "assess_each", "assess_frame", "assess_many", "__version__"]

if TYPE_CHECKING:  # pragma: no cover
    from twinrisk.explain.assess import assess, assess_each, assess_frame, assess_many


def __getattr__(name: str) -> Any:
    if name in __all__ and name != "__version__":
        from twinrisk.explain import assess as _assess

        return getattr(_assess, name)
    raise AttributeError(name)
