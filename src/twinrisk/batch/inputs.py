"""Opening a batch input: the reader its format needs, each yielding chunks of at
most ``chunk_size`` rows as frames of text cells, so memory stays bounded whatever
the file's size.

Formats: CSV (:mod:`twinrisk.batch.read_csv`), JSON Lines
(:mod:`twinrisk.batch.read_jsonl`), Excel (:mod:`twinrisk.batch.read_xlsx`) and
Parquet (:mod:`twinrisk.batch.read_parquet`). A row that cannot be read (a ragged
CSV row, a line that is not JSON) is not raised: its chunk carries the message in
:data:`twinrisk.batch.columns.READ_ERROR` and the row is reported, unscored.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import pandas as pd

from twinrisk.batch.errors import BatchInputError
from twinrisk.batch.formats import INPUT_FORMATS, detect_format
from twinrisk.batch.read_csv import CsvReader
from twinrisk.batch.read_jsonl import JsonLinesReader
from twinrisk.batch.read_parquet import ParquetReader
from twinrisk.batch.read_xlsx import XlsxReader


class InputReader(Protocol):
    """What the batch needs of a reader: the column names, the chunks, and how far
    through the file it is (for the progress bar; ``None`` when unknown)."""

    columns: list[str]

    def __iter__(self) -> Iterator[pd.DataFrame]: ...

    def fraction_done(self) -> float | None: ...


def open_input(
    source: str | Path | bytes,
    *,
    chunk_size: int = 50_000,
    fmt: str | None = None,
    reserved: tuple[str, ...] = (),
    name: str | None = None,
) -> InputReader:
    """A chunked reader for ``source`` (a path, or bytes with ``fmt`` given)."""
    if fmt is None:
        if isinstance(source, bytes):
            raise ValueError("give fmt= when reading bytes")
        fmt = detect_format(source, INPUT_FORMATS, "input")
    if not isinstance(source, bytes) and not Path(source).is_file():
        raise BatchInputError(f"cannot read {source}: no such file")
    readers: dict[str, type[CsvReader | JsonLinesReader | XlsxReader | ParquetReader]] = {
        "csv": CsvReader,
        "jsonl": JsonLinesReader,
        "xlsx": XlsxReader,
        "parquet": ParquetReader,
    }
    if fmt not in readers:
        raise ValueError(f"unknown input format {fmt!r}; one of {', '.join(readers)}")
    return readers[fmt](source, chunk_size=chunk_size, reserved=reserved, name=name)
