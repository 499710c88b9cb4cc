"""One record per factor: everything about a factor in one place.

Like ``core.terms.Term`` for the proposal's terms, a ``FactorDef`` holds how the
factor's value is computed, the columns its sentence reads, the sentence itself,
where its sources come from and the question an officer should ask when it scores.
The registry (``features.factors.FACTORS``) and everything derived from it —
the policy's known factor ids, the reasons of explanations and batches, the
sources of each factor, the checklist, the mitigations — read these records, so
adding a factor is a record, a policy entry and a test.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from twinrisk.features.factors.context import Context

#: a reason sentence from a row of feature values and the country names
ReasonFn = Callable[[Mapping[str, Any], Mapping[str, str]], str]
#: a factor's raw column (under its id) and its evidence columns (``<id>__…``)
ComputeFn = Callable[[Context], dict[str, np.ndarray]]

LC, PC, LOCAL = "local_country", "partner_country", "local_name"


@dataclass(frozen=True)
class FactorDef:
    id: str
    compute: ComputeFn
    reason: ReasonFn
    #: the only columns ``reason`` reads: a batch writes a sentence once per distinct
    #: combination of them (a test holds every reason to its list)
    reads: tuple[str, ...]
    #: what the officer should ask when the factor scores (see ``explain.checklist``)
    question: str
    #: evidence columns holding the source ids behind the value
    sources: tuple[str, ...] = ()
    #: source ids of the published datasets the value is read from, cited whatever the
    #: value (zero included): "none recorded" is a statement about a dataset
    datasets: tuple[str, ...] = ()
    #: a column of dyad ids whose own sources are cited (counts of ended ties)
    precedents: str | None = None
    #: the change to the proposal that removes the factor's points, if controllable
    mitigation: str | None = None


def na(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def before(r: Mapping[str, Any]) -> str:
    return f"by the end of {int(r['cutoff'])}"
