"""HTTP API benchmarks (issue 8); writes its section of RESULTS.md.

Against a real ``twinrisk serve`` on 127.0.0.1 with a fresh store, twice: as one
process (``--processes 1``) and with the default number of processes (the pre-fork
supervisor and its workers):

- time from process start to ``/readyz`` answering 200 (median of 3 starts; with
  several processes /readyz is 200 only once every worker is ready);
- ``POST /v1/assessments`` (dry run) at 1 and 32 concurrent clients: p50, p99 and
  throughput, beside ``GET /healthz`` in the same server and run as the floor (a
  trivial JSON endpoint: no I/O, one constant pydantic model);
- server memory after the warm-up and after the runs, summed over the process tree
  (supervisor + workers): resident (VmRSS, counts pages shared by the workers once per
  process) and proportional (Pss from /proc/<pid>/smaps_rollup: a shared page is split
  among the processes sharing it, so the sum is what the server really occupies);
- ``twinrisk assess`` as a cold process (hyperfine when installed, else repeated
  subprocess timing).

    python benchmarks/bench_api.py               # all, rewrite the api section
    python benchmarks/bench_api.py --quick --no-write
    python benchmarks/bench_api.py --processes 4  # the multi-process server with 4
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import PAIRS, Http, percentile, write_section  # noqa: E402

from twinrisk.service.testing import ServerProcess  # noqa: E402

GOALS = {
    "p50_ms": 10.0,
    "p99_ms": 50.0,
    "share_of_floor": 0.30,
    "rss_mb": 500.0,
    "ready_s": 5.0,
    "cli_s": 2.5,
}


def _kb_fields(path: str, names: tuple[str, ...]) -> dict[str, float]:
    """``Name:  123 kB`` lines of a /proc file, in MB."""
    out: dict[str, float] = {}
    try:
        for line in Path(path).read_text().splitlines():
            name, _, value = line.partition(":")
            if name in names:
                out[name] = float(value.split()[0]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return out


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of a process, MB, from /proc."""
    fields = _kb_fields(f"/proc/{pid}/status", ("VmRSS", "VmHWM"))
    return fields.get("VmRSS", float("nan")), fields.get("VmHWM", float("nan"))


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants that are still running."""
    from twinrisk.service.testing import children

    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children(p))
    return out


def tree_memory(pid: int) -> dict[str, float]:
    """Memory of a server's process tree, MB: summed RSS, summed PSS, summed peak RSS
    (an upper bound: the peaks need not coincide), and the number of processes."""
    rss = pss = peak = 0.0
    pids = process_tree(pid)
    for p in pids:
        now, high = rss_mb(p)
        rss += now
        peak += high
        pss += _kb_fields(f"/proc/{p}/smaps_rollup", ("Pss",)).get("Pss", float("nan"))
    return {"rss": rss, "pss": pss, "peak": peak, "processes": float(len(pids))}


def bodies(n: int = 40, seed: int = 8) -> list[dict[str, Any]]:
    """Varied dry-run proposals (different dyads and terms), so no response cache can
    stand in for scoring."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        local, lc, partner, pc = PAIRS[i % len(PAIRS)]
        out.append(
            {
                "local": {"name": local, "country": lc},
                "partner": {"name": partner, "country": pc},
                "terms": {"exit_clause": rng.random() < 0.5, "text_published": rng.random() < 0.5},
                "dry_run": True,
            }
        )
    return out


def measure(
    url: str,
    method: str,
    path: str,
    payloads: list[Any] | None,
    clients: int,
    duration: float,
    min_requests: int = 0,
) -> dict[str, Any]:
    """``clients`` threads, each with a keep-alive connection, for ``duration`` seconds
    (or until ``min_requests`` have completed, whichever is later)."""
    host, port = url.split("//")[1].split(":")
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    start = time.perf_counter()
    stop = start + duration

    def client(n: int) -> None:
        conn = Http(host, int(port))
        i = n
        while True:
            with lock:
                if time.perf_counter() >= stop and len(latencies) >= min_requests:
                    break
            body = payloads[i % len(payloads)] if payloads else None
            i += clients
            t0 = time.perf_counter()
            status, _ = conn.request(method, path, body)
            dt = time.perf_counter() - t0
            with lock:
                latencies.append(dt)
                if status >= 400:
                    errors.append(status)
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    return {
        "clients": clients,
        "requests": len(latencies),
        "errors": len(errors),
        "seconds": elapsed,
        "rps": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 0.5) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "mean_ms": statistics.fmean(latencies) * 1000 if latencies else float("nan"),
    }


def time_to_ready(runs: int, processes: int | None) -> list[float]:
    out = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="twinrisk-bench-") as tmp:
            server = ServerProcess(
                Path(tmp),
                ready_timeout=120,
                processes=processes,
                env={"TWINRISK_RATE_LIMIT": "off"},  # measure the service, not the limit
            )
            t0 = time.perf_counter()
            server.start()
            out.append(time.perf_counter() - t0)
            server.stop()
    return out


CLI_ARGS = ["assess", "Luleå", "Xi'an", "--local-country", "SE", "--partner-country", "CN"]


def cli_cold(runs: int) -> tuple[list[float], str]:
    exe = Path(sys.executable).parent / "twinrisk"
    cmd = (
        [str(exe), *CLI_ARGS] if exe.exists() else [sys.executable, "-m", "twinrisk.cli", *CLI_ARGS]
    )
    subprocess.run(cmd, check=True, capture_output=True)  # build any first-use cache
    hyperfine = shutil.which("hyperfine")
    if hyperfine:
        with tempfile.TemporaryDirectory() as tmp:
            export = Path(tmp) / "h.json"
            quoted = " ".join("'" + a.replace("'", "'\\''") + "'" for a in cmd)
            subprocess.run(
                [
                    hyperfine,
                    "--warmup",
                    "1",
                    "--runs",
                    str(runs),
                    "--export-json",
                    str(export),
                    "--style",
                    "none",
                    quoted,
                ],
                check=True,
                capture_output=True,
            )
            times = json.loads(export.read_text())["results"][0]["times"]
        return [float(t) for t in times], "hyperfine"
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return times, "subprocess"


def mark(ok: bool) -> str:
    return "met" if ok else "**not met**"


def bench_server(processes: int | None, duration: float, starts: int) -> dict[str, Any]:
    """Time to ready, the four rows and memory for one server configuration."""
    ready = time_to_ready(starts, processes)
    runs: dict[tuple[str, int], dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="twinrisk-bench-") as tmp:
        server = ServerProcess(
            Path(tmp),
            ready_timeout=120,
            processes=processes,
            env={"TWINRISK_RATE_LIMIT": "off"},  # measure the service, not the limit
        )
        server.start()
        assert server.proc is not None
        pid = server.proc.pid
        workers = len(server.workers()) or 1
        payloads = bodies()
        # warm-up: every body once per worker, then the floor
        measure(server.url, "POST", "/v1/assessments", payloads, 4, 0, len(payloads) * workers)
        measure(server.url, "GET", "/healthz", None, 4, 1.0)
        mem_warm = tree_memory(pid)
        for clients in (1, 32):
            print(f"  {clients} client(s) ...", file=sys.stderr)
            runs[("floor", clients)] = measure(
                server.url, "GET", "/healthz", None, clients, duration
            )
            runs[("assess", clients)] = measure(
                server.url,
                "POST",
                "/v1/assessments",
                payloads,
                clients,
                duration,
                min_requests=2 * clients,
            )
        mem_after = tree_memory(pid)
        server.stop()
    return {
        "processes": workers,
        "ready": ready,
        "runs": runs,
        "mem_warm": mem_warm,
        "mem_after": mem_after,
    }


def server_lines(title: str, r: dict[str, Any], *, multi: bool) -> list[str]:
    runs = r["runs"]
    a32, f32 = runs[("assess", 32)], runs[("floor", 32)]
    share = a32["rps"] / f32["rps"]
    ready, warm, after = r["ready"], r["mem_warm"], r["mem_after"]
    ready_med = statistics.median(ready)
    lines = [
        title,
        "",
        "| endpoint | clients | requests | errors | throughput | p50 | p99 |",
        "|---|---|---|---|---|---|---|",
    ]
    for (name, clients), x in runs.items():
        label = "`POST /v1/assessments` (dry run)" if name == "assess" else "`GET /healthz` (floor)"
        lines.append(
            f"| {label} | {clients} | {x['requests']:,} | {x['errors']} | "
            f"{x['rps']:,.1f}/s | {x['p50_ms']:.1f} ms | {x['p99_ms']:.1f} ms |"
        )
    # one process: its RSS, as before; several: the PSS sum (shared pages counted once)
    judged = max(warm["pss"], after["pss"]) if multi else max(warm["rss"], after["rss"])
    procs = f"{after['processes']:.0f} processes" if multi else "1 process"
    lines += [
        "",
        "| measure | figure | goal | |",
        "|---|---|---|---|",
        f"| assessment p50 at 32 clients | {a32['p50_ms']:.0f} ms | ≤ {GOALS['p50_ms']:g} ms "
        f"| {mark(a32['p50_ms'] <= GOALS['p50_ms'])} |",
        f"| assessment p99 at 32 clients | {a32['p99_ms']:.0f} ms | ≤ {GOALS['p99_ms']:g} ms "
        f"| {mark(a32['p99_ms'] <= GOALS['p99_ms'])} |",
        f"| assessment throughput at 32 clients vs the floor | {a32['rps']:,.1f}/s vs "
        f"{f32['rps']:,.0f}/s = {share:.1%} | ≥ {GOALS['share_of_floor']:.0%} | "
        f"{mark(share >= GOALS['share_of_floor'])} |",
        f"| server memory after warm-up, {procs}: "
        + ("**PSS sum** (RSS sum)" if multi else "**RSS** (PSS)")
        + " | "
        + (
            f"**{warm['pss']:.0f} MB** ({warm['rss']:.0f} MB)"
            if multi
            else f"**{warm['rss']:.0f} MB** ({warm['pss']:.0f} MB)"
        )
        + f" | ≤ {GOALS['rss_mb']:g} MB | {mark(judged <= GOALS['rss_mb'])} |",
        "| … after the runs: "
        + ("PSS sum (RSS sum; sum of peaks)" if multi else "RSS (PSS; peak)")
        + " | "
        + (
            f"{after['pss']:.0f} MB ({after['rss']:.0f} MB; {after['peak']:.0f} MB)"
            if multi
            else f"{after['rss']:.0f} MB ({after['pss']:.0f} MB; {after['peak']:.0f} MB)"
        )
        + " | | |",
        f"| start to ready (`/readyz` 200), median of {len(ready)} | {ready_med:.2f} s "
        f"(runs: {', '.join(f'{t:.2f}' for t in ready)}) | ≤ {GOALS['ready_s']:g} s | "
        f"{mark(ready_med <= GOALS['ready_s'])} |",
        "",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--duration", type=float, default=15.0, help="seconds per measurement (default 15)"
    )
    ap.add_argument(
        "--processes",
        type=int,
        default=None,
        help="processes of the multi-process server (default: the server's "
        "own default, TWINRISK_PROCESSES or one per usable CPU)",
    )
    ap.add_argument("--quick", action="store_true", help="short runs, one start")
    ap.add_argument("--no-write", action="store_true", help="print only")
    args = ap.parse_args(argv)
    duration = 3.0 if args.quick else args.duration
    starts = 1 if args.quick else 3
    cli_runs = 3 if args.quick else 10

    print("one process ...", file=sys.stderr)
    single = bench_server(1, duration, starts)
    print("several processes ...", file=sys.stderr)
    multi = bench_server(args.processes, duration, starts)
    print("cli ...", file=sys.stderr)
    cli, cli_how = cli_cold(cli_runs)
    cli_med = statistics.median(cli)

    from twinrisk.service.prefork import usable_cpus

    n = multi["processes"]
    lines = [
        "## api (benchmarks/bench_api.py)",
        "",
        f"`twinrisk serve` on 127.0.0.1 (uvicorn; TWINRISK_WORKERS=8 scoring threads per "
        f"process), fresh SQLite store, on a machine with {usable_cpus()} usable CPUs; "
        "clients are threads in another process on the same machine (so they share the "
        "CPUs with the server), one keep-alive connection each. Assessments are dry runs "
        f"over {len(bodies())} varied proposals (10 dyads × terms); the floor is "
        f"`GET /healthz` in the same server and run. {duration:g} s per row.",
        "",
        "Memory is summed over the server's process tree. With several processes the "
        "goal is read against the **PSS sum** (Pss from /proc/<pid>/smaps_rollup: pages "
        "the workers share copy-on-write with the supervisor are split among them, so "
        "the sum counts them once); the RSS sum counts every shared page once per "
        "process and overstates it.",
        "",
        *server_lines("### one process (`twinrisk serve --processes 1`)", single, multi=False),
        *server_lines(
            f"### {n} processes (`twinrisk serve`, the default here: supervisor + {n} workers)",
            multi,
            multi=True,
        ),
        "| measure | figure | goal | |",
        "|---|---|---|---|",
        f"| `twinrisk assess` cold process, median of {len(cli)} ({cli_how}) | "
        f"{cli_med:.2f} s (min {min(cli):.2f}) | ≤ {GOALS['cli_s']:g} s | "
        f"{mark(cli_med <= GOALS['cli_s'])} |",
        "",
        f"Python {platform.python_version()}; run {time.strftime('%Y-%m-%d %H:%M %Z')}.",
        "",
    ]
    print("\n".join(lines))
    if not args.no_write:
        write_section("api", lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
