"""Evidence columns only the likelihood reads, added to the feature columns of a run:
a recent wave of endings between the two states, a democracy facing an autocracy,
and a legal regime in force over the local side's ties.

They live in the model stage, beside the scorecard that reads them, because the
exposure score does not use them. Each is computed once per distinct key (pair of
states, cut-off year, own pair), so 100,000 rows cost a few look-ups per distinct
value, as the feature pipeline does. Leave-self-out as everywhere: a tie's own
ending never counts in its own wave.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from twinrisk.data.loaders import Tables
from twinrisk.features.factors.dated import democracy
from twinrisk.features.history import History, distinct

#: a wave: endings known by the cut-off year and reported in it or the year before.
#: Fixed before any fit: councils followed each other within a year or two (Sweden
#: 2019-2020, Russia 2022), and a longer window is the cumulative count the model
#: already has.
WAVE_YEARS = 2
#: the legal levels of ``features.factors.legal`` as an ordered value
LEGAL_LEVELS = {"enhanced": 1.0, "refer": 2.0, "prohibited": 3.0}
COLUMNS = ("recent_wave", "regime_divide", "regime_divide__src", "legal_regime")


def recent_wave(
    history: History,
    locals_: np.ndarray,
    partners: np.ndarray,
    cutoffs: np.ndarray,
    pairs: np.ndarray,
) -> np.ndarray:
    """Per row: ended ties between the same two states whose ending year lies in the
    ``WAVE_YEARS`` up to the row's cut-off year, leaving out the row's own pair."""
    # only a pair that ended can be its own precedent: the others share one key
    own = np.array([p if p in history.ended_pairs else "" for p in pairs.tolist()], dtype=object)
    codes, uniques = distinct(locals_, partners, cutoffs, own)
    counts = np.zeros(len(uniques), dtype=float)
    for i, (lc, pc, cutoff, pair) in enumerate(uniques):
        a, b = sorted((str(lc), str(pc)))  # the order-free key of ``pair_key``
        group = history.by_cpair.get(f"{a}|{b}")
        if group is None:
            continue
        window = (group.years <= int(cutoff)) & (group.years > int(cutoff) - WAVE_YEARS)
        counts[i] = float((window & (group.pairs != pair)).sum())
    result: np.ndarray = counts[codes]
    return result


def regime_divide(
    tables: Tables, locals_: np.ndarray, partners: np.ndarray, cutoffs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per row: 1 when V-Dem rates the local state a democracy and the partner state
    not (latest year known by the cut-off), else 0; and the source ids."""
    codes, uniques = distinct(locals_, partners, cutoffs)
    flags = np.zeros(len(uniques), dtype=float)
    sources = np.full(len(uniques), "", dtype=object)
    rated: dict[tuple[str, int], tuple[bool | None, str]] = {}
    for i, (lc, pc, cutoff) in enumerate(uniques):
        for country in (str(lc), str(pc)):
            if (country, int(cutoff)) not in rated:
                rated[country, int(cutoff)] = democracy(tables, country, int(cutoff))
        local, local_src = rated[str(lc), int(cutoff)]
        partner, partner_src = rated[str(pc), int(cutoff)]
        flags[i] = float(local is True and partner is False)
        sources[i] = ";".join(sorted({s for s in (local_src, partner_src) if s}))
    return flags[codes], sources[codes]


def _legal_levels(levels: np.ndarray) -> np.ndarray:
    """``LEGAL_LEVELS`` of each row's level (0 for none): a dict look-up for a few rows,
    pandas' hashing for a batch."""
    if len(levels) <= 16:
        return np.array([LEGAL_LEVELS.get(str(v), 0.0) for v in levels.tolist()], dtype=float)
    mapped: np.ndarray = pd.Series(levels).map(LEGAL_LEVELS).fillna(0.0).to_numpy(dtype=float)
    return mapped


def likelihood_columns(
    features: Mapping[str, Any], tables: Tables, history: History
) -> dict[str, np.ndarray]:
    """The columns of ``COLUMNS`` for rows of ``features`` (as
    ``features.build.prepared_features`` returns them)."""
    lc = np.asarray(features["local_country"], dtype=object)
    pc = np.asarray(features["partner_country"], dtype=object)
    cutoffs = np.asarray(features["cutoff"], dtype=np.int64)
    pairs = np.asarray(features["pair"], dtype=object)
    divide, divide_src = regime_divide(tables, lc, pc, cutoffs)
    levels = np.asarray(features["legal__level"], dtype=object)
    return {
        "recent_wave": recent_wave(history, lc, pc, cutoffs, pairs),
        "regime_divide": divide,
        "regime_divide__src": divide_src,
        "legal_regime": _legal_levels(levels),
    }
