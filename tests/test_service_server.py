"""The service as a real process: `twinrisk serve`, a restart, and SIGKILL lose
nothing that was acknowledged."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from twinrisk.service.testing import ServerProcess

BODY = {"local": {"name": "Luleå", "country": "SE"}, "partner": {"name": "Xi'an", "country": "CN"}}


def test_store_survives_restart_and_sigkill(tmp_path: Path) -> None:
    acknowledged: dict[str, list[str]] = {}
    server = ServerProcess(tmp_path / "var")
    with server:
        for i in range(5):
            status, doc = server.request(
                "POST", "/v1/assessments", {**BODY, "terms": {"exit_clause": i % 2 == 0}}
            )
            assert status == 201, doc
            acknowledged[doc["id"]] = []
        first = next(iter(acknowledged))
        for decision in ("defer", "approve"):
            status, doc = server.request(
                "POST", f"/v1/assessments/{first}/decision", {"decision": decision, "notes": "n"}
            )
            assert status == 201
            acknowledged[first].append(decision)
    assert (tmp_path / "var" / "twinrisk.sqlite3").exists()

    # a clean restart, more writes, then SIGKILL right after the last acknowledgement
    server = ServerProcess(tmp_path / "var", port=server.port)
    server.start()
    try:
        status, doc = server.request("GET", "/v1/assessments?limit=100")
        assert status == 200 and doc["total"] == 5
        status, doc = server.request(
            "POST", "/v1/assessments/batch", {"queries": {"a": BODY, "b": BODY}}
        )
        assert status == 200 and doc["stored"] == 2
        for item in doc["responses"].values():
            acknowledged[item["assessment"]["id"]] = []
        status, _ = server.request(
            "POST", f"/v1/assessments/{first}/decision", {"decision": "reject"}
        )
        assert status == 201
        acknowledged[first].append("reject")
    finally:
        server.kill()

    with ServerProcess(tmp_path / "var") as server:
        status, doc = server.request("GET", "/v1/assessments?limit=100")
        assert status == 200
        assert {item["id"] for item in doc["items"]} == set(acknowledged)
        for aid, decisions in acknowledged.items():
            status, one = server.request("GET", f"/v1/assessments/{aid}")
            assert status == 200
            assert [d["decision"] for d in one["decisions"]] == decisions
            assert sum(f["points"] for f in one["factors"]) == one["score"]


def test_serve_refuses_public_address_without_keys(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "twinrisk.cli", "serve", "--host", "0.0.0.0", "--port", "9"],  # noqa: S104
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "TWINRISK_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 2
    assert "without API keys" in result.stderr
