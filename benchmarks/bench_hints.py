"""What place hints cost a batch (issue 16, item 3); writes its section of RESULTS.md.

1. ``twinrisk.assess_frame`` on the 100,000 dyads of ``bench_batch`` three ways,
   interleaved run by run so that a busy machine weighs on each alike: without hint
   columns (must cost nothing: the batch bar), with the hint columns present and empty
   (a spreadsheet with the columns but nothing in them), and with a point on every row
   (each place's own gazetteer point, as a Wikidata export carries one).
2. The 2017 EU twinning list from Wikidata (``../shared/reference``), imported and
   scored by ``twinrisk batch`` in a fresh process, with its point columns and without:
   rows scored and failed, and wall time.

Usage: ``python benchmarks/bench_hints.py [--rows N] [--repeat N] [--no-write]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_common import write_section  # noqa: E402

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
REFERENCE = Path(
    os.environ.get("TWINRISK_REFERENCE", str(HERE.parents[1] / "shared" / "reference"))
)
EU_2017 = REFERENCE / "wikidata_eu_sister_cities_2017" / "eu_sister_cities_wikidata_2017.tsv"
HINTS = ("admin", "geonames_id", "lat", "lon")


def _bench_batch() -> object:
    spec = importlib.util.spec_from_file_location("bench_batch", HERE / "bench_batch.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def variants(df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The same dyads without hints, with empty hint columns, and with each place's
    point on every row."""
    from twinrisk import places
    from twinrisk.core.models import Place

    empty = df.copy()
    for side in ("local", "partner"):
        for f in HINTS:
            empty[f"{side}_{f}"] = ""
    points = df.copy()
    for side in ("local", "partner"):
        got = places.resolve_many(df[side].tolist(), df[f"{side}_country"].tolist())
        points[f"{side}_lat"] = [str(p.lat) if isinstance(p, Place) else "" for p in got]
        points[f"{side}_lon"] = [str(p.lon) if isinstance(p, Place) else "" for p in got]
    return {"no hint columns": df, "hint columns, all empty": empty, "a point on every row": points}


def time_frames(frames: dict[str, pd.DataFrame], repeat: int) -> dict[str, list[float]]:
    import twinrisk

    twinrisk.assess_frame(next(iter(frames.values())).head(50))  # warm
    times: dict[str, list[float]] = {name: [] for name in frames}
    for _ in range(repeat):
        for name, frame in frames.items():
            t = time.perf_counter()
            twinrisk.assess_frame(frame)
            times[name].append(time.perf_counter() - t)
    return times


def eu_list(tmp: Path) -> list[str]:
    """Import the EU list, then score it in a fresh process with and without its points."""
    if not EU_2017.exists():
        return [f"(the 2017 EU list is not at {EU_2017}; not measured)"]
    twinrisk = [str(Path(sys.executable).with_name("twinrisk"))]
    imported = tmp / "eu.csv"
    subprocess.run(
        [*twinrisk, "data", "import-wikidata", str(EU_2017), "-o", str(imported)],
        check=True,
        capture_output=True,
    )
    plain = tmp / "eu_plain.csv"
    frame = pd.read_csv(imported, dtype=str, keep_default_na=False)
    frame.drop(columns=[c for c in frame.columns if c.endswith(("_lat", "_lon"))]).to_csv(
        plain, index=False
    )
    lines = []
    for label, path in (("with its points", imported), ("points removed", plain)):
        t = time.perf_counter()
        run = subprocess.run(
            [*twinrisk, "batch", str(path), "-o", str(tmp / "scored.csv")],
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - t
        scored = pd.read_csv(tmp / "scored.csv", dtype=str, keep_default_na=False)
        failed = int((scored["error"] != "").sum())
        lines.append(
            f"| EU list ({len(scored):,} ties), `twinrisk batch`, {label} | "
            f"{len(scored) - failed:,} scored ({(len(scored) - failed) / len(scored):.1%}), "
            f"{failed:,} failed; {wall:.1f} s (exit {run.returncode}) |"
        )
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-write", action="store_true", help="print only")
    args = ap.parse_args()
    bb = _bench_batch()
    df = bb.sample_dyads(args.rows).drop(columns=["id"])  # type: ignore[attr-defined]
    load = os.getloadavg()[0]
    times = time_frames(variants(df), args.repeat)
    lines = [
        "## place hints (benchmarks/bench_hints.py)",
        "",
        f"{args.rows:,} dyads of `bench_batch` (seed {bb.SEED}), `assess_frame` in a warm "  # type: ignore[attr-defined]
        f"process, {args.repeat} runs of each form interleaved (best and all); "
        f"{os.cpu_count()} CPUs (load average {load:.1f} at the start), Python "
        f"{platform.python_version()}; run {dt.date.today().isoformat()}. The resolver does "
        "not use hints for matching yet; rerun when it does.",
        "",
        "| measure | figure |",
        "|---|---|",
    ]
    for name, ts in times.items():
        all_runs = ", ".join(f"{t:.2f}" for t in ts)
        lines.append(f"| `assess_frame`, {name} | {min(ts):.2f} s (runs: {all_runs} s) |")
    with tempfile.TemporaryDirectory(prefix="bench_hints_") as tmp:
        lines += eu_list(Path(tmp))
    print("\n".join(lines))
    if not args.no_write:
        write_section("hints", lines, RESULTS)


if __name__ == "__main__":
    main()
