"""Batch-scoring benchmarks (issue 6 quality bar); writes its section of RESULTS.md.

1. 100,000 dyads of real places drawn from the gazetteer (fixed seed): time of
   ``twinrisk.assess_frame`` on them (bar ≤ 5 s and ≤ 3× a pandas CSV read + write
   of the same file), and the whole ``twinrisk batch`` command end to end.
2. Per dyad, batch against one ``twinrisk.assess`` call per row (bar ≥ 50×).
3. 1,000,000 rows through ``twinrisk batch`` (with ``--report``): wall time and peak
   resident memory of the process (bar ≤ 1.5 GB), from ``/usr/bin/time -v`` or
   ``getrusage``.

Usage: ``python benchmarks/bench_batch.py [--rows N] [--million N] [--no-million]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

RESULTS = Path(__file__).parent / "RESULTS.md"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_common import write_section  # noqa: E402  (one writer of RESULTS.md sections)

SEED = 20261123
TERM_VALUES = {
    "exit_clause": ["", "true", "false"],
    "text_published": ["", "true"],
    "sensitive_domains": ["", "culture", "technology,students", "ports"],
}


def sample_dyads(n: int, seed: int = SEED) -> pd.DataFrame:
    """``n`` dyads of real gazetteer places: local anywhere, partner Chinese 60 % of the
    time (as in the twinning data) else anywhere; a few rows carry proposal terms."""
    try:
        from twinrisk.places.cache import get_index

        idx = get_index()
        cities = np.flatnonzero((idx.kind == idx.kind.min()) & (idx.pop >= 15_000))
        names = np.array(idx.names, dtype=object)
        country = idx.country
        gid: np.ndarray | None = idx.gid
        source = (
            "gazetteer (twinrisk.places, GeoNames cities ≥ 15,000 inhabitants, each with its "
            "GeoNames id as a hint: since issue 16 a namesake is refused without one)"
        )
    except ImportError:  # gazetteer not installed: the curated places table
        from twinrisk.config import features_dir

        places = pd.read_csv(features_dir() / "places.csv", dtype=str, keep_default_na=False)
        cities = np.arange(len(places))
        names = places["name"].to_numpy(dtype=object)
        country = places["country"].to_numpy()
        gid = None
        source = "features/places.csv"
    rng = np.random.default_rng(seed)
    chinese = cities[country[cities] == "CN"]
    local = rng.choice(cities, n)
    partner = np.where(rng.random(n) < 0.6, rng.choice(chinese, n), rng.choice(cities, n))
    df = pd.DataFrame(
        {
            "id": np.arange(1, n + 1).astype(str),
            "local": names[local],
            "local_country": country[local],
            "partner": names[partner],
            "partner_country": country[partner],
        }
    )
    if gid is not None:  # the sample knows which town it means, as a gazetteer list does
        df["local_geonames_id"] = gid[local].astype(str)
        df["partner_geonames_id"] = gid[partner].astype(str)
    for col, values in TERM_VALUES.items():
        df[col] = rng.choice(values, n)
    df.attrs["source"] = source
    return df


def pandas_roundtrip(path: Path, out: Path) -> float:
    t = time.perf_counter()
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.to_csv(out, index=False)
    return time.perf_counter() - t


def run_cli(args: list[str]) -> tuple[float, float | None, str]:
    """Wall seconds, peak RSS in MB (None if unknown) and stdout of ``twinrisk …``."""
    exe = Path(sys.executable).with_name("twinrisk")
    cmd = [
        str(exe) if exe.exists() else sys.executable,
        *([] if exe.exists() else ["-m", "twinrisk.cli"]),
        *args,
    ]
    timer = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
    if timer:
        cmd = [timer, "-v", *cmd]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if proc.returncode not in (0, 1) or "scored" not in proc.stdout:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"twinrisk {' '.join(args)} failed ({proc.returncode})")
    peak: float | None = None
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    if m:
        peak = int(m.group(1)) / 1024
    else:
        after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        peak = after / 1024 if after > before else None
    return wall, peak, proc.stdout.strip()


def null_scorer(df: pd.DataFrame, *, as_of: object = None, policy: object = None) -> pd.DataFrame:
    """A scorer that does no work, to time the batch layer alone."""
    from twinrisk.batch.core import RESULT_COLUMNS

    out = pd.DataFrame(dict.fromkeys(RESULT_COLUMNS, ""), index=df.index)
    for c in RESULT_COLUMNS:
        if c == "score" or c.startswith("points_"):
            out[c] = pd.array([1] * len(df), dtype="Int64")
    return out


def batch_layer(src: Path, tmp: Path) -> float:
    from twinrisk.batch.core import score_file

    t = time.perf_counter()
    score_file(src, tmp / "null.csv", report=tmp / "null.html", scorer=null_scorer)
    return time.perf_counter() - t


def per_dyad_assess(df: pd.DataFrame, n: int) -> tuple[float, int]:
    import twinrisk

    times = []
    ok = 0
    for rec in df.head(n).to_dict("records"):
        t = time.perf_counter()
        try:
            twinrisk.assess(
                rec["local"],
                rec["partner"],
                local_country=rec["local_country"],
                partner_country=rec["partner_country"],
            )
            ok += 1
        except ValueError:
            pass
        times.append(time.perf_counter() - t)
    return float(np.mean(times)), ok


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--million", type=int, default=1_000_000)
    ap.add_argument("--no-million", action="store_true")
    ap.add_argument("--per-dyad", type=int, default=200, help="dyads timed with assess()")
    ap.add_argument("--no-write", action="store_true", help="print only")
    args = ap.parse_args()

    import twinrisk

    load = os.getloadavg()[0]
    tmp = Path(tempfile.mkdtemp(prefix="bench_batch_"))
    try:
        df = sample_dyads(args.rows)
        src = tmp / "dyads.csv"
        df.to_csv(src, index=False)
        print(f"{len(df):,} dyads from {df.attrs['source']}, seed {SEED}")

        # warm: load the gazetteer, tables and model once (what a long-lived process has)
        twinrisk.assess_frame(df.head(50))
        pandas_s = min(pandas_roundtrip(src, tmp / "copy.csv") for _ in range(3))
        t = time.perf_counter()
        scored = twinrisk.assess_frame(df)
        score_s = time.perf_counter() - t
        failed = int((scored["error"] != "").sum())
        print(
            f"assess_frame on {len(df):,} dyads: {score_s:.2f} s "
            f"({len(df) / score_s:,.0f} dyads/s); failed rows {failed:,}"
        )
        print(
            f"pandas read + write of the same CSV: {pandas_s:.2f} s "
            f"(scoring = {score_s / pandas_s:.1f}x)"
        )

        layer_s = batch_layer(src, tmp)
        print(
            f"batch layer alone (read, neutralise, write CSV, summary; no-op scorer): "
            f"{layer_s:.2f} s"
        )

        cli_s, cli_rss, cli_out = run_cli(
            [
                "batch",
                str(src),
                "-o",
                str(tmp / "out.csv"),
                "--report",
                str(tmp / "summary.html"),
                "-q",
            ]
        )
        print(
            f"twinrisk batch end to end (cold process, with --report): {cli_s:.2f} s, "
            f"peak RSS {cli_rss or float('nan'):.0f} MB: {cli_out}"
        )

        per_dyad_s, per_ok = per_dyad_assess(df, args.per_dyad)
        batch_per_dyad = score_s / len(df)
        speedup = per_dyad_s / batch_per_dyad
        print(
            f"assess() per dyad: {per_dyad_s * 1000:.1f} ms ({per_ok}/{args.per_dyad} scored); "
            f"batch per dyad {batch_per_dyad * 1000:.3f} ms; speed-up {speedup:.0f}x"
        )

        million = None
        if not args.no_million:
            big = tmp / "million.csv"
            reps = -(-args.million // len(df))
            with big.open("w", encoding="utf-8") as fh:
                for r in range(reps):
                    part = df.iloc[: max(0, min(len(df), args.million - r * len(df)))]
                    part.to_csv(fh, index=False, header=(r == 0))
            m_s, m_rss, m_out = run_cli(
                [
                    "batch",
                    str(big),
                    "-o",
                    str(tmp / "million_out.csv"),
                    "--report",
                    str(tmp / "million.html"),
                    "-q",
                ]
            )
            million = (m_s, m_rss, m_out)
            print(
                f"{args.million:,} rows through twinrisk batch: {m_s:.1f} s, "
                f"peak RSS {m_rss or float('nan'):.0f} MB: {m_out}"
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    def mark(ok: bool) -> str:
        return "met" if ok else "**not met**"

    lines = [
        "## batch (benchmarks/bench_batch.py)",
        "",
        f"{args.rows:,} dyads of real places from the {df.attrs['source']}, seed {SEED} "
        f"({failed:,} rows fail to score, mostly countries missing from the curated tables); "
        f"{os.cpu_count()} CPUs (load average {load:.1f} when the run started), Python "
        f"{platform.python_version()}, pandas {pd.__version__}; run {dt.date.today().isoformat()}.",
        "",
        "| measure | figure | bar | |",
        "|---|---|---|---|",
        f"| `assess_frame` on {args.rows:,} dyads (warm process, with explanations) | "
        f"{score_s:.2f} s ({len(df) / score_s:,.0f} dyads/s) | ≤ 5 s | {mark(score_s <= 5)} |",
        f"| same, against a pandas CSV read + write of the same file ({pandas_s:.2f} s) | "
        f"{score_s / pandas_s:.1f}× | ≤ 3× | {mark(score_s <= 3 * pandas_s)} |",
        f"| `twinrisk batch` end to end, {args.rows:,} rows, cold process, with `--report` | "
        f"{cli_s:.1f} s, peak RSS {cli_rss or 0:.0f} MB | – | |",
        f"| batch layer alone on {args.rows:,} rows (read CSV, neutralise, write CSV, "
        f"summary; no-op scorer) | {layer_s:.2f} s | – | |",
        f"| per dyad: `assess()` once per row ({args.per_dyad} rows) vs batch | "
        f"{per_dyad_s * 1000:.1f} ms vs {batch_per_dyad * 1000:.3f} ms = {speedup:.0f}× | ≥ 50× | "
        f"{mark(speedup >= 50)} |",
    ]
    if million is not None:
        m_s, m_rss, m_out = million
        lines.append(
            f"| {args.million:,} rows through `twinrisk batch` (chunks of 50,000, "
            f"with `--report`) | {m_s:.0f} s, peak RSS {m_rss or 0:.0f} MB | ≤ 1.5 GB | "
            f"{mark(m_rss is not None and m_rss <= 1536)} |"
        )
    lines += [
        "",
        "Scoring time is the lead's `assess_frame`; the batch layer adds reading, "
        "formula neutralisation, writing and the summary (compare the end-to-end row).",
    ]
    print("\n".join(lines))
    if not args.no_write:
        write_section("batch", lines)


if __name__ == "__main__":
    main()
