"""Where a server process spends its time under load (issue 8's "profile, fix the cause").

Starts ``twinrisk serve`` with one process, drives ``POST /v1/assessments`` (dry runs,
the same 40 proposals as bench_api.py) from 32 clients, samples the server with
py-spy for the middle of the run and prints the functions holding the most samples,
inclusive and self, with the server CPU per request read from /proc. Nothing is
written to RESULTS.md: the findings and the fixes they led to are summarised by hand
in its profile section.

    python benchmarks/profile_server.py                # 12 s of samples
    python benchmarks/profile_server.py --seconds 30 --top 60
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_api import bodies, measure  # noqa: E402

from twinrisk.service.testing import ServerProcess  # noqa: E402


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def frame_name(frame: str) -> str:
    """``function (path/to/file.py:line)`` -> ``function file.py``."""
    name, _, where = frame.partition(" (")
    return f"{name} {where.rsplit('/', 1)[-1].split(':')[0]}".strip()


def summarise(raw: str, top: int) -> None:
    total = 0
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [frame_name(f) for f in stack.split(";")]
        for name in set(frames):
            inclusive[name] += n
        own[frames[-1]] += n
    print(f"{total} samples (both threads of the server: event loop and scoring)")
    print("\ninclusive")
    for name, n in inclusive.most_common(top):
        print(f"{n / total * 100:5.1f}%  {name}")
    print("\nself")
    for name, n in own.most_common(top // 2):
        print(f"{n / total * 100:5.1f}%  {name}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=12.0, help="sampling time")
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--top", type=int, default=40)
    args = ap.parse_args()
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(spy).exists():
        print("py-spy is not installed (pip install py-spy)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="twinrisk-profile-") as tmp:
        server = ServerProcess(Path(tmp), env={"TWINRISK_PROCESSES": "1"}).start()
        try:
            assert server.proc is not None
            pid = server.proc.pid
            measure(server.url, "POST", "/v1/assessments", bodies(), 8, 2)  # warm
            out = Path(tmp) / "raw.txt"
            sampler = subprocess.Popen(
                [
                    spy,
                    "record",
                    "-p",
                    str(pid),
                    "-d",
                    str(int(args.seconds)),
                    "-r",
                    "200",
                    "-f",
                    "raw",
                    "-o",
                    str(out),
                    "--nonblocking",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            before, t0 = cpu_seconds(pid), time.perf_counter()
            run = measure(
                server.url, "POST", "/v1/assessments", bodies(), args.clients, args.seconds + 1
            )
            used, wall = cpu_seconds(pid) - before, time.perf_counter() - t0
            sampler.wait()
        finally:
            server.stop()
        print(
            f"{run['requests']:,} dry-run assessments at {args.clients} clients: "
            f"{run['rps']:,.0f}/s, p50 {run['p50_ms']:.1f} ms, p99 {run['p99_ms']:.1f} ms; "
            f"server CPU {used / run['requests'] * 1000:.2f} ms per request, "
            f"{used / wall:.2f} cores busy"
        )
        summarise(out.read_text(), args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
