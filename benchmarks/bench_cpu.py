"""CPU time of the scoring paths, for comparing two versions of the code on a shared
machine (issue 14's speed clause). Wall-clock benchmarks swing by 2-3x when other
processes load the two CPUs; the CPU time of the measuring thread swings far less.

Prints one line: ``assess_frame`` on bench_batch's 100,000 dyads (median of 3), one
``assess()`` per row over bench_batch's first 200 rows (mean per call, best of 5
passes), and ``assess_each`` in runs of 16 of bench_api's 40 proposals, as the
service coalesces them (per proposal, best of 7 passes). Writes nothing.

To compare with an earlier commit, run the same script against that commit's
sources, alternating (A/B), with the tables and model of this checkout::

    git archive <commit> src | tar -x -C /tmp/base
    export TWINRISK_FEATURES_DIR=$PWD/features TWINRISK_MODELS_DIR=$PWD/models
    PYTHONPATH=/tmp/base/src .venv/bin/python benchmarks/bench_cpu.py   # A
    .venv/bin/python benchmarks/bench_cpu.py                            # B
"""

from __future__ import annotations

import contextlib
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_api import bodies  # noqa: E402
from bench_batch import sample_dyads  # noqa: E402


def main() -> None:
    import twinrisk

    tt = time.thread_time
    df = sample_dyads(100_000)
    twinrisk.assess_frame(df.head(50))
    twinrisk.assess_frame(df)  # every place seen, as in bench_batch
    frame = []
    for _ in range(3):
        t = tt()
        twinrisk.assess_frame(df)
        frame.append(tt() - t)
    rows = df.head(200).to_dict("records")

    def single() -> float:
        t = tt()
        for rec in rows:
            with contextlib.suppress(ValueError):  # as bench_batch: failures are timed too
                twinrisk.assess(
                    rec["local"],
                    rec["partner"],
                    local_country=rec["local_country"],
                    partner_country=rec["partner_country"],
                )
        return (tt() - t) / len(rows) * 1000

    reqs: list[dict[str, Any]] = [
        {
            "local": b["local"]["name"],
            "local_country": b["local"]["country"],
            "partner": b["partner"]["name"],
            "partner_country": b["partner"]["country"],
            "terms": b["terms"],
        }
        for b in bodies()
    ]

    def runs(k: int = 16, n: int = 320) -> float:
        t = tt()
        for s in range(0, n, k):
            twinrisk.assess_each([reqs[(s + j) % len(reqs)] for j in range(k)])
        return (tt() - t) / n * 1000

    single()
    runs()
    print(
        f"assess_frame 100k {statistics.median(frame):.2f} s CPU | one assess() "
        f"{min(single() for _ in range(5)):.3f} ms | assess_each runs of 16 "
        f"{min(runs() for _ in range(7)):.3f} ms per proposal"
    )


if __name__ == "__main__":
    main()
