"""Errors of the batch layer (kept import-light: the CLI and the service import it)."""

from __future__ import annotations

from typing import Any, ClassVar

from twinrisk.core.errors import InputError


class BatchInputError(InputError):
    """The input cannot be read as a batch at all (not UTF-8, no header, required
    columns missing, a column named twice, unreadable workbook). The message says what
    was found and what to change. Problems with single rows are never raised: they go
    in the row's ``error`` column."""

    # the service meets it only on a CSV upload (the ``file`` field)
    slug = "invalid-csv"
    title = "Unreadable CSV"
    default_field: ClassVar[str | None] = "file"


class BatchTooLarge(BatchInputError):
    """More data rows than the caller may send at once (``limit``)."""

    slug = "too-many-rows"
    title = "Too many rows"
    status = 413
    default_field = None

    def __init__(self, message: str, limit: int) -> None:
        super().__init__(message)
        self.limit = limit

    def members(self) -> dict[str, Any]:
        return {"limit": self.limit}
