"""Parquet input (``.parquet``, ``.pq``), streamed record batch by record batch with
every cell turned to text. pyarrow is imported only when a Parquet file is read."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from twinrisk.batch.columns import cell_text, check_columns, normalise_columns
from twinrisk.batch.errors import BatchInputError
from twinrisk.batch.sources import chunk_frame, named_source


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

        self.name, target = named_source(source, name)
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
            yield chunk_frame(rows, self.columns, start)
            start += len(rows)
