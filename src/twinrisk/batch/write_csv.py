"""CSV output: UTF-8 without a byte-order mark, Unix line ends, header written
with the first chunk, every text cell neutralised against spreadsheet formulas."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO

import pandas as pd

from twinrisk.batch.safety import neutralise_frame


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
