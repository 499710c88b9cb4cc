"""A progress bar on stderr, drawn only when stderr is a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """``update(fraction, rows)`` redraws at most ten times a second; ``close()`` clears."""

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        label: str = "scoring",
        enabled: bool | None = None,
        width: int = 30,
    ) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.label = label
        self.width = width
        self._start = time.monotonic()
        self._last = 0.0
        self._drawn = False

    def __call__(self, fraction: float | None, rows: int) -> None:
        self.update(fraction, rows)

    def update(self, fraction: float | None, rows: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.1 and fraction not in (None, 1.0):
            return
        self._last = now
        elapsed = now - self._start
        rate = rows / elapsed if elapsed > 0 else 0.0
        if fraction is None:
            bar = f"{rows:,} rows"
        else:
            filled = int(round(self.width * max(0.0, min(1.0, fraction))))
            bar = f"[{'#' * filled}{'.' * (self.width - filled)}] {fraction:4.0%}  {rows:,} rows"
        self.stream.write(f"\r{self.label} {bar}  {rate:,.0f} rows/s ")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self.enabled and self._drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()
