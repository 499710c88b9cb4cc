"""Batch scoring: chunks of input rows through ``twinrisk.assess_frame``, pass-through
columns joined back on the index, per-row errors kept, never one ``assess`` per row.

The same functions serve the CLI (:func:`score_file`) and the HTTP service
(:func:`score_frame`, :func:`score_frame_stream`, :func:`score_csv_bytes`).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from twinrisk.batch.columns import (
    COUNTRY_COLUMNS,
    READ_ERROR,
    cell_text,
    check_columns,
    int_columns,
    known_columns,
    normalise_columns,
)
from twinrisk.batch.errors import BatchInputError, BatchTooLarge
from twinrisk.batch.inputs import open_input
from twinrisk.batch.outputs import OutputFile
from twinrisk.batch.read_csv import CsvReader
from twinrisk.batch.write_csv import CsvWriter
from twinrisk.model.policy import GROUPS, Policy, load_policy

if TYPE_CHECKING:  # pragma: no cover
    from twinrisk.reports.summary import BatchSummary

#: columns the batch adds to every input row, in output order
RESULT_COLUMNS: tuple[str, ...] = (
    "local_id",
    "partner_id",
    "local_resolved",
    "partner_resolved",
    "place_notes",
    "score",
    "band",
    "likelihood_5y",
    "due_diligence",
    *(f"points_{g}" for g in GROUPS),
    "top_reasons",
    "model_version",
    "data_version",
    "error",
)
DEFAULT_CHUNK_SIZE = 50_000

Scorer = Callable[..., pd.DataFrame]


def _default_scorer() -> Scorer:
    """The library's ``assess_frame``, imported only when no scorer is given, so a
    caller bringing its own (tests, the benchmark's no-op scorer) skips loading it."""
    from twinrisk.explain.assess import assess_frame

    return assess_frame


def resolve_policy(policy: Any) -> Policy:
    """Load the policy once, so every chunk uses the same object, a bad file fails
    before any row is read, and the summary reads its bands."""
    return load_policy(policy)


def result_columns(columns: Iterable[str]) -> list[str]:
    """Output column order: the scorer's known columns, then any extra ones, ``error`` last."""
    cols = list(columns)
    known = [c for c in RESULT_COLUMNS if c != "error"]
    extra = [c for c in cols if c not in RESULT_COLUMNS]
    return [*known, *extra, "error"]


def score_frame(
    df: pd.DataFrame,
    *,
    as_of: dt.date | str | None = None,
    policy: Any = None,
    scorer: Scorer | None = None,
) -> pd.DataFrame:
    """Score every row of ``df`` in one call to ``assess_frame``.

    Returns the input columns unchanged (a pass-through column whose name clashes
    with an output column is renamed ``<name>_input``) followed by the result
    columns (:data:`RESULT_COLUMNS`), on the same index. Rows that cannot be scored
    carry a message in ``error`` and an empty score; nothing is raised for them.
    Raises :class:`BatchInputError` when a required column is missing.
    """
    scorer = scorer or _default_scorer()
    df = df.copy(deep=False)
    read_error = df.pop(READ_ERROR) if READ_ERROR in df.columns else None
    df.columns = normalise_columns(list(df.columns), RESULT_COLUMNS)
    check_columns(list(df.columns), source="input")
    ok = (read_error == "") if read_error is not None else pd.Series(True, index=df.index)
    ok = ok.astype(bool)

    scorer_cols = [c for c in known_columns() if c in df.columns]
    to_score = df.loc[ok, scorer_cols].copy()
    for col in scorer_cols:
        if not pd.api.types.is_string_dtype(to_score[col].dtype) or to_score[col].hasnans:
            to_score[col] = to_score[col].map(cell_text).astype("str")
    for col in COUNTRY_COLUMNS:
        if col not in to_score.columns:
            to_score[col] = ""
    if len(to_score):
        result = scorer(to_score, as_of=as_of, policy=policy)
    else:
        result = pd.DataFrame(index=to_score.index, columns=list(RESULT_COLUMNS))

    out = df
    ints = int_columns(list(RESULT_COLUMNS) + list(result.columns))
    for col in result_columns(result.columns):
        if col in result.columns:
            values = result[col].reindex(df.index)
        else:
            values = pd.Series(pd.NA, index=df.index)
        if col in ints:
            values = pd.to_numeric(values, errors="coerce").round().astype("Int64")
        else:
            values = values.astype("str").where(values.notna(), "")
        out[col] = values
    if read_error is not None:
        out.loc[~ok, "error"] = read_error[~ok]
    return out


def score_frame_stream(
    frames: Iterable[pd.DataFrame],
    *,
    as_of: dt.date | str | None = None,
    policy: Any = None,
    scorer: Scorer | None = None,
) -> Iterator[pd.DataFrame]:
    """Score an iterable of input chunks lazily, one ``assess_frame`` call per chunk."""
    scorer = scorer or _default_scorer()
    policy = resolve_policy(policy)
    for frame in frames:
        yield score_frame(frame, as_of=as_of, policy=policy, scorer=scorer)


@dataclass
class BatchResult:
    rows: int = 0
    scored: int = 0
    failed: int = 0
    output: Path | None = None
    report: Path | None = None
    #: the first few failures as (1-based row, error), for the CLI to show
    examples: list[tuple[Any, str]] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        return {"scored": self.scored, "failed": self.failed}

    @property
    def line(self) -> str:
        return f"scored {self.scored}, failed {self.failed}"

    def count(self, scored: pd.DataFrame, keep_examples: int = 5) -> None:
        failed = scored["error"] != ""
        n_failed = int(failed.sum())
        self.rows += len(scored)
        self.failed += n_failed
        self.scored += len(scored) - n_failed
        if n_failed and len(self.examples) < keep_examples:
            for idx, err in scored.loc[failed, "error"].head(keep_examples).items():
                if len(self.examples) < keep_examples:
                    row = idx + 1 if isinstance(idx, int) else idx
                    self.examples.append((row, str(err)))


def _empty_output(columns: list[str]) -> pd.DataFrame:
    cols = [c for c in columns if c != READ_ERROR] + list(RESULT_COLUMNS)
    return pd.DataFrame(
        {c: pd.Series(dtype="Int64" if c in int_columns([c]) else "str") for c in cols}
    )


def score_file(
    input_path: str | Path,
    output_path: str | Path,
    *,
    as_of: dt.date | str | None = None,
    policy: Any = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    report: str | Path | None = None,
    progress: Callable[[float | None, int], None] | None = None,
    scorer: Scorer | None = None,
    title: str | None = None,
) -> BatchResult:
    """Score ``input_path`` into ``output_path`` chunk by chunk (formats by extension).

    Memory is bounded by ``chunk_size`` (plus, with ``report``, the summary's running
    aggregates). The output appears under its name only when complete. Raises
    :class:`BatchInputError` when the input cannot be read as a batch.
    """
    policy = resolve_policy(policy)
    reader = open_input(input_path, chunk_size=chunk_size, reserved=RESULT_COLUMNS)
    summary: BatchSummary | None = None
    if report is not None:
        from twinrisk.reports.summary import BatchSummary

        summary = BatchSummary(policy.bands)
    out = OutputFile(output_path)
    result = BatchResult(output=out.path)
    wrote = False
    try:
        for scored in score_frame_stream(reader, as_of=as_of, policy=policy, scorer=scorer):
            out.write(scored)
            wrote = True
            result.count(scored)
            if summary is not None:
                summary.add(scored)
            if progress is not None:
                progress(reader.fraction_done(), result.rows)
        if not wrote:
            out.write(_empty_output(reader.columns))
        out.commit()
    except BaseException:
        out.abort()
        raise
    if summary is not None and report is not None:
        from twinrisk.reports.summary import write_text_atomic

        html = summary.render_html(
            title=title, source=Path(input_path).name, as_of=str(as_of) if as_of else None
        )
        write_text_atomic(Path(report), html)
        result.report = Path(report)
    return result


def score_csv_bytes(
    data: bytes,
    *,
    as_of: dt.date | str | None = None,
    policy: Any = None,
    max_rows: int | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    scorer: Scorer | None = None,
) -> tuple[bytes, dict[str, int]]:
    """Score an uploaded CSV held in memory; returns the scored CSV (UTF-8, formulas
    neutralised) and ``{"scored": n, "failed": m}``.

    Raises :class:`BatchInputError` for input that is not a readable batch (not
    UTF-8, no header, required columns missing — the message names them and lists
    the columns found — or a column named twice) or that has more than ``max_rows`` data rows.
    """
    if not data.strip():
        raise BatchInputError(
            "input: the file is empty; expected a header row with local, "
            "local_country, partner, partner_country"
        )
    reader = CsvReader(data, chunk_size=chunk_size, reserved=RESULT_COLUMNS)
    buf = io.StringIO()
    writer = CsvWriter(buf)
    result = BatchResult()

    def limited() -> Iterator[pd.DataFrame]:
        seen = 0
        for frame in reader:
            seen += len(frame)
            if max_rows is not None and seen > max_rows:
                raise BatchTooLarge(
                    f"input: more than {max_rows} rows; send at most "
                    f"{max_rows} rows per request or use `twinrisk batch`",
                    max_rows,
                )
            yield frame

    wrote = False
    for scored in score_frame_stream(limited(), as_of=as_of, policy=policy, scorer=scorer):
        writer.write(scored)
        wrote = True
        result.count(scored)
    if not wrote:
        writer.write(_empty_output(reader.columns))
    return buf.getvalue().encode("utf-8"), result.summary
