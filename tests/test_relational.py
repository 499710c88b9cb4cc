"""Every factor measures the partner state against this place, and the due-diligence
level follows its rules one by one (issue 14). Each case is a fact with a source in
features/; each assertion could fail if the factor lost its relation."""

from __future__ import annotations

import json

import pytest

import twinrisk
from twinrisk.model.policy import default_policy_path


def _factor(a: twinrisk.Assessment, fid: str):  # type: ignore[no-untyped-def]
    return next(f for f in a.factors if f.id == fid)


def test_a_law_in_force_prohibits_the_tie_and_not_before() -> None:
    after = twinrisk.assess(
        "Houston", "Shenzhen", local_country="US", partner_country="CN", as_of="2025-12-01"
    )
    assert after.due_diligence is not None and after.due_diligence.level == "prohibited"
    assert "Texas H.B. 128" in after.due_diligence.reasons[0]
    before = twinrisk.assess(
        "Houston", "Shenzhen", local_country="US", partner_country="CN", as_of="2025-06-01"
    )
    assert before.due_diligence is not None and before.due_diligence.level != "prohibited"


def test_a_national_review_regime_refers_the_tie() -> None:
    a = twinrisk.assess("Victoria", "Jiangsu", local_country="AU", partner_country="CN")
    assert a.due_diligence is not None and a.due_diligence.level in ("refer", "prohibited")
    assert any("Foreign Relations" in r for r in a.due_diligence.reasons)


def test_sanctions_in_force_refer_and_count_as_of_their_date() -> None:
    war = twinrisk.assess(
        "Narva", "Ivangorod", local_country="EE", partner_country="RU", as_of="2023-06-01"
    )
    assert _factor(war, "sanctions").points == _factor(war, "sanctions").max_points
    assert "EU sanctions on RU" in _factor(war, "sanctions").reason
    assert war.due_diligence is not None and war.due_diligence.level in ("refer", "prohibited")
    before = twinrisk.assess(
        "Narva", "Ivangorod", local_country="EE", partner_country="RU", as_of="2013-06-01"
    )
    assert "In force" not in _factor(before, "sanctions").reason


@pytest.mark.parametrize(
    ("local", "lc", "partner", "pc"),
    [("Lyon", "FR", "Birmingham", "GB"), ("Strasbourg", "FR", "Stuttgart", "DE")],
)
def test_allied_democracies_score_near_zero_with_reasons(
    local: str, lc: str, partner: str, pc: str
) -> None:
    a = twinrisk.assess(local, partner, local_country=lc, partner_country=pc)
    assert a.score <= 5
    assert a.groups["proposal_terms"] == 0
    assert all("democracy" in f.reason for f in a.factors if f.group == "proposal_terms")
    assert a.due_diligence is not None and a.due_diligence.level == "standard"


def test_a_border_counts_only_with_the_partner_state_and_not_with_an_ally() -> None:
    ally = twinrisk.assess("Strasbourg", "Stuttgart", local_country="FR", partner_country="DE")
    border = _factor(ally, "border_proximity")
    assert border.points == 0 and "an ally" in border.reason
    kolkata = twinrisk.assess("Kolkata", "Kunming", local_country="IN", partner_country="CN")
    assert _factor(kolkata, "border_proximity").points == 0  # Bangladesh is not the partner
    narva = twinrisk.assess(
        "Narva", "Ivangorod", local_country="EE", partner_country="RU", as_of="2023-06-01"
    )
    assert (
        _factor(narva, "border_proximity").points == _factor(narva, "border_proximity").max_points
    )


def test_a_default_counts_from_its_date() -> None:
    after = twinrisk.assess(
        "Colombo", "Shanghai", local_country="LK", partner_country="CN", as_of="2023-06-01"
    )
    distress = _factor(after, "debt_distress")
    assert distress.points == distress.max_points and "2022-04-12" in distress.reason
    before = twinrisk.assess(
        "Colombo", "Shanghai", local_country="LK", partner_country="CN", as_of="2021-06-01"
    )
    assert "defaulted" not in _factor(before, "debt_distress").reason


def test_a_port_held_by_the_partner_state_is_cited_from_its_date() -> None:
    now = twinrisk.assess("Piraeus", "Shanghai", local_country="GR", partner_country="CN")
    port = _factor(now, "port_or_base")
    assert port.value == "partner_asset" and "COSCO" in port.reason
    assert port.sources
    then = twinrisk.assess(
        "Piraeus", "Shanghai", local_country="GR", partner_country="CN", as_of="2007-06-01"
    )
    assert _factor(then, "port_or_base").value != "partner_asset"


def test_retaliation_counts_only_reprisals_by_the_partner_side() -> None:
    a = twinrisk.assess("Lyon", "Birmingham", local_country="FR", partner_country="GB")
    assert _factor(a, "partner_retaliation").points == 0
    b = twinrisk.assess("Brno", "Shanghai", local_country="CZ", partner_country="CN")
    assert _factor(b, "partner_retaliation").value >= 1  # Shanghai cut Prague (2020)


def test_a_policy_sets_the_level_of_each_band() -> None:
    doc = json.loads(default_policy_path().read_text(encoding="utf-8"))
    doc["version"] = "strict-dd"
    doc["due_diligence"] = {
        "low": "enhanced",
        "moderate": "refer",
        "high": "refer",
        "severe": "refer",
    }
    a = twinrisk.assess("Lyon", "Birmingham", local_country="FR", partner_country="GB", policy=doc)
    assert a.due_diligence is not None and a.due_diligence.level == "enhanced"
