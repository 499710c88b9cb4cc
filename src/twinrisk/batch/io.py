"""Reading batch inputs in chunks and writing scored outputs, with bounded memory.

Inputs (by extension, ``.gz`` allowed for text formats):

- CSV (``.csv``, ``.tsv``, ``.txt``): UTF-8 (a byte-order mark is accepted); the
  separator is detected from the header line among ``,`` ``;`` tab and ``|``.
  Streamed row by row with the :mod:`csv` module, so a malformed row becomes that
  row's error instead of stopping the file: a row with fewer or more fields than
  the header (the error names the missing columns), and a quote that is never
  closed (see :data:`MAX_RECORD_LINES`). Duplicate header names are refused.
- JSON Lines (``.jsonl``, ``.ndjson``, ``.json`` holding one object per line):
  streamed; read twice, first to collect the union of keys (the output needs its
  header before the first row is written), then to score. A line that is not a
  JSON object becomes that row's error.
- Excel (``.xlsx``, ``.xlsm``): the first worksheet, read row by row in openpyxl's
  read-only mode. Rows stream, but openpyxl keeps the workbook's shared-strings
  table in memory, so memory grows with the number of distinct texts in the
  workbook (an Excel sheet holds at most 1,048,576 rows anyway).
- Parquet (``.parquet``): streamed by record batch.

Every input cell is read as text (an empty cell is ``""``); the scorer parses
dates and terms and names the field it could not read.

Outputs (by extension): CSV (UTF-8, no byte-order mark), ``.xlsx`` (openpyxl
write-only mode, streamed; a sheet that fills up continues on a new sheet) and
Parquet (pyarrow, one row group per chunk). Every text cell written, the header
included, goes through :func:`twinrisk.batch.safety.neutralise_frame`. Outputs are
written to a temporary file next to the target and renamed into place only when
complete, so a failed run never leaves a half-written file under the final name.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gzip
import io
import json
import math
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

import pandas as pd

from twinrisk.batch.errors import BatchInputError
from twinrisk.batch.safety import neutralise_frame

REQUIRED_COLUMNS = ("local", "partner")
COUNTRY_COLUMNS = ("local_country", "partner_country")
#: a private column carrying an error found while reading a row (ragged CSV, bad JSON)
READ_ERROR = "__twinrisk_read_error__"

INPUT_FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
}
OUTPUT_FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet", ".pq": "parquet"}
DELIMITERS = (",", ";", "\t", "|")
#: other names accepted for a required column when that column itself is absent
#: (``local_place``/``partner_place`` are the columns of features/dyads.csv)
COLUMN_ALIASES = {
    "local": ("local_place", "local_city", "local_name"),
    "partner": ("partner_place", "partner_city", "partner_name"),
}
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_CELL = 32_767
#: the most physical lines one CSV record may span (a quoted value holding line breaks,
#: say a multi-line note). A record still open after this many lines, or at the end
#: of the file, or whose line breaks fall in a column twinrisk reads (place names,
#: countries, dates, terms never hold one) is an unclosed quote: the row where the
#: quote opened gets the error, and the lines after it are read again as rows of
#: their own. This bounds the memory an unclosed quote can take.
MAX_RECORD_LINES = 100


class InputReader(Protocol):
    columns: list[str]

    def __iter__(self) -> Iterator[pd.DataFrame]: ...

    def fraction_done(self) -> float | None: ...


# --------------------------------------------------------------------------- helpers


def known_columns() -> tuple[str, ...]:
    """Input columns twinrisk interprets (matched case-insensitively)."""
    from twinrisk.core.terms import TERMS

    return (*REQUIRED_COLUMNS, *COUNTRY_COLUMNS, "as_of", *TERMS)


def normalise_columns(
    raw: list[Any],
    reserved: tuple[str, ...] = (),
    *,
    source: str = "input",
    allow_duplicates: bool = False,
) -> list[str]:
    """Header cells as column names: trimmed, known names lower-cased, blanks named
    ``column_<n>``, and pass-through columns that clash with an output column renamed
    ``<name>_input`` (suffixed ``.1``, ``.2`` … should that name be taken too).

    Raises :class:`BatchInputError` naming them when two header cells give the same
    name (``local`` twice, or ``Local`` and ``local``): which of the two is meant
    cannot be guessed. ``allow_duplicates`` suffixes them instead (used only while
    guessing the separator)."""
    known = {c.lower(): c for c in known_columns()}
    out: list[str] = []
    seen: set[str] = set()
    given: dict[str, list[tuple[int, str]]] = {}
    for i, cell in enumerate(raw):
        name = "" if cell is None else str(cell).replace("\ufeff", "").strip()
        if not name:
            name = f"column_{i + 1}"
        else:
            given.setdefault(known.get(name.lower().replace(" ", "_"), name), []).append(
                (i + 1, name)
            )
        name = known.get(name.lower().replace(" ", "_"), name)
        if name in reserved:
            name = f"{name}_input"
        base, n = name, 0
        while name in seen:
            n += 1
            name = f"{base}.{n}"
        seen.add(name)
        out.append(name)
    duplicated = {name: cells for name, cells in given.items() if len(cells) > 1}
    if duplicated and not allow_duplicates:
        raise BatchInputError(
            f"{source}: {_duplicates_text(duplicated)}; each column must "
            "be named once, so rename or remove the extra one"
        )
    for required, aliases in COLUMN_ALIASES.items():
        if required not in out:
            for alias in aliases:
                if alias in out:
                    out[out.index(alias)] = required
                    break
    return out


def _duplicates_text(duplicated: dict[str, list[tuple[int, str]]]) -> str:
    parts = []
    for name, cells in list(duplicated.items())[:10]:
        spellings = sorted({raw for _, raw in cells})
        where = ", ".join(str(i) for i, _ in cells[:-1]) + f" and {cells[-1][0]}"
        written = (
            f" (written {' and '.join(repr(w) for w in spellings)})" if len(spellings) > 1 else ""
        )
        parts.append(f"{name!r}{written} in columns {where}")
    more = f", and {len(duplicated) - 10} more" if len(duplicated) > 10 else ""
    noun = "column" if len(duplicated) == 1 else "columns"
    return f"duplicate {noun} in the header: {'; '.join(parts)}{more}"


def check_columns(columns: list[str], *, source: str, hint: str = "") -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        found = ", ".join(repr(c) for c in columns[:30]) or "no columns"
        if len(columns) > 30:
            found += f", … ({len(columns)} in all)"
        expected = ", ".join(REQUIRED_COLUMNS + COUNTRY_COLUMNS)
        raise BatchInputError(
            f"{source}: missing required column(s) {', '.join(missing)}; found {found}. "
            f"Expected a header with {expected} (countries may be empty) and optionally "
            f"as_of and proposal-term columns.{hint}"
        )


def cell_text(value: Any) -> str:
    """One input cell as text: blanks empty, booleans ``true``/``false``, whole floats
    without ``.0``, dates ISO, lists comma-joined (``sensitive_domains``)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ",".join(cell_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def detect_format(path: str | Path, table: dict[str, str], what: str) -> str:
    name = str(path).lower()
    if name.endswith(".gz"):
        name = name[:-3]
    suffix = Path(name).suffix
    if suffix in table:
        return table[suffix]
    if what == "input" and suffix == ".xls":
        raise BatchInputError(f"{path}: old Excel .xls files are not read; save it as .xlsx or CSV")
    accepted = ", ".join(sorted(table))
    raise BatchInputError(
        f"{path}: cannot tell the {what} format from the extension "
        f"{suffix or '(none)'!r}; use one of {accepted}"
    )


def _frame(
    rows: list[list[str]], columns: list[str], start: int, errors: dict[int, str] | None = None
) -> pd.DataFrame:
    df = pd.DataFrame(
        rows, columns=columns, index=pd.RangeIndex(start, start + len(rows)), dtype=object
    )
    df = df.astype("str") if len(df) else df
    if errors:
        err = pd.Series("", index=df.index, dtype="str")
        for row, message in errors.items():
            err[row] = message
        df[READ_ERROR] = err
    return df


def _open_binary(source: str | Path | bytes) -> IO[bytes]:
    if isinstance(source, bytes):
        raw: IO[bytes] = io.BytesIO(source)
        if source[:2] == b"\x1f\x8b":
            return gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]
        return raw
    try:
        fh: IO[bytes] = open(source, "rb")  # noqa: SIM115 - closed by the reader
    except OSError as exc:
        raise BatchInputError(f"cannot read {source}: {exc.strerror or exc}") from exc
    if str(source).lower().endswith(".gz"):
        return gzip.GzipFile(fileobj=fh)  # type: ignore[return-value]
    return fh


def _size(source: str | Path | bytes) -> int | None:
    if isinstance(source, bytes):
        return len(source)
    try:
        return os.path.getsize(source)
    except OSError:
        return None


def _not_utf8(source: str, exc: UnicodeDecodeError, where: str) -> BatchInputError:
    byte = exc.object[exc.start : exc.start + 1].hex() if exc.object else "?"
    return BatchInputError(
        f"{source}: not UTF-8 text (byte 0x{byte} {where}); save the file as UTF-8 "
        "(in Excel: 'CSV UTF-8 (Comma delimited)')"
    )


# --------------------------------------------------------------------------- readers


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
        self._total = _size(source)
        self._raw = _open_binary(source)
        self._text = io.TextIOWrapper(self._raw, encoding="utf-8-sig", errors="strict", newline="")
        self._lines_before = 1
        try:
            header_line = self._text.readline()
            while header_line and not header_line.strip():
                self._lines_before += 1
                header_line = self._text.readline()
        except UnicodeDecodeError as exc:
            self.close()
            raise _not_utf8(self.name, exc, "in the header") from exc
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
                    yield _frame(rows, self.columns, start, errors)
                    start, rows, errors = n, [], {}
        except UnicodeDecodeError as exc:
            raise _not_utf8(
                self.name, exc, f"after line {lines.count + self._lines_before}"
            ) from exc
        finally:
            self.close()
        if rows:
            yield _frame(rows, self.columns, start, errors)

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


class JsonLinesReader:
    """Stream JSON Lines: one JSON object per line, keys are columns."""

    def __init__(
        self,
        source: str | Path | bytes,
        *,
        chunk_size: int,
        reserved: tuple[str, ...] = (),
        name: str | None = None,
    ) -> None:
        self.source = source
        self.name = name or ("input" if isinstance(source, bytes) else str(source))
        self.chunk_size = chunk_size
        self.reserved = reserved
        self._done = 0
        keys: dict[str, None] = {}
        count = 0
        first_bad: str | None = None
        for _, obj, _err in self._records():
            count += 1
            if isinstance(obj, dict):
                keys.update(dict.fromkeys(str(k) for k in obj))
            elif first_bad is None:
                first_bad = _err
        if count == 0:
            raise BatchInputError(
                f"{self.name}: the file is empty; expected one JSON object "
                "per line with local, local_country, partner, partner_country"
            )
        if not keys:
            raise BatchInputError(
                f"{self.name}: no line is a JSON object ({first_bad}); "
                "expected JSON Lines, one object per line"
            )
        self._keys = list(keys)
        self.columns = normalise_columns(self._keys, reserved, source=self.name)
        self._total = count
        check_columns(self.columns, source=self.name)

    def _records(self) -> Iterator[tuple[int, Any, str]]:
        raw = _open_binary(self.source)
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict")
        lineno = 0
        try:
            for lineno, line in enumerate(text, 1):  # noqa: B007 - used in the error
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield lineno, None, f"line {lineno}: not valid JSON ({exc.msg})"
                    continue
                if not isinstance(obj, dict):
                    yield (
                        lineno,
                        None,
                        (f"line {lineno}: a JSON {type(obj).__name__}, expected an object"),
                    )
                    continue
                yield lineno, obj, ""
        except UnicodeDecodeError as exc:
            raise _not_utf8(self.name, exc, f"after line {lineno}") from exc
        finally:
            text.close()

    def fraction_done(self) -> float | None:
        return self._done / self._total if self._total else None

    def __iter__(self) -> Iterator[pd.DataFrame]:
        rows: list[list[str]] = []
        errors: dict[int, str] = {}
        start = n = 0
        keys = self._keys
        for _, obj, err in self._records():
            if obj is None:
                errors[n] = err
                rows.append([""] * len(keys))
            else:
                rows.append([cell_text(obj.get(k)) for k in keys])
            n += 1
            if len(rows) >= self.chunk_size:
                self._done = n
                yield _frame(rows, self.columns, start, errors)
                start, rows, errors = n, [], {}
        self._done = n
        if rows:
            yield _frame(rows, self.columns, start, errors)


def _named_source(source: str | Path | bytes, name: str | None) -> tuple[str, Any]:
    """The name to use in messages, and what a reader opens (a path or an in-memory file)."""
    if isinstance(source, bytes):
        return name or "input", io.BytesIO(source)
    return name or str(source), source


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

        self.name, target = _named_source(source, name)
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
                    yield _frame(rows, self.columns, start, errors)
                    start, rows, errors = n, [], {}
        finally:
            self._wb.close()
        if rows:
            yield _frame(rows, self.columns, start, errors)


class ParquetReader:
    """A Parquet file, record batch by record batch, every cell as text."""

    def __init__(
        self,
        source: str | Path | bytes,
        *,
        chunk_size: int,
        reserved: tuple[str, ...] = (),
        name: str | None = None,
    ) -> None:
        import pyarrow.parquet as pq

        self.name, target = _named_source(source, name)
        self.chunk_size = chunk_size
        try:
            self._file = pq.ParquetFile(target)
        except OSError as exc:
            raise BatchInputError(f"cannot read {self.name}: {exc}") from exc
        except Exception as exc:  # noqa: BLE001 - pyarrow's errors
            raise BatchInputError(f"{self.name}: not a readable Parquet file ({exc})") from exc
        self.columns = normalise_columns(
            list(self._file.schema_arrow.names), reserved, source=self.name
        )
        self._total = self._file.metadata.num_rows
        self._done = 0
        check_columns(self.columns, source=self.name)

    def fraction_done(self) -> float | None:
        return self._done / self._total if self._total else None

    def __iter__(self) -> Iterator[pd.DataFrame]:
        start = 0
        for batch in self._file.iter_batches(batch_size=self.chunk_size):
            df = batch.to_pandas()
            rows = [[cell_text(v) for v in row] for row in df.itertuples(index=False)]
            self._done = start + len(rows)
            yield _frame(rows, self.columns, start)
            start += len(rows)


def open_input(
    source: str | Path | bytes,
    *,
    chunk_size: int = 50_000,
    fmt: str | None = None,
    reserved: tuple[str, ...] = (),
    name: str | None = None,
) -> CsvReader | JsonLinesReader | XlsxReader | ParquetReader:
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


# --------------------------------------------------------------------------- writers


def int_columns(columns: list[str]) -> set[str]:
    """Output columns holding whole numbers (nullable)."""
    return {c for c in columns if c == "score" or c.startswith("points_")}


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


@dataclass
class CsvWriter:
    """CSV to a text stream; the caller owns the stream."""

    stream: IO[str]
    _header: bool = field(default=False, init=False)

    def write(self, df: pd.DataFrame) -> None:
        neutralise_frame(df).to_csv(
            self.stream, header=not self._header, index=False, lineterminator="\n"
        )
        self._header = True

    def close(self) -> None:
        self.stream.flush()


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


class ParquetWriter:
    """One row group per chunk; text columns as strings, scores as nullable int64."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._writer: Any = None
        self._schema: Any = None

    def write(self, df: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        safe = neutralise_frame(df)
        if self._schema is None:
            ints = int_columns(list(df.columns))
            inferred = pa.Schema.from_pandas(safe, preserve_index=False)
            fields = []
            for i, c in enumerate(safe.columns):
                column = safe.iloc[:, i]
                if c in ints:
                    fields.append((str(c), pa.int64()))
                elif column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
                    fields.append((str(c), pa.string()))
                else:  # a typed pass-through column from a caller's own frame
                    fields.append((str(c), inferred.field(i).type))
            self._schema = pa.schema(fields)
            self._writer = pq.ParquetWriter(self.path, self._schema)
        table = pa.Table.from_pandas(safe, schema=self._schema, preserve_index=False)
        self._writer.write_table(table)

    def close(self) -> None:
        if self._writer is None:
            import pyarrow as pa
            import pyarrow.parquet as pq

            pq.write_table(pa.table({}), self.path)
        else:
            self._writer.close()


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
