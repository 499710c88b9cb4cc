"""Everything scoring needs, loaded once per data version and artifact: the tables,
the indexed tie history, the checked model artifact and the country names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from twinrisk import places
from twinrisk.core.errors import PlaceError
from twinrisk.data.loaders import Tables, load_tables
from twinrisk.features.history import History, curated_place_id
from twinrisk.model.artifact import ModelArtifact, load_artifact
from twinrisk.model.policy import Policy
from twinrisk.model.transforms import FactorNormaliser


@dataclass(frozen=True, eq=False)
class Engine:
    """Everything scoring needs, loaded once per data version and artifact."""

    tables: Tables
    history: History
    artifact: ModelArtifact
    names: Mapping[str, str]

    @property
    def dyad_sources(self) -> dict[str, str]:
        return _dyad_sources(self)

    def normaliser(self, policy: Policy) -> FactorNormaliser:
        fitted: FactorNormaliser = self.artifact.normaliser
        if fitted.policy is not None and _same_policy(fitted.policy, policy):
            return fitted
        return _fit_for(self, policy)


#: (id(a), id(b)) -> (a, b, a == b): the loaded policy and the artifact's are distinct
#: objects, and comparing them field by field on every run costs more than a look-up
_EQUAL: dict[tuple[int, int], tuple[Policy, Policy, bool]] = {}


def _same_policy(a: Policy, b: Policy) -> bool:
    hit = _EQUAL.get((id(a), id(b)))
    if hit is not None and hit[0] is a and hit[1] is b:
        return hit[2]
    same = a == b
    if len(_EQUAL) >= 16:
        _EQUAL.clear()
    _EQUAL[(id(a), id(b))] = (a, b, same)
    return same


@lru_cache(maxsize=4)
def _dyad_sources(engine: Engine) -> dict[str, str]:
    d = engine.tables.dyads
    return dict(zip(d["dyad_id"], d["sources"], strict=True))


@lru_cache(maxsize=8)
def _fit_for(engine: Engine, policy: Policy) -> FactorNormaliser:
    return FactorNormaliser(policy).fit(engine.artifact.reference)


def _curated_id(name: str, country: str) -> str:
    hint = places.curated_hint(name, country)
    try:
        if hint is None:
            return places.resolve(name, country).tie_id
        return places.resolve(name, country, admin=hint.admin, geonames_id=hint.geonames_id).tie_id
    except PlaceError:
        return curated_place_id(name, country)


@lru_cache(maxsize=2)
def build_history(tables: Tables) -> History:
    """The indexed history of these tables, built once per data version."""
    return History.build(tables, _curated_id)


@lru_cache(maxsize=2)
def _engine_for(data_version: str, artifact_path: str | None) -> Engine:
    tables = load_tables()
    artifact = load_artifact(Path(artifact_path) if artifact_path else None)
    return Engine(
        tables=tables,
        history=build_history(tables),
        artifact=artifact,
        names=country_names(tables),
    )


def country_names(tables: Tables) -> dict[str, str]:
    """ISO code -> English name of every country in the data."""
    return dict(zip(tables.countries["iso2"], tables.countries["name"], strict=True))


def engine() -> Engine:
    """The engine of the current tables and the bundled artifact (cached per data version)."""
    tables = load_tables()
    return _engine_for(tables.version, None)
