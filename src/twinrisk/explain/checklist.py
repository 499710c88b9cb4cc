"""Due-diligence questions triggered by the factors that scored.

A question is asked when its factor earned at least half its maximum, or when a
proposal term was imputed (the officer should find out rather than accept the
assumption). Each question names its factor.
"""

from __future__ import annotations

from twinrisk.core.terms import TERMS

QUESTIONS = {
    "debt_share": "What leverage does the partner state's creditor position give it over national "
    "and local institutions, and has the finance ministry been asked?",
    "debt_distress": "Is any debt restructuring under way with the partner state, and could the "
    "partnership be tied to it?",
    "bri_mou": "Does the proposal refer to the Belt and Road Initiative or commit the city to "
    "projects under it?",
    "flagship_project": "Does the partnership touch the partner-financed project in the city "
    "(operations, land, access, data)?",
    "partner_finance": "Which partner-state-financed projects operate in the city or region, and "
    "who manages them?",
    "port_or_base": "Will the partner gain access to port or defence facilities, staff or data?",
    "border_proximity": "Does the partnership give access to border areas or security "
    "installations nearby?",
    "capital": "Which national or regional decision-makers will the partnership bring the "
    "partner into contact with?",
    "tech_hub": "Which research institutions and firms will take part, and are export-control "
    "and research-security rules applied?",
    "country_endings": "Why did other ties between the two countries end, and do the same "
    "conditions apply here?",
    "partner_place_endings": "Why did other places end their ties with this partner, and what "
    "happened afterwards?",
    "partner_retaliation": "How would the city respond if the partner cut the tie in reprisal "
    "for a national or local decision (e.g. meeting Taiwan or the Dalai Lama)?",
    "local_place_endings": "What did the city learn from its own ended ties, and is this proposal "
    "different?",
    "climate_tension": "How would the partnership be managed through a crisis between the two "
    "states?",
    "sanctions": "Is the partner, or anyone it would deal with, under sanctions, and has legal "
    "advice been taken?",
}
QUESTIONS.update({t.factor: t.question for t in TERMS.values()})


_TERM_FACTORS = frozenset(t.factor for t in TERMS.values())


def triggered(factor: str, points: int, max_points: int, imputed: bool) -> bool:
    if max_points <= 0:
        return False
    if factor in _TERM_FACTORS and imputed:
        return True
    return points * 2 >= max_points and points > 0
