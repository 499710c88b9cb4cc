"""Errors of the batch layer (kept import-light: the CLI and the service import it)."""

from __future__ import annotations

from twinrisk.core.errors import InputError


class BatchInputError(InputError):
    """The input cannot be read as a batch at all (not UTF-8, no header, required
    columns missing, a column named twice, unreadable workbook). The message says what
    was found and what to change. Problems with single rows are never raised: they go
    in the row's ``error`` column."""

    slug = "invalid-batch"
    title = "Batch cannot be read"
