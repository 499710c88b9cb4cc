"""The scoring policy: which factors count, how much, and why.

Weights are a policy choice, not a fitted fact, so they live in a versioned file
with a rationale per weight that a council can read and replace. A policy is
checked on load: maxima are non-negative integers summing to exactly 100, every
factor is one the pipeline computes, every transform is one it knows.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from twinrisk.config import models_dir
from twinrisk.core.bands import BAND_NAMES, DEFAULT_BANDS, Bands
from twinrisk.core.errors import PolicyError
from twinrisk.core.models import DUE_DILIGENCE_LEVELS
from twinrisk.features.factors import FACTOR_IDS

GROUPS = (
    "debt_exposure",
    "bri_participation",
    "strategic_location",
    "termination_precedents",
    "bilateral_climate",
    "proposal_terms",
)
TRANSFORM_KINDS = ("linear", "levels", "ecdf", "distance", "term")


#: bands of ``likelihood_5y`` (lowest value of each), for the due-diligence matrix
LIKELIHOOD_BANDS = ("low", "moderate", "high")
DEFAULT_LIKELIHOOD_BANDS: tuple[tuple[str, float], ...] = (
    ("low", 0.0),
    ("moderate", 0.15),
    ("high", 0.4),
)
#: the default level per (exposure band, likelihood band), before the hard rules
DEFAULT_DUE_DILIGENCE: tuple[tuple[str, str, str], ...] = tuple(
    (band, chance, level)
    for band, row in (
        ("low", ("standard", "standard", "enhanced")),
        ("moderate", ("enhanced", "enhanced", "refer")),
        ("high", ("refer", "refer", "refer")),
        ("severe", ("refer", "refer", "refer")),
    )
    for chance, level in zip(LIKELIHOOD_BANDS, row, strict=True)
)


@dataclass(frozen=True)
class FactorSpec:
    id: str
    group: str
    label: str
    max_points: int
    transform: dict[str, Any]
    direction: str
    rationale: str


@dataclass(frozen=True)
class Policy:
    name: str
    version: str
    factors: tuple[FactorSpec, ...]
    description: str = ""
    #: a default at class level, so that policies pickled before bands existed load
    bands: Bands = DEFAULT_BANDS
    #: due-diligence level per (exposure band, likelihood band), before the hard rules
    due_diligence: tuple[tuple[str, str, str], ...] = DEFAULT_DUE_DILIGENCE
    likelihood_bands: tuple[tuple[str, float], ...] = DEFAULT_LIKELIHOOD_BANDS

    def likelihood_band(self, likelihood: float | None) -> str:
        """The band of a likelihood; none known (no likelihood model) counts as low."""
        if likelihood is None or likelihood != likelihood:
            return self.likelihood_bands[0][0]
        found = self.likelihood_bands[0][0]
        for name, lowest in self.likelihood_bands:
            if likelihood >= lowest:
                found = name
        return found

    def level_for(self, band: str, likelihood_band: str = "low") -> str:
        return {(b, c): level for b, c, level in self.due_diligence}[(band, likelihood_band)]

    @property
    def label(self) -> str:
        # an inline policy (named by the service after its content hash) has no version
        return f"{self.name}@{self.version}" if self.version else self.name

    def factor(self, factor_id: str) -> FactorSpec:
        for spec in self.factors:
            if spec.id == factor_id:
                return spec
        raise KeyError(factor_id)

    @property
    def factor_ids(self) -> list[str]:
        return [f.id for f in self.factors]

    def __hash__(self) -> int:
        return hash(json.dumps(self.as_dict(), sort_keys=True))

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "factors": [spec.__dict__ for spec in self.factors],
            "bands": self.bands.as_dict(),
            "likelihood_bands": dict(self.likelihood_bands),
            "due_diligence": {
                band: {c: level for b, c, level in self.due_diligence if b == band}
                for band in BAND_NAMES
            },
        }


def default_policy_path() -> Path:
    return models_dir() / "policy-default.json"


def parse_policy(doc: Mapping[str, Any], *, known_factors: set[str] | None = None) -> Policy:
    """Check a policy document and return it typed; every problem is named."""
    known = known_factors or set(FACTOR_IDS)
    problems: list[str] = []
    for key in ("name", "version", "factors"):
        if key not in doc:
            problems.append(f"missing key {key!r}")
    if problems:
        raise PolicyError("invalid policy: " + "; ".join(problems))
    factors = []
    seen: set[str] = set()
    raw_factors = doc["factors"]
    if not isinstance(raw_factors, list) or not raw_factors:
        raise PolicyError("invalid policy: 'factors' must be a non-empty list")
    for i, f in enumerate(raw_factors):
        if not isinstance(f, Mapping):
            problems.append(f"factors[{i}] is not an object")
            continue
        fid = f.get("id")
        where = f"factor {fid!r}" if fid else f"factors[{i}]"
        if fid not in known:
            problems.append(f"{where}: unknown factor id; known: {', '.join(sorted(known))}")
        if fid in seen:
            problems.append(f"{where}: listed twice")
        seen.add(str(fid))
        if f.get("group") not in GROUPS:
            problems.append(f"{where}: group {f.get('group')!r} is not one of {', '.join(GROUPS)}")
        mp = f.get("max_points")
        if not isinstance(mp, int) or isinstance(mp, bool) or mp < 0:
            problems.append(f"{where}: max_points {mp!r} must be a non-negative integer")
        transform = f.get("transform") or {}
        if transform.get("kind") not in TRANSFORM_KINDS:
            problems.append(
                f"{where}: transform kind {transform.get('kind')!r} is not one of "
                f"{', '.join(TRANSFORM_KINDS)}"
            )
        if not str(f.get("rationale") or "").strip():
            problems.append(f"{where}: a rationale is required")
        if not problems:
            factors.append(
                FactorSpec(
                    id=str(fid),
                    group=str(f["group"]),
                    label=str(f.get("label") or fid),
                    max_points=int(mp),  # type: ignore[arg-type]
                    transform=dict(transform),
                    direction=str(f.get("direction", "increasing")),
                    rationale=str(f["rationale"]),
                )
            )
    missing = known - seen
    if missing:
        problems.append(
            f"factors missing from the policy: {', '.join(sorted(missing))} "
            "(give them max_points 0 to switch them off)"
        )
    total = sum(f.max_points for f in factors)
    if not problems and total != 100:
        problems.append(f"max_points add up to {total}; they must add up to exactly 100")
    bands = DEFAULT_BANDS
    if "bands" in doc:
        try:
            bands = Bands.from_dict(doc["bands"])
        except ValueError as exc:
            problems.append(str(exc))
    matrix = _due_diligence(doc.get("due_diligence"), problems)
    chances = _likelihood_bands(doc.get("likelihood_bands"), problems)
    if problems:
        raise PolicyError("invalid policy: " + "; ".join(problems))
    return Policy(
        name=str(doc["name"]),
        version=str(doc["version"]),
        factors=tuple(factors),
        description=str(doc.get("description", "")),
        bands=bands,
        due_diligence=matrix,
        likelihood_bands=chances,
    )


def _due_diligence(doc: Any, problems: list[str]) -> tuple[tuple[str, str, str], ...]:
    """The matrix of a policy file: each exposure band maps to a level, or to an object
    of a level per likelihood band (the flat form applies to every likelihood band)."""
    if doc is None:
        return DEFAULT_DUE_DILIGENCE
    out: list[tuple[str, str, str]] = []
    if isinstance(doc, Mapping) and set(doc) == set(BAND_NAMES):
        for band in BAND_NAMES:
            row = doc[band]
            levels = row if isinstance(row, Mapping) else dict.fromkeys(LIKELIHOOD_BANDS, row)
            if set(levels) != set(LIKELIHOOD_BANDS) or not all(
                v in DUE_DILIGENCE_LEVELS for v in levels.values()
            ):
                break
            out += [(band, c, str(levels[c])) for c in LIKELIHOOD_BANDS]
        else:
            return tuple(out)
    problems.append(
        f"due_diligence must map each exposure band {BAND_NAMES} to one of "
        f"{DUE_DILIGENCE_LEVELS}, or to an object mapping each likelihood band "
        f"{LIKELIHOOD_BANDS} to one"
    )
    return DEFAULT_DUE_DILIGENCE


def _likelihood_bands(doc: Any, problems: list[str]) -> tuple[tuple[str, float], ...]:
    if doc is None:
        return DEFAULT_LIKELIHOOD_BANDS
    try:
        lows = [float(doc[name]) for name in LIKELIHOOD_BANDS]
    except (TypeError, KeyError, ValueError):
        lows = []
    if (
        not isinstance(doc, Mapping)
        or set(doc) != set(LIKELIHOOD_BANDS)
        or len(lows) != len(LIKELIHOOD_BANDS)
        or lows[0] != 0.0
        or not all(0.0 <= a < b < 1.0 for a, b in zip(lows, lows[1:], strict=False))
    ):
        problems.append(
            f"likelihood_bands must give the lowest likelihood of each band {LIKELIHOOD_BANDS}: "
            "low 0, then rising, below 1 (e.g. {'low': 0, 'moderate': 0.15, 'high': 0.4})"
        )
        return DEFAULT_LIKELIHOOD_BANDS
    return tuple(zip(LIKELIHOOD_BANDS, lows, strict=True))


@lru_cache(maxsize=8)
def _load_file(path: Path, mtime: float) -> Policy:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise PolicyError(f"policy file {path}: not valid JSON ({exc})") from exc
    if not isinstance(doc, dict):
        raise PolicyError(f"policy file {path}: must hold a JSON object")
    return parse_policy(doc)


def load_policy(policy: Policy | Mapping[str, Any] | str | Path | None = None) -> Policy:
    """A policy from an object, a document, a file path, or a name in ``models/``."""
    if policy is None:
        policy = default_policy_path()
    if isinstance(policy, Policy):
        return policy
    if isinstance(policy, Mapping):
        return parse_policy(policy)
    path = Path(policy)
    if not path.suffix and not path.exists():  # a name such as "default"
        path = models_dir() / f"policy-{policy}.json"
    try:  # one stat for "is it a file" and its modification time
        st: os.stat_result | None = path.stat()
    except OSError:
        st = None
    if st is None or not stat.S_ISREG(st.st_mode):
        names = sorted(p.stem.removeprefix("policy-") for p in models_dir().glob("policy-*.json"))
        raise PolicyError(
            f"unknown policy {str(policy)!r}; known policies: {', '.join(names)} "
            "(or give the path of a policy JSON file)"
        )
    return _load_file(_resolved(str(path)), st.st_mtime)


@lru_cache(maxsize=64)
def _resolved(path: str) -> Path:
    """A policy file's absolute path, resolved once per name (a stat per component):
    every scored proposal loads its policy."""
    return Path(path).resolve()
