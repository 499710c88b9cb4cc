"""Parquet output: one row group per chunk; text columns as strings, scores and points
as nullable int64, so a failed row's empty score stays empty rather than NaN.
Every text cell and column name is neutralised against spreadsheet formulas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from twinrisk.batch.columns import int_columns
from twinrisk.batch.safety import neutralise_frame


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
