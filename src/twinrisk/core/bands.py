"""Bands: the words a score is read in (low, moderate, high, severe).

The cut-offs belong to the scoring policy (its ``bands``), so a municipality that
reads 40 as "high" says so in its policy file and every surface — explanations,
batch frames, training's calibration table, evaluation and reports — follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, cast

import numpy as np

Band = Literal["low", "moderate", "high", "severe"]
BAND_NAMES: tuple[Band, ...] = ("low", "moderate", "high", "severe")


@dataclass(frozen=True)
class Bands:
    """The lowest score of each band above ``low`` (``low`` always starts at 0)."""

    moderate: int = 25
    high: int = 50
    severe: int = 75

    @classmethod
    def from_dict(cls, doc: Any) -> Bands:
        """Cut-offs from a policy's ``bands`` object; ValueError names what is wrong."""
        if not isinstance(doc, dict):
            raise ValueError("bands must be an object such as {'low': 0, 'moderate': 25, …}")
        unknown = sorted(set(doc) - set(BAND_NAMES))
        if unknown:
            raise ValueError(f"bands: unknown band {unknown[0]!r}; bands are {BAND_NAMES}")
        if doc.get("low", 0) != 0:
            raise ValueError(f"bands: low must start at 0, not {doc['low']!r}")
        values = [doc.get(name) for name in BAND_NAMES[1:]]
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            raise ValueError(f"bands: moderate, high and severe need integer cut-offs, got {doc}")
        cuts = cast(list[int], values)
        if not 0 < cuts[0] < cuts[1] < cuts[2] <= 100:
            raise ValueError(f"bands: cut-offs must rise strictly within 1–100, got {cuts}")
        return cls(*cuts)

    @property
    def cutoffs(self) -> tuple[int, int, int]:
        return (self.moderate, self.high, self.severe)

    def as_dict(self) -> dict[str, int]:
        return {"low": 0, "moderate": self.moderate, "high": self.high, "severe": self.severe}

    def describe(self) -> str:
        """The cut-offs in words: "low < 25 ≤ moderate < 50 ≤ high < 75 ≤ severe"."""
        return f"low < {self.moderate} ≤ moderate < {self.high} ≤ high < {self.severe} ≤ severe"

    def of(self, score: float) -> Band:
        """The band of one score."""
        return BAND_NAMES[int(np.searchsorted(self.cutoffs, score, side="right"))]

    def of_array(self, scores: np.ndarray) -> np.ndarray:
        """The band of each score, as an object array."""
        names = np.array(BAND_NAMES, dtype=object)
        return names[np.searchsorted(self.cutoffs, scores, side="right")]

    def ranges(self) -> list[tuple[Band, int, int]]:
        """(band, lowest score, highest score) of each band, for tables."""
        lows = (0, *self.cutoffs)
        highs = (*(c - 1 for c in self.cutoffs), 100)
        return list(zip(BAND_NAMES, lows, highs, strict=True))


DEFAULT_BANDS = Bands()
