"""``twinrisk data sample``: a repeatable spot-check, every fact with a checkable source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from twinrisk.cli import main
from twinrisk.data.registry import TABLES
from twinrisk.data.sample import RENDERERS, draw
from twinrisk.data.validate import read_raw


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["data", "sample", *args]) == 0
    return capsys.readouterr().out


def test_same_seed_same_facts(capsys: pytest.CaptureFixture[str]) -> None:
    first = _run(capsys, "--n", "25", "--seed", "13")
    assert first == _run(capsys, "--n", "25", "--seed", "13")
    assert first != _run(capsys, "--n", "25", "--seed", "14")
    assert first.startswith("25 facts drawn with --seed 13 from ")
    assert first.count(" line ") >= 25


def test_every_fact_has_a_source_with_a_url(capsys: pytest.CaptureFixture[str]) -> None:
    out = json.loads(_run(capsys, "--n", "40", "--seed", "2026", "--json"))
    assert out["seed"] == 2026 and len(out["facts"]) == 40
    for fact in out["facts"]:
        assert fact["statement"] and fact["file"].endswith(".csv") and fact["line"] >= 2
        urls = [s.get("url", "") for s in fact["sources"]]
        assert any(u.startswith(("http://", "https://")) for u in urls), fact
        for s in fact["sources"]:
            assert {"id", "title", "publisher", "year", "url"} <= set(s), s
    # spread over the tables, not dominated by the biggest ones
    assert len({f["file"] for f in out["facts"]}) >= 10


def test_without_a_seed_the_seed_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(capsys, "--n", "3")
    seed = out.split("--seed ", 1)[1].split()[0]
    assert _run(capsys, "--n", "3", "--seed", seed) == out


def test_every_row_of_every_table_renders() -> None:
    root = Path("features")
    total = sum(
        len(read_raw(root / t.file))
        for t in TABLES
        if t.file != "sources.csv" and (root / t.file).exists()
    )
    facts = draw(root, total + 10, seed=0)
    assert len(facts) == total
    assert {t.file for t in TABLES} - {"sources.csv"} <= set(RENDERERS)
    assert all(f.statement and "nan" not in f.statement.split() for f in facts)
