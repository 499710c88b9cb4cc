"""Bounded load generator for the twinrisk service, with a durability check.

N clients (threads, one keep-alive connection each) hit a server on 127.0.0.1 for T
seconds with a seeded mix of single assessments (dry runs and stored), JSON
batches, reads (one assessment, the list, place look-up) and decisions. Every
request and response code is counted. Afterwards every acknowledged write (a 201
assessment, the stored items of a 200 batch, a 201 decision) is looked up through
the API and directly in the SQLite file: none may be missing.

With ``--kill-at S`` the server is SIGKILLed S seconds into the run and restarted
on the same port and store; the clients keep going (requests refused meanwhile are
counted as connection errors, never as acknowledged), and the check afterwards
covers the writes acknowledged before and after the kill. The server runs with its
default number of processes (``--processes`` to choose): the SIGKILL hits the
supervisor, and before the restart the run checks that every worker has gone and
that nothing answers on the port any more.

    python benchmarks/load.py                         # 32 clients x 60 s, own server
    python benchmarks/load.py --kill-at 30            # the same with SIGKILL + restart
    python benchmarks/load.py --clients 8 --duration 8 --kill-at 4 --no-write
    python benchmarks/load.py --url http://127.0.0.1:8000 --no-write   # a running server
    python benchmarks/load.py --both --processes 1    # the single-process server

Without ``--no-write`` the figures replace this script's section of RESULTS.md
(``<!-- load:start -->`` … ``<!-- load:end -->``; with --kill-at, ``load-kill``).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import http.client
import json
import random
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_common import write_section  # noqa: E402  (one writer of RESULTS.md sections)

SEED = 20261123

#: real dyads (local, country, partner, country) the gazetteer resolves
PAIRS = [
    ("Luleå", "SE", "Xi'an", "CN"),
    ("Kiel", "DE", "Qingdao", "CN"),
    ("Linköping", "SE", "Guangzhou", "CN"),
    ("Prague", "CZ", "Shanghai", "CN"),
    ("Bangalore", "IN", "Chengdu", "CN"),
    ("Gothenburg", "SE", "Shanghai", "CN"),
    ("Hamburg", "DE", "Shanghai", "CN"),
    ("Lyon", "FR", "Guangzhou", "CN"),
    ("Turku", "FI", "Tianjin", "CN"),
    ("Aarhus", "DK", "Harbin", "CN"),
]
#: names that fail (counted as 422s, never acknowledged)
BAD_PAIRS = [("Qwxzplk", None, "Xi'an", "CN"), ("Springfield", None, "Qingdao", "CN")]
PLACE_QUERIES = ["Lul", "Xi'an", "Kiel", "Shang", "Guangzhou", "Prag", "Turku", "Chengdu"]
DECISIONS = ("approve", "approve_with_conditions", "reject", "defer")
#: operation -> weight in the mix
MIX = {
    "assess_dry": 25,
    "assess_store": 15,
    "batch": 8,
    "read_one": 20,
    "read_list": 10,
    "places": 5,
    "decision": 17,
}


# -- shared helpers (also used by bench_api.py) ---------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


class Http:
    """One keep-alive connection; reconnects after an error."""

    def __init__(self, host: str, port: int, timeout: float = 120.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        data = json.dumps(body).encode() if body is not None else None
        headers = {"content-type": "application/json"} if data is not None else {}
        try:
            self.conn.request(method, path, body=data, headers=headers)
            resp = self.conn.getresponse()
            payload = resp.read()
            if resp.getheader("connection", "").lower() == "close":
                self.close()
            return resp.status, payload
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.close()
            self.conn = None


# -- the run ---------------------------------------------------------------------------------


@dataclass
class Ledger:
    """Everything the clients saw, and every write the server acknowledged."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    codes: collections.Counter[tuple[str, str]] = field(default_factory=collections.Counter)
    latency: dict[str, list[float]] = field(default_factory=lambda: collections.defaultdict(list))
    assessments: dict[str, int] = field(default_factory=dict)  # id -> score
    decisions: dict[int, tuple[str, str]] = field(default_factory=dict)  # seq -> (id, decision)
    id_list: list[str] = field(default_factory=list)
    #: acknowledged ids that a later read did not find (must stay empty)
    vanished: list[str] = field(default_factory=list)
    #: acknowledged writes (assessments + decisions) when the server came back
    writes_at_restart: int | None = None

    @property
    def writes(self) -> int:
        with self.lock:
            return len(self.assessments) + len(self.decisions)

    def count(self, op: str, code: int | str, seconds: float | None = None) -> None:
        with self.lock:
            self.codes[(op, str(code))] += 1
            if seconds is not None:
                self.latency[op].append(seconds)

    def ack_assessment(self, aid: str, score: int) -> None:
        with self.lock:
            self.assessments[aid] = score
            self.id_list.append(aid)

    def ack_decision(self, seq: int, aid: str, decision: str) -> None:
        with self.lock:
            self.decisions[seq] = (aid, decision)

    def some_id(self, rng: random.Random) -> str | None:
        with self.lock:
            return rng.choice(self.id_list) if self.id_list else None


def _proposal(rng: random.Random, bad_share: float = 0.08) -> dict[str, Any]:
    local, lc, partner, pc = rng.choice(BAD_PAIRS if rng.random() < bad_share else PAIRS)
    body: dict[str, Any] = {"local": {"name": local}, "partner": {"name": partner}}
    if lc:
        body["local"]["country"] = lc
    if pc:
        body["partner"]["country"] = pc
    if rng.random() < 0.5:
        body["terms"] = {
            "exit_clause": rng.random() < 0.5,
            "sensitive_domains": rng.sample(
                ["schools", "technology", "ports", "culture", "trade"], 2
            ),
        }
    if rng.random() < 0.2:
        body["as_of"] = f"{rng.randint(2012, 2024)}-06-30"
    return body


def one_request(op: str, http_: Http, rng: random.Random, ledger: Ledger) -> None:
    """Send one request of kind ``op``; count it; record what it acknowledged."""
    aid = None
    body: Any = None
    if op in ("assess_dry", "assess_store"):
        method, path = "POST", "/v1/assessments"
        body = {**_proposal(rng), "dry_run": op == "assess_dry"}
    elif op == "batch":
        method, path = "POST", "/v1/assessments/batch"
        body = {"queries": {f"q{i}": _proposal(rng, 0.2) for i in range(4)}}
    elif op in ("read_one", "decision"):
        aid = ledger.some_id(rng)
        if aid is None:
            op, method, path = "read_list", "GET", "/v1/assessments?limit=20"
        elif op == "read_one":
            method, path = "GET", f"/v1/assessments/{aid}"
        else:
            method, path = "POST", f"/v1/assessments/{aid}/decision"
            body = {
                "decision": rng.choice(DECISIONS),
                "notes": f"load {rng.random():.6f}",
                "decided_by": "load generator",
            }
    elif op == "read_list":
        method, path = "GET", "/v1/assessments?limit=20&offset=" + str(rng.randint(0, 50))
    else:
        method, path = "GET", "/v1/places?q=" + rng.choice(PLACE_QUERIES).replace("'", "%27")
    t0 = time.perf_counter()
    try:
        status, payload = http_.request(method, path, body)
    except (OSError, http.client.HTTPException) as exc:
        kind = "timeout" if isinstance(exc, TimeoutError) else "connection-error"
        ledger.count(op, kind)
        time.sleep(0.05)
        return
    ledger.count(op, status, time.perf_counter() - t0)
    if op == "assess_store" and status == 201:
        doc = json.loads(payload)
        ledger.ack_assessment(doc["id"], doc["score"])
    elif op == "batch" and status == 200:
        doc = json.loads(payload)
        for item in doc["responses"].values():
            if item["status"] == 200 and item["assessment"]["stored"]:
                ledger.ack_assessment(item["assessment"]["id"], item["assessment"]["score"])
    elif op == "decision" and status == 201:
        doc = json.loads(payload)
        assert aid is not None
        ledger.ack_decision(int(doc["seq"]), aid, doc["decision"])
    elif op in ("read_one", "decision") and status == 404 and aid is not None:
        with ledger.lock:
            ledger.vanished.append(aid)


@dataclass
class RunResult:
    clients: int
    duration: float
    elapsed: float
    kill_at: float | None
    downtime: float | None
    ledger: Ledger
    verify: dict[str, Any] = field(default_factory=dict)
    #: server processes (workers; 1 for a single-process server); None: unknown
    processes: int | None = None
    #: after the SIGKILL: workers before it, workers that outlived it, port refused
    kill_check: dict[str, Any] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.ledger.codes.values())

    def by_status(self) -> dict[str, int]:
        out: collections.Counter[str] = collections.Counter()
        for (_, code), n in self.ledger.codes.items():
            out[code] += n
        return dict(sorted(out.items()))

    def server_errors(self) -> int:
        return sum(
            n for (_, code), n in self.ledger.codes.items() if code.isdigit() and int(code) >= 500
        )

    def orphans(self) -> int:
        """Workers still alive, or a port still answering, after the SIGKILL."""
        k = self.kill_check
        return int(k.get("survivors", 0)) + (0 if k.get("port_refused", True) else 1)

    def summary(self) -> dict[str, Any]:
        return {
            "clients": self.clients,
            "duration_s": self.duration,
            "processes": self.processes,
            **self.kill_check,
            "elapsed_s": round(self.elapsed, 2),
            "kill_at_s": self.kill_at,
            "downtime_s": None if self.downtime is None else round(self.downtime, 2),
            "requests": self.total,
            "by_status": self.by_status(),
            "server_errors": self.server_errors(),
            "acknowledged_assessments": len(self.ledger.assessments),
            "acknowledged_decisions": len(self.ledger.decisions),
            "vanished_on_read": len(self.ledger.vanished),
            "writes_after_restart": None
            if self.ledger.writes_at_restart is None
            else self.ledger.writes - self.ledger.writes_at_restart,
            **self.verify,
        }


def run_load(
    base_url: str,
    *,
    clients: int = 32,
    duration: float = 60.0,
    seed: int = SEED,
    kill: Callable[[], object] | None = None,
    restart: Callable[[], object] | None = None,
    kill_at: float | None = None,
    after_restart: float = 0.0,
) -> RunResult:
    """Drive the server at ``base_url``; with ``kill_at``, call ``kill()`` then
    ``restart()`` that many seconds in (``restart`` returns when the server is ready),
    and keep going at least ``after_restart`` seconds after it is back."""
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    ledger = Ledger()
    start = time.monotonic()
    deadline = [start + duration]  # moved by the killer for after_restart
    ops = list(MIX)
    weights = [MIX[o] for o in ops]

    def client(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        conn = Http(host, port)
        try:
            # with a kill planned, keep going until the server is back (and beyond)
            while time.monotonic() < deadline[0] or not back.is_set():
                one_request(rng.choices(ops, weights)[0], conn, rng, ledger)
        finally:
            conn.close()

    downtime: list[float] = []
    failures: list[BaseException] = []
    back = threading.Event()  # set at once without a kill; else when the server is back
    if kill_at is None:
        back.set()

    def killer() -> None:
        assert kill is not None and restart is not None and kill_at is not None
        try:
            time.sleep(max(0.0, start + kill_at - time.monotonic()))
            t0 = time.monotonic()
            kill()
            restart()
            downtime.append(time.monotonic() - t0)
            ledger.writes_at_restart = ledger.writes
            deadline[0] = max(deadline[0], time.monotonic() + after_restart)
        except BaseException as exc:  # noqa: BLE001 - re-raised below, after the clients stop
            failures.append(exc)
        finally:
            back.set()

    threads = [
        threading.Thread(target=client, args=(i,), name=f"load-{i}", daemon=True)
        for i in range(clients)
    ]
    if kill_at is not None:
        threads.append(threading.Thread(target=killer, name="load-killer", daemon=True))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise RuntimeError("the server could not be restarted") from failures[0]
    return RunResult(
        clients=clients,
        duration=duration,
        elapsed=time.monotonic() - start,
        kill_at=kill_at,
        downtime=downtime[0] if downtime else None,
        ledger=ledger,
    )


# -- the durability check ------------------------------------------------------------------


def verify_api(base_url: str, ledger: Ledger, workers: int = 8) -> dict[str, Any]:
    """Every acknowledged assessment readable with its score, and every acknowledged
    decision among its decisions."""
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    wanted: dict[str, set[tuple[int, str]]] = collections.defaultdict(set)
    for seq, (aid, decision) in ledger.decisions.items():
        wanted[aid].add((seq, decision))
    local = threading.local()
    missing: list[str] = []
    wrong: list[str] = []
    lost_decisions: list[int] = []
    lock = threading.Lock()

    def check(aid: str) -> None:
        if not hasattr(local, "http"):
            local.http = Http(host, port)
        status, payload = local.http.request("GET", f"/v1/assessments/{aid}")
        with lock:
            if status != 200:
                missing.append(aid)
                lost_decisions.extend(seq for seq, _ in wanted.get(aid, ()))
                return
            doc = json.loads(payload)
            if doc["score"] != ledger.assessments[aid] or doc["id"] != aid:
                wrong.append(aid)
            have = {(d["seq"], d["decision"]) for d in doc["decisions"]}
            lost_decisions.extend(seq for seq, dec in wanted.get(aid, ()) if (seq, dec) not in have)

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(check, list(ledger.assessments)))
    return {
        "api_missing_assessments": len(missing),
        "api_changed_assessments": len(wrong),
        "api_missing_decisions": len(lost_decisions),
    }


def verify_db(db_path: Path, ledger: Ledger) -> dict[str, Any]:
    """The same, straight from the SQLite file (read-only)."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        ids = {r[0] for r in conn.execute("SELECT id FROM assessments")}
        decisions = {
            int(r[0]): (r[1], r[2])
            for r in conn.execute("SELECT seq, assessment_id, decision FROM decisions")
        }
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    return {
        "db_missing_assessments": len(set(ledger.assessments) - ids),
        "db_missing_decisions": sum(
            1 for seq, v in ledger.decisions.items() if decisions.get(seq) != v
        ),
        "db_assessments": len(ids),
        "db_decisions": len(decisions),
        "db_integrity": integrity,
    }


def lost(result: RunResult) -> int:
    v = result.verify
    return (
        len(result.ledger.vanished)
        + v.get("api_missing_assessments", 0)
        + v.get("api_changed_assessments", 0)
        + v.get("api_missing_decisions", 0)
        + v.get("db_missing_assessments", 0)
        + v.get("db_missing_decisions", 0)
    )


def run_with_server(
    *,
    clients: int,
    duration: float,
    kill_at: float | None = None,
    after_restart: float = 0.0,
    data_dir: Path | None = None,
    seed: int = SEED,
    env: dict[str, str] | None = None,
    processes: int | None = None,
) -> RunResult:
    """Start ``twinrisk serve`` on a fresh store, drive it, optionally SIGKILL and
    restart it, then verify every acknowledged write via the API and the file.
    ``processes``: the server's ``--processes`` (None: its default)."""
    from twinrisk.service.testing import ServerProcess, port_refused

    with contextlib.ExitStack() as stack:
        if data_dir is None:
            data_dir = Path(
                stack.enter_context(tempfile.TemporaryDirectory(prefix="twinrisk-load-"))
            )
        # throughput is measured here, not the per-key rate limit (tested in tests/)
        env = {"TWINRISK_RATE_LIMIT": "off", **(env or {})}
        server = ServerProcess(data_dir, env=env, processes=processes)
        server.start()
        stack.callback(lambda: server.stop())
        workers = len(server.workers()) or 1
        kill_check: dict[str, Any] = {}

        def kill() -> None:
            """SIGKILL the server (the supervisor when there are several processes);
            then no worker may be left and nothing may answer on the port."""
            before = server.workers()
            survivors = server.kill()
            kill_check.update(
                workers_at_kill=len(before),
                survivors=len(survivors),
                port_refused=port_refused(server.port),
            )

        result = run_load(
            server.url,
            clients=clients,
            duration=duration,
            seed=seed,
            kill=kill,
            restart=server.start,
            kill_at=kill_at,
            after_restart=after_restart,
        )
        result.processes = workers
        result.kill_check = kill_check
        if server.proc is None or server.proc.poll() is not None:
            server.start()
        result.verify.update(verify_api(server.url, result.ledger))
        server.stop()  # a clean stop, then read the file as a new process would
        result.verify.update(verify_db(data_dir / "twinrisk.sqlite3", result.ledger))
        return result


# -- report -------------------------------------------------------------------------------


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds == seconds else "–"


def markdown(results: Iterable[RunResult]) -> list[str]:
    results = list(results)
    lines = [
        "## load (benchmarks/load.py)",
        "",
        "Clients are threads on the same machine, one keep-alive connection each, on "
        "127.0.0.1; seeded mix: "
        + ", ".join(f"{k} {v} %" for k, v in MIX.items())
        + " (8 % of single proposals and 20 % of batch items name places that do not "
        "resolve, so some 422s are expected). A batch is 4 proposals, stored. "
        "Afterwards every acknowledged write is read back through the API and "
        "straight from the SQLite file.",
        "",
    ]
    for r in results:
        s = r.summary()
        procs = (
            ""
            if r.processes is None
            else ", 1 server process"
            if r.processes == 1
            else f", {r.processes} server processes"
        )
        title = f"### {r.clients} clients × {r.duration:g} s{procs}" + (
            f", server SIGKILLed at {r.kill_at:g} s and restarted ({r.downtime:.1f} s until ready)"
            if r.kill_at is not None and r.downtime is not None
            else ""
        )
        lines += [
            title,
            "",
            "| operation | requests | responses by status | p50 | p99 |",
            "|---|---|---|---|---|",
        ]
        for op in MIX:
            codes = {c: n for (o, c), n in r.ledger.codes.items() if o == op}
            if not codes:
                continue
            lat = r.ledger.latency.get(op, [])
            lines.append(
                f"| {op} | {sum(codes.values()):,} | "
                + ", ".join(f"{c}: {n:,}" for c, n in sorted(codes.items()))
                + f" | {fmt_ms(percentile(lat, 0.5))} | {fmt_ms(percentile(lat, 0.99))} |"
            )
        verdict = "**none lost**" if lost(r) == 0 else f"**{lost(r)} LOST**"
        lines += [
            "",
            f"{s['requests']:,} requests in {s['elapsed_s']:.1f} s "
            f"({s['requests'] / max(s['elapsed_s'], 1e-9):.1f}/s); by status "
            + ", ".join(f"{c}: {n:,}" for c, n in s["by_status"].items())
            + f"; server errors (5xx): {s['server_errors']}.",
            f"Acknowledged writes: {s['acknowledged_assessments']:,} assessments and "
            f"{s['acknowledged_decisions']:,} decisions"
            + (
                f" ({s['writes_after_restart']:,} of them after the restart)"
                if s["writes_after_restart"] is not None
                else ""
            )
            + "; after the run "
            f"{verdict} (API: {s.get('api_missing_assessments')} assessments and "
            f"{s.get('api_missing_decisions')} decisions missing, "
            f"{s.get('api_changed_assessments')} changed; SQLite file: "
            f"{s.get('db_missing_assessments')} / {s.get('db_missing_decisions')} missing "
            f"of {s.get('db_assessments'):,} / {s.get('db_decisions'):,} rows, "
            f"integrity_check {s.get('db_integrity')}).",
            "",
        ]
        if r.kill_check and (r.processes or 1) > 1:
            k = r.kill_check
            lines[-1:-1] = [
                f"After the SIGKILL of the supervisor: {k['workers_at_kill']} workers "
                f"were running, {k['survivors']} outlived it (each stops on its "
                "parent-death signal), and the port "
                + ("refused connections" if k["port_refused"] else "**still answered**")
                + " until the restart."
            ]
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds")
    ap.add_argument(
        "--kill-at",
        type=float,
        default=None,
        help="SIGKILL the server this many seconds in, then restart it",
    )
    ap.add_argument(
        "--both",
        action="store_true",
        help="a plain run, then a run with the server killed half-way",
    )
    ap.add_argument("--url", help="drive a running server instead (no kill, no DB check)")
    ap.add_argument(
        "--processes",
        type=int,
        default=None,
        help="the server's --processes (default: its own default)",
    )
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    ap.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md")
    args = ap.parse_args(argv)

    results: list[RunResult] = []
    if args.url:
        r = run_load(args.url, clients=args.clients, duration=args.duration, seed=args.seed)
        r.verify.update(verify_api(args.url, r.ledger))
        results.append(r)
    else:
        kills = [None, args.duration / 2] if args.both else [args.kill_at]
        for kill_at in kills:
            print(
                f"load: {args.clients} clients x {args.duration:g} s"
                + (f", kill at {kill_at:g} s" if kill_at is not None else ""),
                file=sys.stderr,
            )
            results.append(
                run_with_server(
                    clients=args.clients,
                    duration=args.duration,
                    kill_at=kill_at,
                    seed=args.seed,
                    processes=args.processes,
                )
            )
    for r in results:
        print(json.dumps(r.summary(), indent=1))
    lines = markdown(results)
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps([r.summary() for r in results], indent=1), encoding="utf-8")
    if not args.no_write and not args.url:
        write_section("load", lines)
    bad = (
        sum(lost(r) for r in results)
        + sum(r.server_errors() for r in results)
        + sum(r.orphans() for r in results)
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
