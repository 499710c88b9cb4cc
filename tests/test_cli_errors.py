"""Configuration and artifact errors on the command line: exit code 2 and one line
on stderr, never a traceback (``--debug`` shows one). Exit code 1 stays reserved for
"some rows failed" in ``twinrisk batch``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUN = "import sys; from twinrisk.cli import main; sys.exit(main())"


def twinrisk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-c", RUN, *args],
        capture_output=True,
        text=True,
        env=full,
        timeout=300,
        check=False,
    )


def one_line(stderr: str) -> list[str]:
    """The lines of stderr that are not log records."""
    return [ln for ln in stderr.splitlines() if ln.strip() and " WARNING " not in ln]


@pytest.fixture
def tampered_models(tmp_path: Path) -> Path:
    models = tmp_path / "models"
    shutil.copytree(ROOT / "models", models)
    artifact = models / "twinrisk-model.joblib"
    artifact.write_bytes(artifact.read_bytes() + b"\0")  # the checksum no longer matches
    return models


def test_tampered_artifact_exits_2_with_one_line(tampered_models: Path, tmp_path: Path) -> None:
    env = {"TWINRISK_MODELS_DIR": str(tampered_models), "TWINRISK_DATA_DIR": str(tmp_path)}
    r = twinrisk("assess", "Luleå", "Xi'an", "--local-country", "SE", env=env)
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    assert "Traceback" not in r.stderr
    lines = one_line(r.stderr)
    assert len(lines) == 1 and "twinrisk assess:" in lines[0], lines
    assert "MANIFEST" in lines[0] or "checksum" in lines[0].lower() or "sha" in lines[0].lower()

    dyads = tmp_path / "dyads.csv"
    dyads.write_text("local,local_country,partner,partner_country\nLuleå,SE,Xi'an,CN\n")
    r = twinrisk("batch", str(dyads), "-o", str(tmp_path / "out.csv"), "-q", env=env)
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    assert "Traceback" not in r.stderr and len(one_line(r.stderr)) == 1, r.stderr

    r = twinrisk("--debug", "assess", "Luleå", "Xi'an", "--local-country", "SE", env=env)
    assert r.returncode != 0 and "Traceback" in r.stderr


@pytest.mark.parametrize("url", ["nonsense://x", "postgresql://nobody@127.0.0.1:1/none"])
def test_bad_database_url_exits_2_with_one_line(url: str, tmp_path: Path) -> None:
    env = {"TWINRISK_DATABASE_URL": url, "TWINRISK_DATA_DIR": str(tmp_path)}
    r = twinrisk("serve", "--port", "1", env=env)
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    assert "Traceback" not in r.stderr
    lines = [ln for ln in one_line(r.stderr) if "alembic" not in ln]
    assert len(lines) == 1 and lines[0].startswith("twinrisk serve: cannot use the database")


def test_batch_help_documents_the_exit_codes() -> None:
    r = twinrisk("batch", "--help")
    text = " ".join(r.stdout.split())
    assert "1: some rows failed" in text
    assert "2: bad invocation" in text and "configuration or model-artifact error" in text
