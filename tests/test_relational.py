"""Every factor measures the partner state against this place, and the due-diligence
level follows its rules one by one (issue 14). Each case is a fact with a source in
features/; each assertion could fail if the factor lost its relation."""

from __future__ import annotations

import json

import numpy as np
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
    held = _factor(now, "partner_assets")
    assert held.value == "control" and "COSCO" in held.reason  # a 67 % stake
    assert held.points == held.max_points and held.sources
    assert _factor(now, "port_or_base").value == "seaport"
    then = twinrisk.assess(
        "Piraeus", "Shanghai", local_country="GR", partner_country="CN", as_of="2007-06-01"
    )
    assert _factor(then, "partner_assets").value == "none"


def test_a_minority_stake_earns_half_a_controlling_one() -> None:
    stake = _factor(
        twinrisk.assess("Hamburg", "Shanghai", local_country="DE", partner_country="CN"),
        "partner_assets",
    )
    assert stake.value == "stake" and "Tollerort" in stake.reason
    assert 0 < stake.points < stake.max_points
    other_state = _factor(
        twinrisk.assess("Hamburg", "Marseille", local_country="DE", partner_country="FR"),
        "partner_assets",
    )
    assert other_state.value == "none" and other_state.points == 0


def test_a_partner_at_war_counts_only_while_sanctioned_by_the_local_side() -> None:
    at_war = _factor(
        twinrisk.assess(
            "Narva", "Ivangorod", local_country="EE", partner_country="RU", as_of="2023-06-01"
        ),
        "partner_at_war",
    )
    assert at_war.points == at_war.max_points and "UA" in at_war.reason
    before_war = _factor(
        twinrisk.assess(
            "Narva", "Ivangorod", local_country="EE", partner_country="RU", as_of="2021-06-01"
        ),
        "partner_at_war",
    )
    assert before_war.points == before_war.max_points  # occupation of Crimea since 2014
    defender = _factor(
        twinrisk.assess(
            "Tartu", "Lviv", local_country="EE", partner_country="UA", as_of="2023-06-01"
        ),
        "partner_at_war",
    )
    assert defender.points == 0 and "not under sanctions" in defender.reason


def test_a_claimed_territory_exposes_the_local_side_to_the_claimant() -> None:
    taipei = _factor(
        twinrisk.assess(
            "Prague", "Taipei", local_country="CZ", partner_country="TW", as_of="2019-06-01"
        ),
        "third_party_reprisal",
    )
    assert taipei.points > 0 and "China claims Taiwan" in taipei.reason
    vienna = _factor(
        twinrisk.assess(
            "Prague", "Vienna", local_country="CZ", partner_country="AT", as_of="2019-06-01"
        ),
        "third_party_reprisal",
    )
    assert vienna.points == 0


def test_an_imf_programme_counts_as_distress_while_in_force() -> None:
    under = _factor(
        twinrisk.assess("Gwadar", "Shenzhen", local_country="PK", partner_country="CN"),
        "debt_distress",
    )
    assert under.value == "imf_programme" and "IMF EFF" in under.reason
    assert 0 < under.points < under.max_points


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


def test_a_factor_cites_its_dataset_when_its_value_is_zero() -> None:
    from twinrisk.data.loaders import load_tables
    from twinrisk.features.factors import FACTORS

    known = set(load_tables().sources["source_id"])
    for factor in FACTORS:
        assert set(factor.datasets) <= known, f"{factor.id}: unknown dataset id"
    a = twinrisk.assess("Lyon", "Birmingham", local_country="FR", partner_country="GB")
    cited = {f.id: {s.title for s in f.sources} for f in a.factors}
    for factor in FACTORS:
        if factor.datasets:
            value = _factor(a, factor.id)
            assert value.points == 0, factor.id
            assert cited[factor.id], f"{factor.id} cites nothing at zero"
    assert any("World Port Index" in t for t in cited["port_or_base"])


def test_due_diligence_reads_the_matrix_of_exposure_and_likelihood() -> None:
    from twinrisk.explain.due_diligence import due_diligence, due_diligence_levels
    from twinrisk.model.policy import load_policy

    pol = load_policy()
    quiet: dict[str, object] = {}
    assert due_diligence("low", quiet, pol, 0.05).level == "standard"
    assert due_diligence("low", quiet, pol, 0.55).level == "enhanced"
    assert due_diligence("moderate", quiet, pol, 0.10).level == "enhanced"
    assert due_diligence("moderate", quiet, pol, 0.45).level == "refer"
    assert due_diligence("high", quiet, pol, 0.01).level == "refer"
    assert (
        "likelihood band high (55% within five years)"
        in due_diligence("low", quiet, pol, 0.55).reasons[0]
    )
    # the batch decides the same, once per distinct situation
    bands = np.array(["low", "low", "moderate", "moderate"], dtype=object)
    empty = {
        "sanctions__in_force": np.zeros(4, dtype=bool),
        "sanctions__event": np.full(4, "", dtype=object),
        "legal__regimes": np.full(4, "", dtype=object),
    }
    levels = due_diligence_levels(bands, empty, pol, np.array([0.05, 0.55, 0.10, 0.45]))
    assert list(levels) == ["standard", "enhanced", "enhanced", "refer"]


def test_hard_rules_raise_the_matrix_never_lower_it() -> None:
    from twinrisk.explain.due_diligence import due_diligence
    from twinrisk.model.policy import load_policy

    pol = load_policy()
    sanctioned = {"sanctions__in_force": True, "sanctions__event": "EU sanctions on RU"}
    assert due_diligence("low", sanctioned, pol, 0.05).level == "refer"
    banned = {"legal__regimes": "Texas H.B. 128 bars the tie: prohibited"}
    assert due_diligence("low", banned, pol, 0.05).level == "prohibited"
    flagged = {"legal__regimes": "a past cancellation: enhanced"}
    assert due_diligence("high", flagged, pol, 0.9).level == "refer"


def test_a_policy_may_give_one_level_per_exposure_band() -> None:
    from twinrisk.model.policy import PolicyError, parse_policy

    doc = json.loads(default_policy_path().read_text(encoding="utf-8"))
    doc["due_diligence"] = {
        "low": "standard",
        "moderate": "enhanced",
        "high": "refer",
        "severe": "prohibited",
    }
    flat = parse_policy(doc)
    assert flat.level_for("moderate", "high") == "enhanced"
    assert flat.level_for("severe", "low") == "prohibited"
    doc["due_diligence"]["low"] = {"low": "standard"}
    with pytest.raises(PolicyError, match="each likelihood band"):
        parse_policy(doc)
    doc["due_diligence"]["low"] = "standard"
    doc["likelihood_bands"] = {"low": 0.0, "moderate": 0.5, "high": 0.3}
    with pytest.raises(PolicyError, match="likelihood_bands"):
        parse_policy(doc)
