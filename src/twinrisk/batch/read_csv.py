"""CSV input (``.csv``, ``.tsv``, ``.txt``, ``.gz`` allowed), streamed row by row.

UTF-8 (a byte-order mark is accepted); the separator is detected from the header
line among ``,`` ``;`` tab and ``|``. Read with the :mod:`csv` module rather than
pandas so that a malformed row becomes that row's error instead of stopping the
file: a row with fewer or more fields than the header (the error names the missing
columns), and a quote that is never closed (see :data:`MAX_RECORD_LINES`).
Duplicate header names are refused.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pandas as pd

from twinrisk.batch.columns import REQUIRED_COLUMNS, check_columns, known_columns, normalise_columns
from twinrisk.batch.errors import BatchInputError
from twinrisk.batch.sources import chunk_frame, not_utf8, open_binary, source_size

DELIMITERS = (",", ";", "\t", "|")
#: the most physical lines one CSV record may span (a quoted value holding line breaks,
#: say a multi-line note). A record still open after this many lines, or at the end
#: of the file, or whose line breaks fall in a column twinrisk reads (place names,
#: countries, dates, terms never hold one) is an unclosed quote: the row where the
#: quote opened gets the error, and the lines after it are read again as rows of
#: their own. This bounds the memory an unclosed quote can take.
MAX_RECORD_LINES = 100


class CsvReader:
    """Stream a delimited text file in chunks of ``chunk_size`` rows."""

    def __init__(
        self,
        source: str | Path | bytes,
        *,
        chunk_size: int,
        reserved: tuple[str, ...] = (),
        name: str | None = None,
    ) -> None:
        self.name = name or ("input" if isinstance(source, bytes) else str(source))
        self.chunk_size = chunk_size
        self._total = source_size(source)
        self._raw = open_binary(source)
        self._text = io.TextIOWrapper(self._raw, encoding="utf-8-sig", errors="strict", newline="")
        self._lines_before = 1
        try:
            header_line = self._text.readline()
            while header_line and not header_line.strip():
                self._lines_before += 1
                header_line = self._text.readline()
        except UnicodeDecodeError as exc:
            self.close()
            raise not_utf8(self.name, exc, "in the header") from exc
        if not header_line.strip():
            self.close()
            raise BatchInputError(
                f"{self.name}: the file is empty; expected a header row "
                "with local, local_country, partner, partner_country"
            )
        self.delimiter, header = self._sniff(header_line)
        hint = ""
        if len(header) == 1:
            hint = (
                " The header has a single column: if the file uses another separator, "
                "use comma, semicolon, tab or '|'."
            )
        try:
            self.columns = normalise_columns(header, reserved, source=self.name)
            check_columns(self.columns, source=self.name, hint=hint)
        except BatchInputError:
            self.close()
            raise

    @staticmethod
    def _sniff(line: str) -> tuple[str, list[str]]:
        best: tuple[str, list[str]] | None = None
        for delim in DELIMITERS:
            fields = next(csv.reader([line], delimiter=delim))
            names = set(normalise_columns(list(fields), allow_duplicates=True))
            if all(c in names for c in REQUIRED_COLUMNS):
                return delim, fields
            if best is None or len(fields) > len(best[1]):
                best = (delim, fields)
        assert best is not None
        return best

    def fraction_done(self) -> float | None:
        if not self._total:
            return None
        try:
            pos = self._raw.tell()
        except (OSError, ValueError):
            return None
        if isinstance(self._raw, gzip.GzipFile):
            fileobj = self._raw.fileobj
            pos = fileobj.tell() if fileobj is not None else pos
        return min(1.0, pos / self._total)

    def close(self) -> None:
        with contextlib.suppress(Exception):  # closing a file we only read
            self._text.close()

    def __iter__(self) -> Iterator[pd.DataFrame]:
        width = len(self.columns)
        delimiter = self.delimiter
        known = set(known_columns())
        interpreted = [i for i, c in enumerate(self.columns) if c in known]
        lines = _Lines(self._text)
        reader = csv.reader(lines, delimiter=delimiter)
        rows: list[list[str]] = []
        errors: dict[int, str] = {}
        start = 0
        n = 0
        try:
            while True:
                line = lines.count + 1 + self._lines_before  # where this record starts
                error = ""
                try:
                    fields = next(reader)
                except StopIteration:
                    break
                except _RecordOpen as exc:  # the quote never closes
                    reach = (
                        "to the end of the file"
                        if exc.at_eof
                        else f"past line {line + MAX_RECORD_LINES - 1}"
                    )
                    fields, error = self._reread(lines, line, reach)
                    reader = csv.reader(lines, delimiter=delimiter)
                except csv.Error as exc:  # e.g. a value over csv.field_size_limit()
                    if len(lines.record) > 1:
                        reach = f"over {len(lines.record)} lines"
                        fields, error = self._reread(lines, line, reach)
                    else:
                        lines.done()
                        fields, error = (
                            [],
                            (
                                f"line {line}: a value longer than "
                                f"{csv.field_size_limit():,} characters ({exc})"
                            ),
                        )
                    reader = csv.reader(lines, delimiter=delimiter)
                else:
                    spans = len(lines.record)
                    if spans > 1 and (
                        len(fields) != width
                        or any(
                            "\n" in fields[i] or "\r" in fields[i]
                            for i in interpreted
                            if i < len(fields)
                        )
                    ):
                        # a quote closed lines later, so the line breaks between rows
                        # were read as part of one value
                        reach = f"over {spans} lines (to line {line + spans - 1})"
                        fields, error = self._reread(lines, line, reach)
                    else:
                        lines.done()
                if not error:
                    if not fields or (len(fields) == 1 and not fields[0].strip()):
                        continue  # blank line
                    if len(fields) < width:
                        missing = ", ".join(self.columns[len(fields) :])
                        error = (
                            f"line {line}: {len(fields)} fields but the header has "
                            f"{width}; missing {missing}, so the row was not scored "
                            f"(is the row cut short, or a {delimiter!r} missing?)"
                        )
                    elif len(fields) > width and any(f.strip() for f in fields[width:]):
                        error = (
                            f"line {line}: {len(fields)} fields but the header has "
                            f"{width}; quote any value that contains {delimiter!r}"
                        )
                if len(fields) != width:
                    fields = (fields + [""] * (width - len(fields)))[:width]
                if error:
                    errors[n] = error
                rows.append(fields)
                n += 1
                if len(rows) >= self.chunk_size:
                    yield chunk_frame(rows, self.columns, start, errors)
                    start, rows, errors = n, [], {}
        except UnicodeDecodeError as exc:
            raise not_utf8(
                self.name, exc, f"after line {lines.count + self._lines_before}"
            ) from exc
        finally:
            self.close()
        if rows:
            yield chunk_frame(rows, self.columns, start, errors)

    def _reread(self, lines: _Lines, line: int, reach: str) -> tuple[list[str], str]:
        """The record starting at ``line`` opened a quote that does not close sensibly:
        its first line alone becomes the row (with the error), the lines after it go
        back to be read again as rows of their own."""
        record = lines.done()
        lines.replay(record[1:])
        try:
            fields = next(csv.reader([record[0].rstrip("\r\n")], delimiter=self.delimiter), [])
        except csv.Error:
            fields = []
        after = len(record) - 1
        reread = (
            ""
            if not after
            else "; the line after it was read again as a row of its own"
            if after == 1
            else f"; the {after} lines after it were read again as rows of their own"
        )
        error = (
            f'line {line}: unclosed quote: a value opened with a quote (") on this line '
            f"runs {reach} without a closing quote, so this row was not scored{reread}. "
            'Close the quote, or write a quote inside a quoted value as two ("")'
        )
        return fields, error


class _RecordOpen(Exception):
    """A CSV record is still inside a quoted value at the end of the file, or after
    :data:`MAX_RECORD_LINES` lines."""

    def __init__(self, at_eof: bool) -> None:
        super().__init__("unclosed quote")
        self.at_eof = at_eof


class _Lines:
    """The physical lines of a text stream, for :func:`csv.reader`, one record at a time.

    Counts the lines handed out and keeps those of the record being parsed, so a
    record whose quote never closes can be given back (:meth:`replay`) and read again.
    The csv reader asks for another line before returning a record only while inside
    a quoted value, so a request with lines already held means a quote spans lines:
    past :data:`MAX_RECORD_LINES`, or at the end of the file, :class:`_RecordOpen` is
    raised out of the reader. Holds at most that many lines, whatever the file.
    """

    __slots__ = ("_readline", "_replay", "count", "record")

    def __init__(self, text: IO[str]) -> None:
        self._readline = text.readline
        self._replay: list[str] = []  # a stack: the next line to read is last
        self.count = 0
        self.record: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        record = self.record
        if len(record) >= MAX_RECORD_LINES:
            raise _RecordOpen(at_eof=False)
        line = self._replay.pop() if self._replay else self._readline()
        if not line:
            if record:
                raise _RecordOpen(at_eof=True)
            raise StopIteration
        self.count += 1
        record.append(line)
        return line

    def done(self) -> list[str]:
        """The lines of the record just parsed; the next line starts a new record."""
        record, self.record = self.record, []
        return record

    def replay(self, lines: list[str]) -> None:
        """Read ``lines`` again, before the rest of the stream."""
        self._replay.extend(reversed(lines))
        self.count -= len(lines)
