"""The batch summary report: score histogram, the riskiest dyads, breakdowns by local
country and by partner, and the failed rows.

:class:`BatchSummary` accumulates scored chunks with bounded memory (a histogram, a
running top-20, per-key aggregates, the first failed rows), so ``twinrisk batch``
can summarise a million rows it never holds at once.
:func:`render_batch_summary` is the one-shot form for frames already in memory.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from twinrisk.core.bands import BAND_NAMES, DEFAULT_BANDS, Bands
from twinrisk.reports.assessment import BAND_COLOURS, html_env

BANDS = BAND_NAMES
TOP_N = 20
MAX_FAILED_SHOWN = 200
MAX_BREAKDOWN_ROWS = 60
_CC = r"\(([A-Z]{2})\)\s*$"


def _text(df: pd.DataFrame, col: str) -> pd.Series:
    if col in df.columns:
        return df[col].astype("str").where(df[col].notna(), "")
    return pd.Series("", index=df.index, dtype="str")


def _as_given(df: pd.DataFrame, col: str) -> pd.Series:
    """A place as the input gave it: ``name (CC)`` when a country was given."""
    name = _text(df, col).str.strip()
    cc = _text(df, f"{col}_country").str.strip().str.upper()
    return name.where(cc == "", name + " (" + cc + ")")


class BatchSummary:
    """Running aggregates over scored batch output (the frames ``score_frame`` returns)."""

    def __init__(self, bands: Bands = DEFAULT_BANDS) -> None:
        #: the cut-offs of the policy the batch was scored with
        self.band_cutoffs = bands
        self.rows = 0
        self.scored = 0
        self.failed = 0
        self.histogram = [0] * 101
        self.bands: Counter[str] = Counter()
        self._top: pd.DataFrame | None = None
        #: per-key running aggregates: rows, scored, total, max and a count per band
        self.breakdowns: dict[str, pd.DataFrame | None] = {
            "local_cc": None,
            "partner": None,
            "partner_cc": None,
        }
        self.failed_rows: list[dict[str, Any]] = []
        self.errors: Counter[str] = Counter()
        self.model_versions: Counter[str] = Counter()
        self.data_versions: Counter[str] = Counter()

    def add(self, scored: pd.DataFrame, failed: pd.DataFrame | None = None) -> None:
        """Add output rows. Rows with a non-empty ``error`` count as failed; ``failed``
        optionally gives more failed rows separately."""
        if failed is not None and len(failed):
            self.add(failed.assign(error=_text(failed, "error").replace("", "not scored")))
        if not len(scored):
            return
        error = _text(scored, "error")
        bad = error != ""
        good = scored.loc[~bad]
        self.rows += len(scored)
        self.failed += int(bad.sum())
        self.scored += len(good)

        local = _text(scored, "local_resolved")
        local = local.where(local != "", _as_given(scored, "local"))
        partner = _text(scored, "partner_resolved")
        partner = partner.where(partner != "", _as_given(scored, "partner"))
        local_cc = local.str.extract(_CC, expand=False).fillna(
            _text(scored, "local_country").str.strip().str.upper()
        )
        partner_cc = partner.str.extract(_CC, expand=False).fillna(
            _text(scored, "partner_country").str.strip().str.upper()
        )
        frame = pd.DataFrame(
            {
                "row": scored.index.to_numpy(),
                "local": local.to_numpy(),
                "partner": partner.to_numpy(),
                "local_cc": local_cc.replace("", "?").to_numpy(),
                "partner_cc": partner_cc.replace("", "?").to_numpy(),
                "score": (
                    pd.to_numeric(scored["score"], errors="coerce")
                    if "score" in scored.columns
                    else pd.Series(pd.NA, index=scored.index)
                )
                .astype("Int64")
                .to_numpy(),
                "band": _text(scored, "band").to_numpy(),
                "top_reasons": _text(scored, "top_reasons").to_numpy(),
                "error": error.to_numpy(),
            }
        )
        ok = frame[~bad.to_numpy()]
        ok = ok[ok["score"].notna()]
        counts = np.bincount(ok["score"].astype(int).clip(0, 100).to_numpy(), minlength=101)
        self.histogram = [int(a + b) for a, b in zip(self.histogram, counts, strict=True)]
        self.bands.update({str(k): int(v) for k, v in ok["band"].value_counts().items()})
        for col in ("model_version", "data_version"):
            counter = self.model_versions if col == "model_version" else self.data_versions
            values = _text(scored.loc[~bad], col)
            counter.update({str(k): int(v) for k, v in values[values != ""].value_counts().items()})

        top = ok.nlargest(TOP_N, "score", keep="first")
        merged = top if self._top is None else pd.concat([self._top, top])
        self._top = merged.sort_values(["score", "row"], ascending=[False, True]).head(TOP_N)

        for key, previous in self.breakdowns.items():
            self.breakdowns[key] = self._aggregate(frame, key, previous)

        for rec in frame.loc[bad.to_numpy(), ["row", "local", "partner", "error"]].itertuples(
            index=False
        ):
            self.errors[_error_kind(str(rec.error))] += 1
            if len(self.failed_rows) < MAX_FAILED_SHOWN:
                self.failed_rows.append(
                    {
                        "row": _row_label(rec.row),
                        "local": rec.local,
                        "partner": rec.partner,
                        "error": rec.error,
                    }
                )

    @staticmethod
    def _aggregate(frame: pd.DataFrame, key: str, previous: pd.DataFrame | None) -> pd.DataFrame:
        scored_mask = (frame["error"] == "").to_numpy()
        score = frame["score"].astype("Float64").where(scored_mask)
        g = pd.DataFrame(
            {
                "key": frame[key].to_numpy(),
                "rows": 1,
                "scored": scored_mask.astype(int),
                "total": score.fillna(0).to_numpy(dtype=float),
                "max": score.to_numpy(dtype=float, na_value=np.nan),
            }
        )
        for band in BANDS:
            g[band] = (scored_mask & (frame["band"] == band).to_numpy()).astype(int)
        how = dict.fromkeys(("rows", "scored", "total", *BANDS), "sum") | {"max": "max"}
        stats = g.groupby("key", sort=False).agg(how)
        if previous is not None:
            stats = pd.concat([previous, stats]).groupby(level=0, sort=False).agg(how)
        return stats

    # ------------------------------------------------------------------ rendering

    def _median(self) -> float | None:
        if not self.scored:
            return None
        half, seen = (self.scored + 1) / 2, 0
        for score, n in enumerate(self.histogram):
            seen += n
            if seen >= half:
                return float(score)
        return None

    def _mean(self) -> float | None:
        if not self.scored:
            return None
        return round(sum(s * n for s, n in enumerate(self.histogram)) / self.scored, 1)

    def _histogram_svg(self, bin_width: int = 5) -> dict[str, Any]:
        bins: list[dict[str, Any]] = []
        for lo in range(0, 100, bin_width):
            hi = lo + bin_width - 1 if lo + bin_width < 100 else 100
            count = sum(self.histogram[lo : hi + 1])
            band = self.band_cutoffs.of(lo)
            bins.append({"lo": lo, "hi": hi, "count": count, "colour": BAND_COLOURS[band]})
        width, height, left, bottom, top = 680, 200, 44, 28, 10
        plot_w, plot_h = width - left - 8, height - bottom - top
        peak = max((int(b["count"]) for b in bins), default=0) or 1
        step = plot_w / len(bins)
        for i, b in enumerate(bins):
            h = plot_h * b["count"] / peak
            b.update(
                x=round(left + i * step + 1, 1),
                w=round(step - 2, 1),
                y=round(top + plot_h - h, 1),
                h=round(h, 1),
            )
        ticks = [
            {"value": v, "y": round(top + plot_h - plot_h * v / peak, 1)} for v in _nice_ticks(peak)
        ]
        xticks = [
            {"label": str(v), "x": round(left + (v / 100) * plot_w, 1)}
            for v in (0, *self.band_cutoffs.cutoffs, 100)
        ]
        return {
            "width": width,
            "height": height,
            "left": left,
            "base": top + plot_h,
            "right": left + plot_w,
            "bins": bins,
            "ticks": ticks,
            "xticks": xticks,
        }

    def _breakdown(self, key: str) -> tuple[list[dict[str, Any]], int]:
        stats = self.breakdowns[key]
        if stats is None or not len(stats):
            return [], 0
        stats = stats.assign(mean=stats["total"] / stats["scored"].where(stats["scored"] > 0))
        stats = stats.reset_index().sort_values(
            ["rows", "mean", "key"], ascending=[False, False, True]
        )
        rows = []
        for rec in stats.head(MAX_BREAKDOWN_ROWS).to_dict("records"):
            scored = int(rec["scored"])
            rows.append(
                {
                    "key": str(rec["key"]),
                    "rows": int(rec["rows"]),
                    "scored": scored,
                    "failed": int(rec["rows"]) - scored,
                    "mean": round(float(rec["mean"]), 1) if scored else None,
                    "max": int(rec["max"]) if scored else None,
                    "bands": [int(rec[b]) for b in BANDS],
                }
            )
        return rows, max(0, len(stats) - MAX_BREAKDOWN_ROWS)

    def context(
        self,
        *,
        title: str | None = None,
        source: str | None = None,
        as_of: str | None = None,
        generated: dt.date | None = None,
    ) -> dict[str, Any]:
        top = (
            []
            if self._top is None
            else [
                {
                    "row": _row_label(r.row),
                    "local": r.local,
                    "partner": r.partner,
                    "score": int(float(str(r.score))),
                    "band": str(r.band),
                    "reasons": [x.strip() for x in str(r.top_reasons).split(" | ") if x.strip()],
                }
                for r in self._top.itertuples(index=False)
            ]
        )
        by_local, more_local = self._breakdown("local_cc")
        by_partner, more_partner = self._breakdown("partner")
        by_pcc, more_pcc = self._breakdown("partner_cc")
        return {
            "title": title or "Batch scoring summary",
            "source": source,
            "as_of": as_of,
            "generated": (generated or dt.date.today()).isoformat(),
            "rows": self.rows,
            "scored": self.scored,
            "failed": self.failed,
            "mean": self._mean(),
            "median": self._median(),
            "bands": [
                {
                    "band": b,
                    "count": self.bands.get(b, 0),
                    "share": (self.bands.get(b, 0) / self.scored) if self.scored else 0.0,
                }
                for b in BANDS
            ],
            "band_names": BANDS,
            "band_cutoffs": self.band_cutoffs.describe(),
            "histogram": self._histogram_svg(),
            "top": top,
            "top_n": TOP_N,
            "by_local_country": by_local,
            "more_local_country": more_local,
            "by_partner": by_partner,
            "more_partner": more_partner,
            "by_partner_country": by_pcc,
            "more_partner_country": more_pcc,
            "failed_rows": self.failed_rows,
            "failed_hidden": max(0, self.failed - len(self.failed_rows)),
            "error_kinds": self.errors.most_common(10),
            "model_versions": sorted(self.model_versions),
            "data_versions": sorted(self.data_versions),
        }

    def render_html(self, **kwargs: Any) -> str:
        return html_env().get_template("batch_summary.html.j2").render(self.context(**kwargs))


def _row_label(index: Any) -> Any:
    """1-based row number for an integer index (data-row order), else the label itself."""
    try:
        return int(index) + 1
    except (TypeError, ValueError):
        return index


def _error_kind(message: str) -> str:
    """Errors grouped by their wording: quoted values and line numbers blanked out."""
    kind = re.sub(r"'[^']*'|\"[^\"]*\"", "…", message)
    kind = re.sub(r"\b(line|row) \d+", r"\1 N", kind)
    kind = re.sub(r"\b\d+ fields but the header has \d+", "N fields but the header has M", kind)
    return kind[:120] or "error"


def _nice_ticks(peak: int) -> list[int]:
    if peak <= 5:
        return list(range(0, peak + 1))
    raw = peak / 4
    mag = 10 ** (len(str(int(raw))) - 1)
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    step = max(1, int(step))
    return list(range(0, peak + 1, step))


def render_batch_summary(
    scored_df: pd.DataFrame,
    failed_df: pd.DataFrame | None = None,
    *,
    title: str | None = None,
    source: str | None = None,
    as_of: str | None = None,
    generated: dt.date | None = None,
) -> str:
    """The summary report (self-contained HTML) for scored output held in memory.

    ``scored_df`` is batch output (``score_frame``); rows with a non-empty ``error``
    count as failed, so passing the whole output as ``scored_df`` is enough.
    ``failed_df`` may hold further failed rows (``local``, ``partner``, ``error``).
    """
    summary = BatchSummary()
    summary.add(scored_df, failed_df)
    return summary.render_html(title=title, source=source, as_of=as_of, generated=generated)


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
