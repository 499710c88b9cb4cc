"""An analyst's floor for the score (``../shared/reference/expectations.csv``): one
case per row, read from the shared folder, so a change to the data, the factors or
the policy that breaks an analyst's expectation fails here with the row's reason.

The file is a floor, not a target: the model card shows validity on history."""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path
from typing import Any

import pytest

import twinrisk

EXPECTATIONS = (
    Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "expectations.csv"
)


def _rows() -> list[dict[str, str]]:
    if not EXPECTATIONS.exists():
        if os.environ.get("TWINRISK_CI") == "1":
            raise FileNotFoundError(EXPECTATIONS)
        return []
    with EXPECTATIONS.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _assess(row: dict[str, str], prefix: str = "") -> Any:
    get = lambda key: row[f"{prefix}{key}"]  # noqa: E731
    return twinrisk.assess(
        get("local"),
        get("partner"),
        local_country=get("local_country"),
        partner_country=get("partner_country"),
        as_of=get("as_of") or None,
    )


ROWS = _rows()


def test_expectations_are_read() -> None:
    """The shared file is where CI puts it: an empty parametrisation would pass."""
    if os.environ.get("TWINRISK_CI") == "1" or EXPECTATIONS.exists():
        assert len(ROWS) >= 18


@pytest.mark.parametrize(
    "row",
    ROWS,
    ids=[f"{i + 2}-{r['check']}-{r['local']}-{r['partner']}" for i, r in enumerate(ROWS)],
)
def test_expectation(row: dict[str, str]) -> None:
    check, value, why = row["check"], row["value"], row["why"]
    a = _assess(row)
    if check == "score_at_most":
        assert a.score <= int(value), f"{a.score} > {value}: {why}"
    elif check == "score_at_least":
        assert a.score >= int(value), f"{a.score} < {value}: {why}"
    elif check == "terms_points_at_most":
        assert a.groups["proposal_terms"] <= int(value), why
    elif check == "score_higher":
        b = _assess(row, "other_")
        assert a.score > b.score, f"{a.score} <= {b.score}: {why}"
    elif check == "likelier":
        b = _assess(row, "other_")
        assert a.likelihood_5y > b.likelihood_5y, why
    elif check == "cites":
        texts = [f.reason for f in a.factors if f.points > 0] + list(a.due_diligence.reasons)
        assert any(re.search(value, t, re.I) for t in texts), f"no '{value}' in reasons: {why}"
    elif check == "due_diligence_in":
        assert re.fullmatch(value, a.due_diligence.level), f"{a.due_diligence.level}: {why}"
    elif check == "own_tie":
        assert a.tie is not None, why
        assert re.search(value, a.tie.status, re.I), f"{a.tie.status}: {why}"
    else:
        pytest.fail(f"unknown check {check!r} in expectations.csv: add it to this test")
