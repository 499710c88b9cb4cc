"""The due-diligence level: the policy's level for the exposure band, raised by hard
rules — a law in force that bars the tie (prohibited), a veto or review regime over
the local side's ties, or sanctions or war in force between the two states (refer),
a designation or a past cancellation (enhanced). Each reason names its source."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from twinrisk.core.models import DUE_DILIGENCE_LEVELS, DueDiligence
from twinrisk.features.history import distinct
from twinrisk.model.policy import Policy


def _stricter(a: str, b: str) -> str:
    return max(a, b, key=DUE_DILIGENCE_LEVELS.index)


def due_diligence(
    band: str, row: Mapping[str, Any], policy: Policy, likelihood: float | None = None
) -> DueDiligence:
    """The level and reasons for one scored row (its feature values): the policy's
    matrix of exposure band by likelihood band, then the hard rules."""
    odds = "" if likelihood is None else f" ({likelihood:.0%} within five years)"
    return _decide(band, policy.likelihood_band(likelihood), odds, row, policy)


def _decide(
    band: str, chance: str, odds: str, row: Mapping[str, Any], policy: Policy
) -> DueDiligence:
    level = policy.level_for(band, chance)
    reasons: list[tuple[str, str]] = [
        (
            level,
            f"Exposure band {band}, likelihood band {chance}{odds}: {level} due diligence "
            f"under policy {policy.label}.",
        )
    ]
    if row.get("sanctions__in_force"):
        reasons.append(("refer", f"Sanctions or war in force: {row['sanctions__event']}."))
        level = _stricter(level, "refer")
    regimes = str(row.get("legal__regimes") or "")
    for text in filter(None, regimes.split(" | ")):
        rule, _, asks = text.rpartition(": ")
        reasons.append((asks, f"{rule} — {asks}."))
        level = _stricter(level, asks)
    reasons.sort(key=lambda r: -DUE_DILIGENCE_LEVELS.index(r[0]))
    return DueDiligence(level=level, reasons=[text for _, text in reasons])  # type: ignore[arg-type]


def due_diligence_levels(
    bands: np.ndarray,
    features: Mapping[str, np.ndarray],
    policy: Policy,
    likelihood: np.ndarray | None = None,
) -> np.ndarray:
    """The level of every row of a batch, decided once per distinct situation."""
    columns = ("sanctions__in_force", "sanctions__event", "legal__regimes")
    chances = (
        np.full(len(bands), policy.likelihood_band(None), dtype=object)
        if likelihood is None
        else np.array([policy.likelihood_band(float(x)) for x in likelihood], dtype=object)
    )
    codes, uniques = distinct(bands, chances, *(features[c] for c in columns))
    levels = np.array(
        [
            _decide(
                str(key[0]), str(key[1]), "", dict(zip(columns, key[2:], strict=True)), policy
            ).level
            for key in uniques
        ],
        dtype=object,
    )
    picked: np.ndarray = levels[codes]
    return picked
