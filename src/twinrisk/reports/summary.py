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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from twinrisk.reports.assessment import BAND_COLOURS, html_env

BANDS = ("low", "moderate", "high", "severe")
TOP_N = 20
MAX_FAILED_SHOWN = 200
MAX_BREAKDOWN_ROWS = 60
_CC = r"\(([A-Z]{2})\)\s*$"


@dataclass
class _Agg:
    rows: int = 0
    scored: int = 0
    total: int = 0
    max: int = 0
    bands: Counter[str] = field(default_factory=Counter)

    def as_row(self, key: str) -> dict[str, Any]:
        return {"key": key, "rows": self.rows, "scored": self.scored,
                "failed": self.rows - self.scored,
                "mean": round(self.total / self.scored, 1) if self.scored else None,
                "max": self.max if self.scored else None,
                "bands": [self.bands.get(b, 0) for b in BANDS]}


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

    def __init__(self) -> None:
        self.rows = 0
        self.scored = 0
        self.failed = 0
        self.histogram = [0] * 101
        self.bands: Counter[str] = Counter()
        self._top: pd.DataFrame | None = None
        self.by_local_country: dict[str, _Agg] = {}
        self.by_partner: dict[str, _Agg] = {}
        self.by_partner_country: dict[str, _Agg] = {}
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
            _text(scored, "local_country").str.strip().str.upper())
        partner_cc = partner.str.extract(_CC, expand=False).fillna(
            _text(scored, "partner_country").str.strip().str.upper())
        frame = pd.DataFrame({
            "row": scored.index.to_numpy(),
            "local": local.to_numpy(), "partner": partner.to_numpy(),
            "local_cc": local_cc.replace("", "?").to_numpy(),
            "partner_cc": partner_cc.replace("", "?").to_numpy(),
            "score": (pd.to_numeric(scored["score"], errors="coerce")
                      if "score" in scored.columns else pd.Series(pd.NA, index=scored.index)
                      ).astype("Int64").to_numpy(),
            "band": _text(scored, "band").to_numpy(),
            "top_reasons": _text(scored, "top_reasons").to_numpy(),
            "error": error.to_numpy(),
        })
        ok = frame[~bad.to_numpy()]
        ok = ok[ok["score"].notna()]
        counts = np.bincount(ok["score"].astype(int).clip(0, 100).to_numpy(), minlength=101)
        self.histogram = [int(a + b) for a, b in zip(self.histogram, counts, strict=True)]
        self.bands.update({str(k): int(v) for k, v in ok["band"].value_counts().items()})
        for col in ("model_version", "data_version"):
            counter = self.model_versions if col == "model_version" else self.data_versions
            values = _text(scored.loc[~bad], col)
            counter.update({str(k): int(v)
                            for k, v in values[values != ""].value_counts().items()})

        top = ok.nlargest(TOP_N, "score", keep="first")
        merged = top if self._top is None else pd.concat([self._top, top])
        self._top = merged.sort_values(["score", "row"], ascending=[False, True]).head(TOP_N)

        for key, target in (("local_cc", self.by_local_country), ("partner", self.by_partner),
                            ("partner_cc", self.by_partner_country)):
            self._aggregate(frame, key, target)

        for rec in frame.loc[bad.to_numpy(), ["row", "local", "partner", "error"]].itertuples(
                index=False):
            self.errors[_error_kind(str(rec.error))] += 1
            if len(self.failed_rows) < MAX_FAILED_SHOWN:
                self.failed_rows.append({"row": _row_label(rec.row), "local": rec.local,
                                         "partner": rec.partner, "error": rec.error})

    @staticmethod
    def _aggregate(frame: pd.DataFrame, key: str, target: dict[str, _Agg]) -> None:
        scored_mask = frame["error"] == ""
        scores = frame["score"].where(scored_mask)
        g = pd.DataFrame({"key": frame[key], "scored": scored_mask,
                          "score": scores.astype("Float64"), "band": frame["band"]})
        stats = g.groupby("key", sort=False).agg(rows=("key", "size"), scored=("scored", "sum"),
                                                 total=("score", "sum"), max=("score", "max"))
        bands = g[g["scored"]].groupby(["key", "band"]).size()
        for k, row in stats.iterrows():
            agg = target.setdefault(str(k), _Agg())
            agg.rows += int(row["rows"])
            agg.scored += int(row["scored"])
            agg.total += int(row["total"]) if pd.notna(row["total"]) else 0
            if pd.notna(row["max"]):
                agg.max = max(agg.max, int(row["max"]))
        for pair, n in bands.items():
            key_value, band_value = cast(tuple[Any, Any], pair)
            target[str(key_value)].bands[str(band_value)] += int(n)

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
            count = sum(self.histogram[lo:hi + 1])
            band = "low" if lo < 25 else "moderate" if lo < 50 else "high" if lo < 75 else "severe"
            bins.append({"lo": lo, "hi": hi, "count": count, "colour": BAND_COLOURS[band]})
        width, height, left, bottom, top = 680, 200, 44, 28, 10
        plot_w, plot_h = width - left - 8, height - bottom - top
        peak = max((int(b["count"]) for b in bins), default=0) or 1
        step = plot_w / len(bins)
        for i, b in enumerate(bins):
            h = plot_h * b["count"] / peak
            b.update(x=round(left + i * step + 1, 1), w=round(step - 2, 1),
                     y=round(top + plot_h - h, 1), h=round(h, 1))
        ticks = [{"value": v, "y": round(top + plot_h - plot_h * v / peak, 1)}
                 for v in _nice_ticks(peak)]
        xticks = [{"label": str(v), "x": round(left + (v / 100) * plot_w, 1)}
                  for v in (0, 25, 50, 75, 100)]
        return {"width": width, "height": height, "left": left, "base": top + plot_h,
                "right": left + plot_w, "bins": bins, "ticks": ticks, "xticks": xticks}

    @staticmethod
    def _breakdown(target: dict[str, _Agg]) -> tuple[list[dict[str, Any]], int]:
        rows = sorted((a.as_row(k) for k, a in target.items()),
                      key=lambda r: (-r["rows"], -(r["mean"] or 0), r["key"]))
        return rows[:MAX_BREAKDOWN_ROWS], max(0, len(rows) - MAX_BREAKDOWN_ROWS)

    def context(self, *, title: str | None = None, source: str | None = None,
                as_of: str | None = None, generated: dt.date | None = None) -> dict[str, Any]:
        top = [] if self._top is None else [
            {"row": _row_label(r.row), "local": r.local, "partner": r.partner,
             "score": int(float(str(r.score))), "band": str(r.band),
             "reasons": [x.strip() for x in str(r.top_reasons).split(" | ") if x.strip()]}
            for r in self._top.itertuples(index=False)
        ]
        by_local, more_local = self._breakdown(self.by_local_country)
        by_partner, more_partner = self._breakdown(self.by_partner)
        by_pcc, more_pcc = self._breakdown(self.by_partner_country)
        return {
            "title": title or "Batch scoring summary",
            "source": source,
            "as_of": as_of,
            "generated": (generated or dt.date.today()).isoformat(),
            "rows": self.rows, "scored": self.scored, "failed": self.failed,
            "mean": self._mean(), "median": self._median(),
            "bands": [{"band": b, "count": self.bands.get(b, 0),
                       "share": (self.bands.get(b, 0) / self.scored) if self.scored else 0.0}
                      for b in BANDS],
            "band_names": BANDS,
            "histogram": self._histogram_svg(),
            "top": top, "top_n": TOP_N,
            "by_local_country": by_local, "more_local_country": more_local,
            "by_partner": by_partner, "more_partner": more_partner,
            "by_partner_country": by_pcc, "more_partner_country": more_pcc,
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


def render_batch_summary(scored_df: pd.DataFrame, failed_df: pd.DataFrame | None = None, *,
                         title: str | None = None, source: str | None = None,
                         as_of: str | None = None, generated: dt.date | None = None) -> str:
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
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
