"""One specific sentence per factor, written from the value behind its points.

A council member reads these verbatim, so each sentence names the places and
states, the figure and its year, and says plainly when a value was imputed. The
sentences live in the factors' records (``features.factors``); these mappings are
derived from them for the explanation and the batch, which writes a factor's
sentence once per distinct value of the columns it reads.
"""

from __future__ import annotations

from twinrisk.features.factors import FACTORS, ReasonFn

REASONS: dict[str, ReasonFn] = {f.id: f.reason for f in FACTORS}
READS: dict[str, tuple[str, ...]] = {f.id: f.reads for f in FACTORS}
#: evidence columns holding the source ids behind each factor, where the data has one
SOURCE_COLUMNS: dict[str, tuple[str, ...]] = {f.id: f.sources for f in FACTORS if f.sources}
DATASETS: dict[str, tuple[str, ...]] = {f.id: f.datasets for f in FACTORS if f.datasets}
#: factors whose sources are the precedents they count
PRECEDENT_IDS: dict[str, str] = {f.id: f.precedents for f in FACTORS if f.precedents}
