"""Several server processes (`twinrisk serve --processes N`): answers from more than
one worker, readiness covers every worker, a killed worker is replaced, SIGTERM stops
them all, a SIGKILLed supervisor leaves no worker serving the port, and concurrent
writes from several processes all land. Also: the assessment answer serialised once
(fresh_json) is byte for byte what FastAPI's validation and serialisation sent."""

from __future__ import annotations

import json
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from twinrisk.service import library, prefork
from twinrisk.service.routers.common import fresh_json, fresh_out
from twinrisk.service.testing import ServerProcess, port_refused, process_gone

BODY = {"local": {"name": "Luleå", "country": "SE"}, "partner": {"name": "Xi'an", "country": "CN"}}
PAIRS = [
    ("Luleå", "SE", "Xi'an", "CN"),
    ("Kiel", "DE", "Qingdao", "CN"),
    ("Prague", "CZ", "Shanghai", "CN"),
    ("Aarhus", "DK", "Harbin", "CN"),
]


def worker_pid(server: ServerProcess, path: str = "/healthz") -> int:
    status, _, headers = server.request_full("GET", path)
    assert status == 200
    return int(headers["x-twinrisk-worker"])


def pids_answering(server: ServerProcess, tries: int = 200) -> set[int]:
    """Worker pids seen over fresh connections (each request opens its own)."""
    with ThreadPoolExecutor(8) as pool:
        return set(pool.map(lambda _: worker_pid(server), range(tries)))


@pytest.fixture
def server(tmp_path: Path) -> Any:
    with ServerProcess(tmp_path / "var", processes=2, env={"TWINRISK_WORKER_PID_HEADER": "1"}) as s:
        yield s


def test_two_workers_answer_and_readiness_counts_them(server: ServerProcess) -> None:
    workers = server.workers()
    assert len(workers) == 2, workers
    seen = pids_answering(server)
    assert seen == set(workers), (seen, workers)
    status, doc = server.request("GET", "/readyz")
    assert status == 200 and doc["checks"]["workers"] == "2/2 ready", doc
    # each worker scores
    for _ in range(6):
        status, doc = server.request("POST", "/v1/assessments", {**BODY, "dry_run": True})
        assert status == 200 and doc["stored"] is False


def test_killed_worker_is_replaced(server: ServerProcess) -> None:
    first = server.workers()
    victim = first[0]
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        now = server.workers()
        if len(now) == 2 and victim not in now:
            break
        time.sleep(0.1)
    now = server.workers()
    assert victim not in now and len(now) == 2, (first, now)
    server.wait_ready()  # /readyz back to 200: every worker ready again
    assert pids_answering(server) == set(now)
    assert server.proc is not None and server.proc.poll() is None


def test_sigterm_stops_every_worker(server: ServerProcess) -> None:
    workers = server.workers()
    assert server.proc is not None
    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(timeout=30) == 0
    assert all(process_gone(p) for p in workers)
    assert port_refused(server.port)


def test_sigkilled_supervisor_leaves_no_worker_serving(server: ServerProcess) -> None:
    workers = server.workers()
    assert len(workers) == 2
    survivors = server.kill()  # waits for the workers too; returns those that outlived it
    assert survivors == [], survivors
    assert all(process_gone(p) for p in workers)
    assert port_refused(server.port)
    # and it starts again on the same port and store
    server.start()
    status, doc = server.request("GET", "/readyz")
    assert status == 200, doc


def test_concurrent_writes_from_several_processes_all_land(server: ServerProcess) -> None:
    def store_one(i: int) -> tuple[int, Any, int]:
        local, lc, partner, pc = PAIRS[i % len(PAIRS)]
        status, doc, headers = server.request_full(
            "POST",
            "/v1/assessments",
            {
                "local": {"name": local, "country": lc},
                "partner": {"name": partner, "country": pc},
                "terms": {"exit_clause": i % 2 == 0},
            },
        )
        return status, doc, int(headers["x-twinrisk-worker"])

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(store_one, range(64)))
    assert all(status == 201 for status, _, _ in results), [
        (s, d) for s, d, _ in results if s != 201
    ][:3]
    assert len({pid for _, _, pid in results}) == 2  # both processes wrote
    ids = {doc["id"] for _, doc, _ in results}
    assert len(ids) == 64

    def decide(aid: str) -> int:
        return server.request(
            "POST", f"/v1/assessments/{aid}/decision", {"decision": "defer", "notes": "n"}
        )[0]

    with ThreadPoolExecutor(16) as pool:
        assert set(pool.map(decide, sorted(ids))) == {201}
    status, doc = server.request("GET", "/v1/assessments?limit=500")
    assert status == 200 and doc["total"] == 64
    assert {item["id"] for item in doc["items"]} == ids
    assert all(item["latest_decision"]["decision"] == "defer" for item in doc["items"])
    assert "database is locked" not in server.log()


def test_processes_default_and_validation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from twinrisk.service.settings import Settings

    assert 1 <= prefork.default_processes() <= prefork.MAX_DEFAULT_PROCESSES
    assert prefork.default_processes() <= prefork.usable_cpus()
    monkeypatch.setenv("TWINRISK_PROCESSES", "3")
    assert Settings.processes_from_env() == 3
    monkeypatch.setenv("TWINRISK_PROCESSES", "0")
    with pytest.raises(ValueError, match="TWINRISK_PROCESSES"):
        Settings.processes_from_env()


def test_readiness_board_is_shared_across_fork() -> None:
    board = prefork.ReadinessBoard(3)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        board.mark(1, True)
        os._exit(0)
    os.waitpid(pid, 0)
    assert board.ready_count() == 1
    board.mark(1, False)
    assert board.ready_count() == 0


@pytest.mark.parametrize("stored", [False, True])
def test_fresh_json_is_what_fastapi_would_send(stored: bool) -> None:
    from pydantic import TypeAdapter

    from twinrisk.service.schemas import AssessmentOut
    from twinrisk.store import StoredAssessment

    adapter = TypeAdapter(AssessmentOut)
    for i, (local, lc, partner, pc) in enumerate(PAIRS):
        req = {
            "local": {"name": local, "country": lc},
            "partner": {"name": partner, "country": pc},
            "terms": {"exit_clause": bool(i % 2), "sensitive_domains": ["technology"]}
            if i % 3
            else None,
            "as_of": None,
            "policy": None,
        }
        a = library.assess_one(req)
        record = None
        if stored:
            import datetime as dt

            out = library.assessment_json(a)
            record = StoredAssessment(
                id=f"a_{i:020d}",
                created_at=dt.datetime(2026, 11, 27, 12, 0, 0, 123456, tzinfo=dt.UTC),
                local_name=local,
                local_country=lc,
                partner_name=partner,
                partner_country=pc,
                score=a.score,
                band=a.band,
                as_of=a.as_of,
                model_version="m",
                policy="default",
                data_version="d",
                api_key_id=None,
                channel="api",
                inputs=req,
                output=out,
            )
        slow = adapter.dump_json(fresh_out(a, record), by_alias=True)
        fast = fresh_json(a, record)
        assert fast == slow
        assert json.loads(fast)["stored"] is stored
