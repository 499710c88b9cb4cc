"""Reports: one assessment as Markdown, self-contained HTML or PDF, and the batch
summary as HTML. One Jinja2 template family under ``templates/``; every
user-supplied string escaped. Imported lazily so the CLI starts fast.

- :func:`render` (``assessment, "md" | "html" | "pdf"`` → bytes)
- :func:`render_batch_summary` (scored frame[, failed frame] → HTML text)
- :class:`BatchSummary` (the same summary accumulated chunk by chunk)
- :class:`ReportError`
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["FORMATS", "BatchSummary", "ReportError", "render", "render_batch_summary"]

if TYPE_CHECKING:  # pragma: no cover
    from twinrisk.reports.assessment import FORMATS, ReportError, render
    from twinrisk.reports.summary import BatchSummary, render_batch_summary


def __getattr__(name: str) -> Any:
    if name in ("render", "ReportError", "FORMATS"):
        from twinrisk.reports import assessment as _assessment

        return getattr(_assessment, name)
    if name in ("render_batch_summary", "BatchSummary"):
        from twinrisk.reports import summary

        return getattr(summary, name)
    raise AttributeError(name)
