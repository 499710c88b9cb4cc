"""Run every benchmark and rewrite benchmarks/RESULTS.md: one command (`make bench`).

Runs each ``benchmarks/bench_*.py`` in turn (each rewrites its own section between
``<!-- name:start -->`` and ``<!-- name:end -->``), then the load run
(``load.py --both``: 32 clients × 60 s, then the same with the server SIGKILLed
half-way and restarted), then writes the header section with the machine (CPU,
cores, RAM, Python, OS), the date, the commit and how each script fared.

    python benchmarks/run_all.py
    python benchmarks/run_all.py --only api --only load
    python benchmarks/run_all.py --skip batch --load-duration 20
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "RESULTS.md"
START, END = "<!-- machine:start -->", "<!-- machine:end -->"


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def machine() -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in _read("/proc/cpuinfo").splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    mem_kb = next(
        (
            int(line.split()[1])
            for line in _read("/proc/meminfo").splitlines()
            if line.startswith("MemTotal:")
        ),
        0,
    )
    os_name = next(
        (
            line.split("=", 1)[1].strip().strip('"')
            for line in _read("/etc/os-release").splitlines()
            if line.startswith("PRETTY_NAME=")
        ),
        platform.system(),
    )
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        usable = os.cpu_count() or 0
    return {
        "cpu": cpu,
        "cores": f"{usable} usable ({os.cpu_count()} logical)",
        "ram": f"{mem_kb / 1024 / 1024:.1f} GiB" if mem_kb else "unknown",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "os": f"{os_name}, {platform.system()} {platform.release()} ({platform.machine()})",
    }


def git_commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" with uncommitted changes" if dirty else "")


def write_header(lines: list[str]) -> None:
    body = "\n".join([START, *lines, END])
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    if START in text and END in text:
        text = text[: text.index(START)] + body + text[text.index(END) + len(END) :]
    else:  # right under the title
        title, _, rest = text.partition("\n")
        if not title.startswith("# "):
            title, rest = "# Benchmark results", text
        text = f"{title}\n\n{body}\n\n{rest.lstrip()}"
    RESULTS.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--only",
        action="append",
        default=[],
        help="run only these (bench name without bench_, or 'load')",
    )
    ap.add_argument("--skip", action="append", default=[], help="skip these")
    ap.add_argument("--load-clients", type=int, default=32)
    ap.add_argument("--load-duration", type=float, default=60.0)
    args = ap.parse_args(argv)

    jobs: list[tuple[str, list[str]]] = [
        (p.stem.removeprefix("bench_"), [sys.executable, str(p)])
        for p in sorted(HERE.glob("bench_*.py"))
    ]
    jobs.append(
        (
            "load",
            [
                sys.executable,
                str(HERE / "load.py"),
                "--both",
                "--clients",
                str(args.load_clients),
                "--duration",
                f"{args.load_duration:g}",
            ],
        )
    )
    jobs = [(n, c) for n, c in jobs if (not args.only or n in args.only) and n not in args.skip]

    started = time.strftime("%Y-%m-%d %H:%M %Z")
    outcomes: list[str] = []
    failed = 0
    for name, cmd in jobs:
        print(
            f"== {name}: {' '.join(Path(c).name if c.endswith('.py') else c for c in cmd)}",
            flush=True,
        )
        t0 = time.perf_counter()
        rc = subprocess.run(cmd, cwd=ROOT).returncode
        took = time.perf_counter() - t0
        failed += rc != 0
        outcomes.append(
            f"`{Path(cmd[1]).name}` {'ok' if rc == 0 else f'**exit {rc}**'} ({took:.0f} s)"
        )

    m = machine()
    write_header(
        [
            "## machine and run",
            "",
            "| | |",
            "|---|---|",
            f"| CPU | {m['cpu']} |",
            f"| cores | {m['cores']} |",
            f"| RAM | {m['ram']} |",
            f"| Python | {m['python']} |",
            f"| OS | {m['os']} |",
            f"| date | {started} |",
            f"| commit | {git_commit()} |",
            "",
            "Rewritten by `python benchmarks/run_all.py` (`make bench`); each section below is "
            "written by its own script. This run: " + "; ".join(outcomes) + ".",
            "",
        ]
    )
    print(f"rewrote {RESULTS}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
