"""What every reader shares: opening a path or in-memory bytes (gzip-compressed or
not), the size used for progress, the not-UTF-8 message, and the chunk frame each
reader yields."""

from __future__ import annotations

import gzip
import io
import os
from pathlib import Path
from typing import IO, Any

import pandas as pd

from twinrisk.batch.columns import READ_ERROR
from twinrisk.batch.errors import BatchInputError


def chunk_frame(
    rows: list[list[str]], columns: list[str], start: int, errors: dict[int, str] | None = None
) -> pd.DataFrame:
    """One chunk as a frame of text cells indexed by row number from ``start``; rows
    with an ``errors`` entry carry it in :data:`READ_ERROR`."""
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


def open_binary(source: str | Path | bytes) -> IO[bytes]:
    """The raw bytes of ``source``, gunzipped when the path ends ``.gz`` or the bytes
    start with gzip's magic number; a missing or unreadable file is a batch error."""
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


def source_size(source: str | Path | bytes) -> int | None:
    """Bytes to read, for the progress bar (``None`` when the size cannot be known)."""
    if isinstance(source, bytes):
        return len(source)
    try:
        return os.path.getsize(source)
    except OSError:
        return None


def not_utf8(source: str, exc: UnicodeDecodeError, where: str) -> BatchInputError:
    """The one message for text that is not UTF-8, naming the byte and the way out."""
    byte = exc.object[exc.start : exc.start + 1].hex() if exc.object else "?"
    return BatchInputError(
        f"{source}: not UTF-8 text (byte 0x{byte} {where}); save the file as UTF-8 "
        "(in Excel: 'CSV UTF-8 (Comma delimited)')"
    )


def named_source(source: str | Path | bytes, name: str | None) -> tuple[str, Any]:
    """The name to use in messages, and what a reader opens (a path or an in-memory file)."""
    if isinstance(source, bytes):
        return name or "input", io.BytesIO(source)
    return name or str(source), source
