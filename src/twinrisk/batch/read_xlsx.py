"""Excel input (``.xlsx``, ``.xlsm``): the first worksheet, row by row, in openpyxl's
read-only mode.

Rows stream, but openpyxl keeps the workbook's shared-strings table in memory, so
memory grows with the number of distinct texts in the workbook (an Excel sheet
holds at most 1,048,576 rows anyway). openpyxl is imported only when a workbook is
read, so CSV runs do not pay for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from twinrisk.batch.columns import cell_text, check_columns, normalise_columns
from twinrisk.batch.errors import BatchInputError
from twinrisk.batch.sources import chunk_frame, named_source


class XlsxReader:
    """The first worksheet of an .xlsx workbook, row by row (openpyxl read-only mode)."""

    def __init__(
        self,
        source: str | Path | bytes,
        *,
        chunk_size: int,
        reserved: tuple[str, ...] = (),
        name: str | None = None,
    ) -> None:
        from openpyxl import load_workbook

        self.name, target = named_source(source, name)
        self.chunk_size = chunk_size
        try:
            self._wb = load_workbook(target, read_only=True, data_only=True)
        except OSError as exc:
            raise BatchInputError(f"cannot read {self.name}: {exc.strerror or exc}") from exc
        except Exception as exc:  # noqa: BLE001 - zipfile, XML and openpyxl errors
            raise BatchInputError(f"{self.name}: not a readable .xlsx workbook ({exc})") from exc
        ws = self._wb.worksheets[0]
        self._rows = ws.iter_rows(values_only=True)
        self._max_row = ws.max_row or None
        self._done = 0
        header: tuple[Any, ...] | None = None
        for row in self._rows:
            self._done += 1
            if any(v is not None and str(v).strip() for v in row):
                header = row
                break
        if header is None:
            self._wb.close()
            raise BatchInputError(
                f"{self.name}: the first worksheet is empty; expected a "
                "header row with local, local_country, partner, "
                "partner_country"
            )
        while header and (header[-1] is None or not str(header[-1]).strip()):
            header = header[:-1]
        try:
            source = f"{self.name} (sheet {ws.title!r})"
            self.columns = normalise_columns(list(header), reserved, source=source)
            check_columns(self.columns, source=source)
        except BatchInputError:
            self._wb.close()
            raise

    def fraction_done(self) -> float | None:
        return min(1.0, self._done / self._max_row) if self._max_row else None

    def __iter__(self) -> Iterator[pd.DataFrame]:
        width = len(self.columns)
        rows: list[list[str]] = []
        errors: dict[int, str] = {}
        start = n = 0
        try:
            for values in self._rows:
                self._done += 1
                cells = [cell_text(v) for v in values]
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) < width:
                    cells += [""] * (width - len(cells))
                elif len(cells) > width:
                    if any(c.strip() for c in cells[width:]):
                        errors[n] = f"sheet row {self._done}: values beyond the last header column"
                    cells = cells[:width]
                rows.append(cells)
                n += 1
                if len(rows) >= self.chunk_size:
                    yield chunk_frame(rows, self.columns, start, errors)
                    start, rows, errors = n, [], {}
        finally:
            self._wb.close()
        if rows:
            yield chunk_frame(rows, self.columns, start, errors)
