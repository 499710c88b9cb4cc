"""The explanation of scored rows: every factor with its value, points, sentence and
sources; the top reasons; precedents; the checklist; mitigations. Written once per
distinct situation where a batch shares it (sources, sentences).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from twinrisk.core.models import (
    Assessment,
    Mitigation,
    SourceRef,
    Tie,
    TieEvent,
)
from twinrisk.core.terms import TERMS
from twinrisk.explain.checklist import QUESTIONS, triggered
from twinrisk.explain.due_diligence import due_diligence
from twinrisk.explain.reasons import DATASETS, PRECEDENT_IDS, READS, REASONS, SOURCE_COLUMNS
from twinrisk.features.history import distinct
from twinrisk.features.prepare import Prepared
from twinrisk.features.ties import Ties
from twinrisk.model.engine import Engine
from twinrisk.model.policy import Policy
from twinrisk.model.score import Scored
from twinrisk.model.scorecard import points_array

TOP_REASONS = 4
NOT_COVERED = (
    "This score covers the factors listed, from public sources as of the date shown. It does "
    "not cover the individuals involved, classified assessments, the partner's private "
    "commercial interests, cyber or data-protection risks of specific systems, or the benefits "
    "of the partnership. It informs a council's judgement; it does not replace it."
)


def _sources(eng: Engine, ids: str) -> list[SourceRef]:
    return list(_source_refs(eng, ids))


@lru_cache(maxsize=8192)
def _source_refs(eng: Engine, ids: str) -> tuple[SourceRef, ...]:
    """Source references per id list, built once: the same few hundred lists recur in
    every assessment, and the models are frozen."""
    return tuple(SourceRef(**row) for row in eng.tables.source_rows(ids))  # type: ignore[arg-type]


def _factor_sources(eng: Engine, factor: str, row: Mapping[str, Any]) -> list[SourceRef]:
    """The sources behind a factor's value: its evidence column's ids, or for a count
    of ended ties the sources of the ties it names (at most eight), then the datasets
    the value is read from."""
    key = tuple(row.get(column) for column in SOURCE_COLUMNS.get(factor, ()))
    precedents = row.get(PRECEDENT_IDS[factor]) if factor in PRECEDENT_IDS else None
    return list(_evidence_sources(eng, key, precedents, DATASETS.get(factor, ())))


@lru_cache(maxsize=16384)
def _evidence_sources(
    eng: Engine, evidence: tuple[Any, ...], precedent_ids: Any, datasets: tuple[str, ...]
) -> tuple[SourceRef, ...]:
    ids: list[str] = []
    for value in evidence:
        if isinstance(value, str) and value:
            ids.extend(value.split(";"))
    if precedent_ids is not None:
        dyad_sources = eng.dyad_sources
        for dyad_id in str(precedent_ids or "").split(";"):
            if dyad_id in dyad_sources:
                ids.extend(dyad_sources[dyad_id].split(";"))
    return _source_refs(eng, ";".join([*ids[:8], *datasets]))


@lru_cache(maxsize=4)
def _ties(eng: Engine) -> Ties:
    return Ties.build(eng.tables, eng.history)


def tie_of(eng: Engine, pair: str, as_of: dt.date) -> Tie | None:
    """The curated tie between the two places (``pair_key`` of their ids) with its
    history as of ``as_of``; ``None`` when the data holds none. Shown, never scored."""
    record = _ties(eng).of_pair(pair)
    if record is None:
        return None
    return _tie(eng, record.dyad_id, as_of, dt.date.today())


@lru_cache(maxsize=4096)
def _tie(eng: Engine, dyad_id: str, as_of: dt.date, today: dt.date) -> Tie:
    """Built once per tie and date: a batch or a busy service asks about the same few
    ties again and again, and the models are frozen."""
    t = _ties(eng).by_id[dyad_id]
    return Tie(
        dyad_id=t.dyad_id,
        kind=t.kind,
        local=t.local,
        local_country=t.local_country,
        partner=t.partner,
        partner_country=t.partner_country,
        established=t.established,
        status=t.status_as_of(as_of),
        status_today=t.status_as_of(today),
        last_activity=t.last_activity(as_of),
        events=[
            TieEvent(
                date=e.date,
                event=e.event,
                actor=e.actor,
                reason_code=e.reason_code,
                confirmed=e.confirmed,
                after_as_of=e.known > as_of,
                note=e.note,
                sources=_sources(eng, e.sources),
            )
            for e in t.events
        ],
    )


def _display_value(value: Any) -> Any:
    if isinstance(value, (np.floating, float)):
        return None if value != value else round(float(value), 2)  # NaN is not itself
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def mitigations_of(eng: Engine, policy: Policy, scored: Scored) -> list[list[Mitigation]]:
    """Per row: for each controllable term that earns points, the score if it were
    changed (and all of them together).

    A factor's points depend on its own value only (the normaliser maps each column by
    itself and the scorecard rounds each factor alone), so changing terms moves the
    score by exactly the points of the changed factors. The points each term earns at
    its good value are scored once per run, through the same normaliser and scorecard
    as the assessment; a test re-scores every mitigated proposal to hold this."""
    out: list[list[Mitigation]] = [[] for _ in range(len(scored.points))]
    if not out:
        return out
    position = {fid: j for j, fid in enumerate(policy.factor_ids)}
    controllable = [t for t in TERMS.values() if t.mitigation is not None]
    good_points = _good_points(eng, policy)
    for i, points in enumerate(scored.points.tolist()):
        changes = [t for t in controllable if points[position[t.factor]] > 0]
        if not changes:
            continue
        before = sum(points)
        saved = {t.key: points[position[t.factor]] - good_points[t.factor] for t in changes}
        items = [
            Mitigation(
                term=t.key,
                change=str(t.mitigation),
                score_before=before,
                score_after=before - saved[t.key],
            )
            for t in changes
        ]
        items.sort(key=lambda m: (m.score_after, m.term))
        if len(changes) > 1:
            items.append(
                Mitigation(
                    term="all",
                    change="all of the changes above together",
                    score_before=before,
                    score_after=before - sum(saved.values()),
                )
            )
        out[i] = items
    return out


#: (id(engine), id(policy)) -> (engine, policy, points): keyed by identity because a
#: policy's hash serialises the whole policy, which would cost more than it saves
_GOOD_POINTS: dict[tuple[int, int], tuple[Engine, Policy, dict[str, int]]] = {}


def _good_points(eng: Engine, policy: Policy) -> dict[str, int]:
    """The points of each controllable term at its good value, through the policy's
    normaliser and scorecard: the same for every run, so scored once per policy. The
    other factors get any value the normaliser accepts; a factor's points never depend
    on another factor's value."""
    key = (id(eng), id(policy))
    hit = _GOOD_POINTS.get(key)
    if hit is not None and hit[0] is eng and hit[1] is policy:
        return hit[2]
    found = _score_good_points(eng, policy)
    if len(_GOOD_POINTS) >= 16:  # policies parsed per request: keep the cache small
        _GOOD_POINTS.clear()
    _GOOD_POINTS[key] = (eng, policy, found)
    return found


def _score_good_points(eng: Engine, policy: Policy) -> dict[str, int]:
    row: dict[str, np.ndarray] = {}
    for spec in policy.factors:
        levels = spec.transform.get("levels")
        row[spec.id] = np.array([next(iter(levels))], dtype=object) if levels else np.array([0.0])
    controllable = [t for t in TERMS.values() if t.mitigation is not None]
    for t in controllable:
        row[t.factor] = np.array([t.risk(t.good)], dtype=float)
    points = points_array(eng.normaliser(policy).transform_columns(row), policy)[0]
    position = {fid: j for j, fid in enumerate(policy.factor_ids)}
    return {t.factor: int(points[position[t.factor]]) for t in controllable}


def explain(
    eng: Engine,
    policy: Policy,
    prep: Prepared,
    scored: Scored,
    i: int,
    mitigations: list[Mitigation],
    precedents_of_row: list[dict[str, Any]],
) -> Assessment:
    """The full explanation of prepared row ``i``."""
    f = {name: values[i] for name, values in scored.features.items()}
    norm_row = scored.normalised[i].tolist()
    points_row = scored.points[i].tolist()
    # Plain dicts validated once as the whole Assessment: pydantic checks the nested
    # models in one call instead of some sixty constructor calls (same fields, same
    # checks, the same document).
    factors: list[dict[str, Any]] = []
    for j, spec in enumerate(policy.factors):
        value = f[spec.id]
        factors.append(
            {
                "id": spec.id,
                "group": spec.group,
                "label": spec.label,
                "value": list(value) if isinstance(value, tuple) else _display_value(value),
                "normalised": round(norm_row[j], 4),
                "points": points_row[j],
                "max_points": spec.max_points,
                "reason": REASONS[spec.id](f, eng.names),
                "imputed": bool(f.get(f"{spec.id}__imputed", False)),
                "sources": _factor_sources(eng, spec.id, f),
            }
        )
    total = sum(points_row)
    ranked = sorted((x for x in factors if x["points"] > 0), key=lambda x: (-x["points"], x["id"]))
    top = [
        {"factor": x["id"], "points": x["points"], "reason": x["reason"]}
        for x in ranked[:TOP_REASONS]
    ]
    precedents = [
        {
            "dyad_id": p["dyad_id"],
            "local": p["local_place"],
            "local_country": p["local_country"],
            "partner": p["partner_place"],
            "partner_country": p["partner_country"],
            "kind": p["kind"],
            "status": p["status"],
            "established_year": None
            if pd.isna(p["established_year"])
            else int(p["established_year"]),
            "ended_year": int(p["ended_year"]),
            "ended_by": p["ended_by"],
            "reason_code": p["reason_code"],
            "reason": None if pd.isna(p["reason"]) else p["reason"],
            "similarity": float(p["similarity"]),
            "sources": _sources(eng, p["sources"]),
        }
        for p in precedents_of_row
    ]
    checklist = [
        {"factor": x["id"], "question": QUESTIONS[x["id"]]}
        for x in factors
        if triggered(x["id"], x["points"], x["max_points"], x["imputed"])
    ]
    terms = {}
    for key, term in TERMS.items():
        given = f[f"{term.factor}__given"]
        terms[key] = (
            list(given)
            if isinstance(given, tuple)
            else (
                None if given is None or (isinstance(given, float) and np.isnan(given)) else given
            )
        )
    band = policy.bands.of(total)
    as_of = prep.columns["as_of"][i].item()
    return Assessment.model_validate(
        {
            "score": total,
            "band": band,
            "local": prep.locals[i],
            "partner": prep.partners[i],
            "as_of": as_of,
            "tie": tie_of(eng, str(f["pair"]), as_of),
            "terms": terms,
            "groups": {g: int(totals[i]) for g, totals in scored.groups.items()},
            "factors": factors,
            "top_reasons": top,
            "precedents": precedents,
            "checklist": checklist,
            "mitigations": mitigations,
            "model": {
                "bands": policy.bands.as_dict(),
                "version": eng.artifact.version,
                "policy": policy.label,
                "data_version": eng.tables.version,
            },
            **_likelihood(eng, scored, i, f),
            "due_diligence": due_diligence(
                band,
                f,
                policy,
                None if scored.likelihood is None else float(scored.likelihood[i]),
            ),
            "not_covered": NOT_COVERED,
        }
    )


def _likelihood(eng: Engine, scored: Scored, i: int, row: Mapping[str, Any]) -> dict[str, Any]:
    """Row ``i``'s likelihood of ending within five years and its contributions."""
    model = eng.artifact.likelihood
    parts, values = scored.likelihood_parts, scored.likelihood_values
    if scored.likelihood is None or model is None or parts is None or values is None:
        return {}
    factors = [
        {
            "factor": part.feature,
            "value": part.value,
            "contribution": round(part.contribution, 6),
            "reason": part.reason,
            "sources": _sources(eng, str(row.get(part.source_column) or ""))
            if part.source_column
            else [],
            "dataset": part.dataset,
        }
        for part in model.explain_row(parts[i], values[i])
    ]
    return {
        "likelihood_5y": round(float(scored.likelihood[i]), 4),
        "likelihood_intercept": float(model.intercept_),
        "likelihood_factors": factors,
    }


def top_reason_text(eng: Engine, policy: Policy, scored: Scored) -> np.ndarray:
    """Up to four reasons per row, largest points first, joined by " | ".

    A factor's sentence is written only for the rows where it ranks in the top four,
    and once per distinct set of the values it quotes, so a large batch costs about
    as many sentences as it has distinct situations."""
    values = scored.points
    features = scored.features
    n = len(values)
    order = np.argsort(-values, axis=1, kind="stable")[:, :TOP_REASONS]
    factor_names = np.array(policy.factor_ids, dtype=object)
    texts = np.full((n, order.shape[1]), "", dtype=object)
    for rank in range(order.shape[1]):
        chosen = factor_names[order[:, rank]]
        chosen_pts = values[np.arange(n), order[:, rank]]
        for factor in pd.unique(chosen):
            rows = np.flatnonzero((chosen == factor) & (chosen_pts > 0))
            if not rows.size:
                continue
            cols = READS[str(factor)]
            codes, uniques = distinct(*(features[c][rows] for c in cols), chosen_pts[rows])
            fn = REASONS[str(factor)]
            labelled = np.array(
                [
                    f"{fn(dict(zip(cols, k, strict=False)), eng.names)} ({k[-1]} pts)"
                    for k in uniques
                ],
                dtype=object,
            )
            texts[rows, rank] = labelled[codes]
    return np.array([" | ".join(t for t in row if t) for row in texts.tolist()], dtype=object)
