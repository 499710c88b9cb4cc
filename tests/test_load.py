"""A short run of the load generator (benchmarks/load.py) against a real server
with two processes: 8 clients, the server (its supervisor) SIGKILLed and restarted
mid-run; no worker may outlive the kill or keep the port, every acknowledged
assessment and decision must be in the store afterwards, and no request may get a
server error. The full run (32 clients x 60 s, with and without the kill) is
``python benchmarks/load.py --both``; its figures are in benchmarks/RESULTS.md."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

LOAD_PY = Path(__file__).resolve().parents[1] / "benchmarks" / "load.py"


def load_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("twinrisk_bench_load", LOAD_PY)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses need the module registered
    spec.loader.exec_module(module)
    return module


def test_load_with_sigkill_loses_no_acknowledged_write(tmp_path: Path) -> None:
    load = load_module()
    result = load.run_with_server(
        clients=8,
        duration=10.0,
        kill_at=3.0,
        after_restart=4.0,
        data_dir=tmp_path / "var",
        processes=2,
    )
    s = result.summary()
    print(s)
    assert s["processes"] == 2 and s["workers_at_kill"] == 2, s
    assert s["survivors"] == 0 and s["port_refused"], s
    assert result.orphans() == 0
    assert result.server_errors() == 0, s["by_status"]
    assert load.lost(result) == 0, s
    assert s["db_integrity"] == "ok"
    # the run did real work on both sides of the kill
    assert s["acknowledged_assessments"] >= 3 and s["acknowledged_decisions"] >= 1, s
    assert s["downtime_s"] is not None
    assert s["writes_after_restart"] and s["writes_after_restart"] > 0, s
    ok = sum(n for code, n in s["by_status"].items() if code.startswith("2"))
    assert ok >= 10, s["by_status"]
    unexpected = {
        c: n
        for c, n in s["by_status"].items()
        if c not in ("200", "201", "422", "connection-error")
    }
    assert not unexpected, s["by_status"]
