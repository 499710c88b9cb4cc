"""Writing a scored-output file: the writer its extension names (CSV, .xlsx or
Parquet), fed chunk by chunk.

The file is written to a temporary name next to the target and renamed into place
only when complete, so a failed or interrupted run never leaves a half-written
file under the final name. Every text cell written, the header included, goes
through :func:`twinrisk.batch.safety.neutralise_frame` in the writers.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import IO

import pandas as pd

from twinrisk.batch.errors import BatchInputError
from twinrisk.batch.formats import OUTPUT_FORMATS, detect_format
from twinrisk.batch.write_csv import CsvWriter
from twinrisk.batch.write_parquet import ParquetWriter
from twinrisk.batch.write_xlsx import XlsxWriter


class _AtomicFile:
    """A temporary file next to ``target``, renamed onto it by :meth:`commit`."""

    def __init__(self, target: str | Path) -> None:
        self.target = Path(target)
        try:
            self.target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BatchInputError(f"cannot write {target}: {exc.strerror or exc}") from exc
        fd, tmp = tempfile.mkstemp(
            prefix=f".{self.target.name}.", suffix=".partial", dir=self.target.parent or "."
        )
        os.close(fd)
        self.tmp = Path(tmp)

    def commit(self) -> None:
        os.chmod(self.tmp, 0o644)
        os.replace(self.tmp, self.target)

    def abort(self) -> None:
        self.tmp.unlink(missing_ok=True)


class OutputFile:
    """A scored-output file of the format its extension names, written atomically."""

    def __init__(self, path: str | Path, fmt: str | None = None) -> None:
        self.fmt = fmt or detect_format(path, OUTPUT_FORMATS, "output")
        self._file = _AtomicFile(path)
        self._stream: IO[str] | None = None
        self._writer: CsvWriter | XlsxWriter | ParquetWriter
        if self.fmt == "csv":
            self._stream = open(self._file.tmp, "w", encoding="utf-8", newline="")  # noqa: SIM115
            self._writer = CsvWriter(self._stream)
        elif self.fmt == "xlsx":
            self._writer = XlsxWriter(self._file.tmp)
        elif self.fmt == "parquet":
            self._writer = ParquetWriter(self._file.tmp)
        else:
            self._file.abort()
            raise ValueError(f"unknown output format {self.fmt!r}")

    @property
    def path(self) -> Path:
        return self._file.target

    def write(self, df: pd.DataFrame) -> None:
        self._writer.write(df)

    def commit(self) -> None:
        self._writer.close()
        if self._stream is not None:
            self._stream.close()
        self._file.commit()

    def abort(self) -> None:
        try:
            if self._stream is not None:
                self._stream.close()
        finally:
            self._file.abort()
