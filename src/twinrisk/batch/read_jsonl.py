"""JSON Lines input (``.jsonl``, ``.ndjson``, ``.json`` holding one object per line).

Streamed, and read twice: first to collect the union of keys (the output needs its
header before the first row is written), then to score. A line that is not a JSON
object becomes that row's error.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from twinrisk.batch.columns import cell_text, check_columns, normalise_columns
from twinrisk.batch.errors import BatchInputError
from twinrisk.batch.sources import chunk_frame, not_utf8, open_binary


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
        raw = open_binary(self.source)
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
            raise not_utf8(self.name, exc, f"after line {lineno}") from exc
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
                yield chunk_frame(rows, self.columns, start, errors)
                start, rows, errors = n, [], {}
        self._done = n
        if rows:
            yield chunk_frame(rows, self.columns, start, errors)
