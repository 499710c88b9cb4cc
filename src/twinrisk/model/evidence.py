"""The evidence the likelihood of breakdown reads: which feature columns, cut into
which bins, and the sentence each value gives.

Every item is relational (this partner state or place against this local side),
and each bin is a step "at least t": a tie with more of the evidence never gets a
lower likelihood, because the steps' weights are kept non-negative. Cut points are
fixed here, before any fit, from what the counts mean (one precedent, a few, a
wave), not searched on the data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

TIE_HISTORIES = "tie_events.csv (tie histories)"
BEFORE = "before the assessment date"


def _col(features: Mapping[str, Any], name: str) -> np.ndarray:
    values: np.ndarray = np.nan_to_num(np.asarray(features[name], dtype=float), nan=0.0)
    return values


def _ties(n: float) -> str:
    k = int(n)
    return "1 tie" if k == 1 else f"{k} ties"


@dataclass(frozen=True)
class Evidence:
    """One item of evidence: its value per row, its steps, and its words."""

    name: str
    value: Callable[[Mapping[str, Any]], np.ndarray]
    thresholds: tuple[float, ...]
    source_column: str | None
    dataset: str
    describe: Callable[[float], str]  # the value as a clause
    rationale: str

    def steps(self) -> list[str]:
        return [f"{self.name}>={t:g}" for t in self.thresholds]


def _sanctions_value(f: Mapping[str, Any]) -> np.ndarray:
    level: np.ndarray = _col(f, "sanctions") + _col(f, "sanctions__in_force")
    return level


def _sanctions_words(v: float) -> str:
    if v >= 2:
        return "sanctions or a war are in force between the two states"
    if v >= 1:
        return "a sanctions or war event between the two states was never normalised"
    return "no sanctions regime or war is in force between the two states"


EVIDENCE: tuple[Evidence, ...] = (
    Evidence(
        "sanctions",
        _sanctions_value,
        (1.0, 2.0),
        "sanctions__src",
        "sanctions_regimes.csv, wars.csv, bilateral_events.csv",
        _sanctions_words,
        "A regime or war in force makes the tie a liability at home and abroad: ties with "
        "Russian places ended in waves after 2014 and 2022 (value 0 none, 1 an open "
        "sanctions/war event, 2 a regime or war in force).",
    ),
    Evidence(
        "climate_tension",
        lambda f: _col(f, "climate_tension"),
        (1.0, 2.0, 3.0),
        "climate_tension__src",
        "bilateral_events.csv",
        lambda v: f"relations between the two states carry a tension of {v:.1f}",
        "Crises between the states (decayed severity of dated events) are the occasions on "
        "which councils suspend ties.",
    ),
    Evidence(
        "country_endings",
        lambda f: _col(f, "country_endings"),
        (1.0, 3.0, 10.0),
        None,
        TIE_HISTORIES,
        lambda v: f"{_ties(v)} between places in the two countries had ended {BEFORE}",
        "Endings between the same two countries are the nearest precedent: when one council "
        "ends a tie, others follow (one, a few, a wave).",
    ),
    Evidence(
        "partner_place_endings",
        lambda f: _col(f, "partner_place_endings"),
        (1.0, 2.0),
        None,
        TIE_HISTORIES,
        lambda v: f"{_ties(v)} of the partner place had ended {BEFORE}",
        "A partner place that has lost other ties is a partner others found hard to keep.",
    ),
    Evidence(
        "partner_retaliation",
        lambda f: _col(f, "partner_retaliation"),
        (1.0, 3.0),
        None,
        TIE_HISTORIES,
        lambda v: f"places in the partner state had cut {_ties(v)} themselves {BEFORE}",
        "A partner state whose places cut ties themselves can cut this one in reprisal "
        "(Shanghai–Prague, 2020).",
    ),
    Evidence(
        "local_place_endings",
        lambda f: _col(f, "local_place_endings"),
        (1.0,),
        None,
        TIE_HISTORIES,
        lambda v: f"{_ties(v)} of the local place with other places had ended {BEFORE}",
        "A council that has ended a tie before has the procedure and the politics to do it again.",
    ),
)

_LEGAL_WORDS = {
    0.0: "no law, veto or review regime over the local side's ties targets the partner state",
    1.0: "a designation or review in the local jurisdiction concerns the partner state",
    2.0: "a veto or review regime in the local jurisdiction covers ties with the partner state",
    3.0: "a law in force in the local jurisdiction bars ties with the partner state",
}

#: evidence computed in ``model.relational`` (the likelihood's own columns)
RELATIONAL: tuple[Evidence, ...] = (
    Evidence(
        "recent_wave",
        lambda f: _col(f, "recent_wave"),
        (1.0, 3.0),
        None,
        TIE_HISTORIES,
        lambda v: (
            f"{_ties(v)} between places in the two countries had ended in the two years {BEFORE}"
        ),
        "A wave, not a total: councils end ties in the year or two after others in their "
        "country did (Sweden 2019-2020, Russia 2022), while old endings say less.",
    ),
    Evidence(
        "regime_divide",
        lambda f: _col(f, "regime_divide"),
        (1.0,),
        "regime_divide__src",
        "country_indicators.csv (V-Dem Regimes of the World)",
        lambda v: (
            "a democracy is tied to a place in an autocracy"
            if v >= 1
            else "the two states are not a democracy facing an autocracy"
        ),
        "The endings with Chinese and Russian partners were decided by councils in "
        "democracies, where the press and the council can question a tie.",
    ),
    Evidence(
        "legal_regime",
        lambda f: _col(f, "legal_regime"),
        (1.0, 2.0, 3.0),
        "legal__src",
        "legal_regimes.csv",
        lambda v: _LEGAL_WORDS.get(float(v), _LEGAL_WORDS[0.0]),
        "A law, veto or review over the local side's ties makes keeping the tie a decision "
        "someone must defend (Texas and Indiana ordered ties withdrawn).",
    ),
)

EVIDENCE = EVIDENCE + RELATIONAL
