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


def due_diligence(band: str, row: Mapping[str, Any], policy: Policy) -> DueDiligence:
    """The level and reasons for one scored row (its feature values)."""
    level = policy.level_for(band)
    reasons: list[tuple[str, str]] = [
        (level, f"Exposure band {band}: {level} due diligence under policy {policy.label}.")
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
    bands: np.ndarray, features: Mapping[str, np.ndarray], policy: Policy
) -> np.ndarray:
    """The level of every row of a batch, decided once per distinct situation."""
    columns = ("sanctions__in_force", "sanctions__event", "legal__regimes")
    codes, uniques = distinct(bands, *(features[c] for c in columns))
    levels = np.array(
        [
            due_diligence(str(key[0]), dict(zip(columns, key[1:], strict=True)), policy).level
            for key in uniques
        ],
        dtype=object,
    )
    picked: np.ndarray = levels[codes]
    return picked
