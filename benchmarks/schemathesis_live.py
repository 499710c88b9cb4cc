"""schemathesis against a live ``twinrisk serve`` with every check (issue 15).

Starts a server on a throw-away store (SQLite by default; ``--database-url`` for
PostgreSQL), runs ``schemathesis run --checks all`` against its /openapi.json with a
fixed seed and a bounded number of examples per operation, and prints the figures
(requests, failures, duration, date) for ``RESULTS.md``.

    .venv/bin/python benchmarks/schemathesis_live.py --max-examples 25
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from twinrisk.service.testing import ServerProcess

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_common import write_section  # noqa: E402  (one writer of RESULTS.md sections)

SEED = 20261128


def run(
    max_examples: int, workers: int, database_url: str | None, keep: Path | None = None
) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        # with a key, as deployed: the auth checks then test that /v1 refuses
        # requests without one (open mode is for 127.0.0.1 at a desk)
        key = secrets.token_urlsafe(32)
        # rate limits off: conformance is measured here, the 429s in tests/test_ratelimit.py
        env = {"TWINRISK_API_KEYS": f"fuzz:{key}", "TWINRISK_RATE_LIMIT": "off"}
        if database_url:
            env["TWINRISK_DATABASE_URL"] = database_url
        with ServerProcess(Path(tmp), env=env, processes=2) as server:
            report = Path(tmp) / "report"
            cmd = [
                str(Path(sys.executable).parent / "schemathesis"),
                "--config-file",
                str(HERE / "schemathesis.toml"),
                "run",
                f"{server.url}/openapi.json",
                "--checks",
                "all",
                "--seed",
                str(SEED),
                "--max-examples",
                str(max_examples),
                "--workers",
                str(workers),
                # a PDF report takes a few seconds on a busy machine (the server's
                # own limit is TWINRISK_TIMEOUT_SECONDS, 30 s)
                "--request-timeout",
                "60",
                "--header",
                f"X-API-Key: {key}",
                "--no-color",
            ]
            shown = [
                "schemathesis",
                "--config-file",
                "benchmarks/schemathesis.toml",
                "run",
                "<server>/openapi.json",
                *cmd[5:],
            ]
            cmd += ["--report", "ndjson", "--report-dir", str(report)]
            start = time.monotonic()
            out = subprocess.run(cmd, capture_output=True, text=True, check=False)
            seconds = time.monotonic() - start
            requests = sum(
                text.count('"response":') for text in (p.read_text() for p in report.glob("*"))
            )
            if keep:
                shutil.copytree(report, keep, dirs_exist_ok=True)
    text = out.stdout + out.stderr
    text = text.replace(key, "<key>")
    failures = re.search(r"(\d+) failures?", text)
    summary = [ln for ln in text.splitlines() if ln.strip()][-12:]
    return {
        "date": dt.date.today().isoformat(),
        "command": " ".join(shown).replace(key, "<key>"),
        "exit_code": out.returncode,
        "requests": requests,
        "test_cases": int(m.group(1)) if (m := re.search(r"(\d+) generated", text)) else None,
        "failures": int(failures.group(1)) if failures else 0,
        "seconds": round(seconds, 1),
        "summary": summary,
        "warned": _mostly_rejected(text),
        "output": text,
    }


def _mostly_rejected(text: str) -> list[str]:
    """The operations schemathesis warns "mostly rejected generated data" for."""
    if "mostly rejected generated data due to" not in text:
        return []
    block = text.split("mostly rejected generated data due to", 1)[1].split("\n\n", 2)[1]
    return [ln.strip()[2:] for ln in block.splitlines() if ln.strip().startswith("- ")]


def write_results(results: list[dict[str, object]]) -> None:
    """Replace (or append) this script's section of RESULTS.md."""
    lines = [
        "## schemathesis against a live server (benchmarks/schemathesis_live.py)",
        "",
        "`twinrisk serve` (2 processes, an API key, a throw-away store) and "
        "`schemathesis run --checks all` on its `/openapi.json`, every phase (examples, "
        "coverage, fuzzing, stateful), seed " + str(SEED) + "; `positive_data_acceptance` "
        "also accepts 422 (`benchmarks/schemathesis.toml`: a schema-valid place name the "
        "gazetteer does not hold).",
        "",
        "| date | store | max examples | test cases | requests | failures | duration |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['date']} | {r['store']} | {r['max_examples']} | {r['test_cases']} | "
            f"{r['requests']:,} | {r['failures']} | {r['seconds']} s |"
        )
    for r in results:
        warned = [str(w) for w in r["warned"]]  # type: ignore[attr-defined]
        if warned:
            lines += [
                "",
                f"{r['store']}: schemathesis warns that it found mostly rejected generated data "
                "for " + ", ".join(f"`{w}`" for w in warned) + " (not a failure: "
                "random bytes are not a CSV file of dyads, and random names are not places).",
            ]
    lines += ["", "Command: `" + str(results[-1]["command"]) + "`", ""]
    write_section("schemathesis", lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-examples", type=int, default=25)
    # one worker: hypothesis describes strategies by parsing source, which is not
    # thread-safe on Python 3.11 ("AST constructor recursion depth mismatch")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--database-url", default=os.environ.get("TWINRISK_TEST_POSTGRES_URL"))
    ap.add_argument("--sqlite", action="store_true", help="ignore TWINRISK_TEST_POSTGRES_URL")
    ap.add_argument("--keep-report", type=Path, help="copy the NDJSON report here")
    ap.add_argument(
        "--write",
        action="store_true",
        help="run on SQLite and, if a PostgreSQL URL is given, on PostgreSQL; write RESULTS.md",
    )
    args = ap.parse_args()
    url = None if args.sqlite else args.database_url
    urls = [None, *([url] if url else [])] if args.write else [url]
    results = []
    for one in urls:
        result = run(args.max_examples, args.workers, one, args.keep_report)
        result["store"] = "PostgreSQL" if one else "SQLite"
        result["max_examples"] = args.max_examples
        print(result["output"])
        print(json.dumps({k: v for k, v in result.items() if k != "output"}, indent=2))
        results.append(result)
    if args.write:
        write_results(results)
    return max(int(r["exit_code"]) for r in results)  # type: ignore[call-overload]


if __name__ == "__main__":
    sys.exit(main())
