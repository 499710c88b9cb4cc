"""Batch scoring: many dyads in, a scored table (CSV, .xlsx or Parquet) out.

Library surface (imported lazily, so ``twinrisk --help`` stays fast):

- :func:`score_file` — what ``twinrisk batch`` runs: stream a CSV / JSON Lines /
  .xlsx / Parquet file through ``twinrisk.assess_frame`` in chunks;
- :func:`score_frame` / :func:`score_frame_stream` — score a DataFrame, or an
  iterable of them, keeping pass-through columns and per-row errors;
- :func:`score_csv_bytes` — score an uploaded CSV held in memory (HTTP service);
- :class:`BatchInputError` — the input cannot be read as a batch at all;
- :func:`neutralise_formula` / :func:`neutralise_frame` — the one spreadsheet-formula
  rule applied to every text cell twinrisk writes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from twinrisk.batch.errors import BatchInputError
from twinrisk.batch.safety import neutralise_formula, neutralise_frame

__all__ = [
    "RESULT_COLUMNS",
    "BatchInputError",
    "BatchResult",
    "neutralise_formula",
    "neutralise_frame",
    "score_csv_bytes",
    "score_file",
    "score_frame",
    "score_frame_stream",
]

if TYPE_CHECKING:  # pragma: no cover
    from twinrisk.batch.core import (
        RESULT_COLUMNS,
        BatchResult,
        score_csv_bytes,
        score_file,
        score_frame,
        score_frame_stream,
    )

_LAZY = {
    "RESULT_COLUMNS",
    "BatchResult",
    "score_csv_bytes",
    "score_file",
    "score_frame",
    "score_frame_stream",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from twinrisk.batch import core

        return getattr(core, name)
    raise AttributeError(name)
