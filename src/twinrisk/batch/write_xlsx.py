""".xlsx output, streamed in openpyxl's write-only mode.

A sheet that fills up (Excel's limit of 1,048,576 rows) continues on a new sheet
with the header repeated; text longer than a cell holds is cut with an ellipsis,
and characters XML cannot hold are dropped. Every text cell, the header included,
is neutralised against spreadsheet formulas.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from twinrisk.batch.columns import int_columns
from twinrisk.batch.safety import neutralise_frame

XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_CELL = 32_767


class XlsxWriter:
    """Rows appended to a write-only workbook (streamed to disk by openpyxl)."""

    def __init__(self, path: Path) -> None:
        from openpyxl import Workbook

        self.path = path
        self._wb = Workbook(write_only=True)
        self._ws: Any = None
        self._rows = 0
        self._sheets = 0
        self._header: list[str] | None = None

    def _new_sheet(self) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        self._sheets += 1
        self._ws = self._wb.create_sheet(
            "scored" if self._sheets == 1 else f"scored ({self._sheets})"
        )
        bold = Font(bold=True)
        cells = []
        for name in self._header or []:
            cell = WriteOnlyCell(self._ws, value=_xlsx_text(name))
            cell.font = bold
            cells.append(cell)
        self._ws.append(cells)
        self._ws.freeze_panes = "A2"
        self._rows = 1

    def write(self, df: pd.DataFrame) -> None:
        safe = neutralise_frame(df)
        if self._header is None:
            self._header = [str(c) for c in safe.columns]
            self._new_sheet()
        ints = [c in int_columns(list(df.columns)) for c in df.columns]
        for values in safe.itertuples(index=False, name=None):
            if self._rows >= XLSX_MAX_ROWS:
                self._new_sheet()
            row: list[Any] = []
            for v, is_int in zip(values, ints, strict=True):
                if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
                    row.append(None)
                elif is_int:
                    row.append(int(v))
                elif isinstance(v, str):
                    row.append(_xlsx_text(v))
                else:
                    row.append(v)
            self._ws.append(row)
            self._rows += 1

    def close(self) -> None:
        if self._header is None:
            self._header = []
            self._new_sheet()
        self._wb.save(self.path)


def _xlsx_text(value: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value if len(value) <= XLSX_MAX_CELL else value[: XLSX_MAX_CELL - 1] + "…"
