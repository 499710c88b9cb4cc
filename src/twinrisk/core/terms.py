"""The proposal's terms: the inputs an officer controls or can find out.

Terms are optional. A term left out is imputed at the value the scoring policy
documents and flagged ``imputed`` in the explanation; it is never silently zero.
Each term names the factor it drives and, where the council controls it, the
change that would lower the score (the mitigation).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from twinrisk.core.errors import TermError

SENSITIVE_DOMAINS = (
    "technology",
    "data",
    "ports",
    "research",
    "students",
    "critical_infrastructure",
    "defence",
    "health",
)
#: other domains are accepted and recorded but carry no points
OTHER_DOMAINS = ("culture", "sport", "tourism", "trade", "schools", "environment", "youth")
#: words officers use for a sensitive domain
DOMAIN_ALIASES = {
    "education": "students",
    "universities": "students",
    "tech": "technology",
    "port": "ports",
    "infrastructure": "critical_infrastructure",
    "military": "defence",
    "defense": "defence",
}


@dataclass(frozen=True)
class Term:
    key: str
    kind: str  # "bool" or "domains"
    factor: str
    good: Any  # the value that earns no points
    question: str  # what the officer is asked
    mitigation: str | None  # the change in words, None if not controllable
    if_true: str = ""  # the reason when the term is stated true
    if_false: str = ""  # the reason when the term is stated false

    def risk(self, value: Any) -> float:
        """The factor's normalised input for a given (non-missing) term value."""
        if self.kind == "domains":
            return float(len([d for d in value if d in SENSITIVE_DOMAINS]))
        return 0.0 if bool(value) == bool(self.good) else 1.0


TERMS: dict[str, Term] = {
    t.key: t
    for t in (
        Term(
            "counterparty_united_front",
            "bool",
            "counterparty_united_front",
            False,
            "Is the counterparty, or the organisation brokering the tie, linked to the "
            "United Front system (e.g. CPAFFC)?",
            "sign with the partner city government directly, not through CPAFFC or another "
            "United Front body",
            if_true="The counterparty or broker is linked to the United Front (e.g. CPAFFC).",
            if_false="The counterparty is not linked to the United Front system.",
        ),
        Term(
            "political_clause",
            "bool",
            "political_clause",
            False,
            "Does the text commit the city to a political position of the partner state?",
            "remove the political clauses from the text",
            if_true="The text commits the city to a political position of the partner state.",
            if_false="The text contains no political clause.",
        ),
        Term(
            "conditional_aid",
            "bool",
            "conditional_aid",
            False,
            "Is any aid, donation or investment offered on condition of signing?",
            "decline aid offered on condition of signing",
            if_true="Aid or investment is offered on condition of signing.",
            if_false="No aid is offered on condition of signing.",
        ),
        Term(
            "sensitive_domains",
            "domains",
            "sensitive_domains",
            (),
            "Which domains does the agreement cover (technology, data, ports, research, "
            "students, critical infrastructure, defence, health)?",
            "limit the agreement to culture, sport, tourism and trade",
        ),
        Term(
            "exit_clause",
            "bool",
            "no_exit_clause",
            True,
            "Does the agreement have a fixed term, a review date and an exit clause?",
            "add a fixed term of five years with a review and an exit clause",
            if_true="The agreement has a fixed term, a review date and an exit clause.",
            if_false="The agreement has no fixed term, review or exit clause.",
        ),
        Term(
            "text_published",
            "bool",
            "unpublished_text",
            True,
            "Will the full text of the agreement be published before signature?",
            "publish the full text before the council votes",
            if_true="The full text will be published before signature.",
            if_false="The text will not be published before signature.",
        ),
        Term(
            "national_consultation",
            "bool",
            "consultation_skipped",
            True,
            "Has the national foreign ministry or security service been consulted?",
            "consult the national foreign ministry and security service before signing",
            if_true="The national foreign ministry or security service has been consulted.",
            if_false="National authorities have not been consulted.",
        ),
        Term(
            "prior_cooperation",
            "bool",
            "no_prior_cooperation",
            True,
            "Has the tie grown out of existing cooperation between the two places?",
            None,
            if_true="The tie grows out of existing cooperation between the two places.",
            if_false="There is no prior cooperation between the two places.",
        ),
    )
}


def _parse_bool(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):  # spreadsheet 1/0 cells
        return bool(value)
    text = str(value).strip().lower()
    if text in ("true", "yes", "y", "1"):
        return True
    if text in ("false", "no", "n", "0"):
        return False
    raise TermError(f"term {key!r}: cannot read {value!r} as yes/no; use true or false")


def _parse_domains(value: Any) -> tuple[str, ...]:
    if isinstance(value, str) and value.strip().lower() == "none":
        return ()  # stated: no domain at all (an empty cell means unknown)
    items = value.split(",") if isinstance(value, str) else list(value)
    words = {str(item).strip().lower() for item in items} - {""}
    if words == {"none"}:
        return ()  # ["none"] says the same as "none"
    if "none" in words:
        raise TermError(
            "term 'sensitive_domains': 'none' states that the agreement covers no domain, "
            "so it cannot be combined with others; send ['none'] alone or the domains"
        )
    out = []
    for item in items:
        word = str(item).strip().lower().replace(" ", "_").replace("-", "_")
        if not word:
            continue
        word = DOMAIN_ALIASES.get(word, word)
        if word not in SENSITIVE_DOMAINS and word not in OTHER_DOMAINS:
            accepted = ", ".join(SENSITIVE_DOMAINS + OTHER_DOMAINS)
            raise TermError(
                f"term 'sensitive_domains': unknown domain {item!r}; accepted: {accepted}"
            )
        out.append(word)
    return tuple(dict.fromkeys(out))


def parse_terms(terms: Mapping[str, Any] | None) -> dict[str, Any]:
    """Normalise user-supplied terms; missing or empty values stay missing (``None``)."""
    parsed: dict[str, Any] = {}
    for key, value in (terms or {}).items():
        if key not in TERMS:
            raise TermError(f"unknown term {key!r}; known terms: {', '.join(TERMS)}")
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if isinstance(value, float) and value != value:  # NaN from an empty spreadsheet cell
            continue
        term = TERMS[key]
        parsed[key] = _parse_domains(value) if term.kind == "domains" else _parse_bool(key, value)
    return parsed
