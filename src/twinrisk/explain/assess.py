"""The library surface: ``assess`` (one proposal), ``assess_many`` (a list, full
explanations) and ``assess_frame`` (a DataFrame, one summary row per dyad).

All three run the same steps on one set of columns: resolve places, build features
as of each row's date, normalise, score, explain. Scoring one proposal is scoring a
batch of one; there is no second implementation. The columns are plain numpy arrays
(a dict per stage) rather than a DataFrame: vectorised work is the same for 100,000
rows, and one proposal no longer pays pandas' fixed cost per operation (22.7 ms of
CPU per explained proposal with DataFrames, about 2 ms with arrays).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from twinrisk import places as gazetteer
from twinrisk.core.errors import InputError, PlaceError, RowError, TermError
from twinrisk.core.inputs import parse_as_of, parse_country
from twinrisk.core.models import (
    Assessment,
    ChecklistItem,
    Factor,
    Mitigation,
    ModelInfo,
    Place,
    Precedent,
    Reason,
    SourceRef,
)
from twinrisk.core.terms import TERMS, parse_terms
from twinrisk.data.loaders import Tables, load_tables
from twinrisk.explain.checklist import QUESTIONS, triggered
from twinrisk.explain.precedents import nearest
from twinrisk.explain.reasons import PRECEDENT_IDS, READS, REASONS, SOURCE_COLUMNS
from twinrisk.features.build import feature_columns, object_frame
from twinrisk.features.history import History, _distinct, curated_place_id
from twinrisk.model.artifact import ModelArtifact, load_artifact
from twinrisk.model.policy import GROUPS, Policy, load_policy
from twinrisk.model.scorecard import group_totals, points_array
from twinrisk.model.transforms import FactorNormaliser

TOP_REASONS = 4
NOT_COVERED = (
    "This score covers the factors listed, from public sources as of the date shown. It does "
    "not cover the individuals involved, classified assessments, the partner's private "
    "commercial interests, cyber or data-protection risks of specific systems, or the benefits "
    "of the partnership. It informs a council's judgement; it does not replace it."
)


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
        if fitted.policy is not None and fitted.policy == policy:
            return fitted
        return _fit_for(self, policy)


@lru_cache(maxsize=4)
def _dyad_sources(engine: Engine) -> dict[str, str]:
    d = engine.tables.dyads
    return dict(zip(d["dyad_id"], d["sources"], strict=True))


@lru_cache(maxsize=8)
def _fit_for(engine: Engine, policy: Policy) -> FactorNormaliser:
    return FactorNormaliser(policy).fit(engine.artifact.reference)


def _curated_id(name: str, country: str) -> str:
    try:
        return gazetteer.resolve(name, country).id
    except gazetteer.PlaceError:
        return curated_place_id(name, country)


@lru_cache(maxsize=2)
def build_history(tables: Tables) -> History:
    """The indexed history of these tables, built once per data version."""
    return History.build(tables, _curated_id)


@lru_cache(maxsize=2)
def _engine_for(data_version: str, artifact_path: str | None) -> Engine:
    tables = load_tables()
    artifact = load_artifact(Path(artifact_path) if artifact_path else None)
    names = dict(zip(tables.countries["iso2"], tables.countries["name"], strict=True))
    return Engine(tables=tables, history=build_history(tables), artifact=artifact, names=names)


def engine() -> Engine:
    tables = load_tables()
    return _engine_for(tables.version, None)


# --- input handling ------------------------------------------------------------


def _parse_unique(values: Sequence[Any], parse: Any) -> tuple[list[Any], list[InputError | None]]:
    """Apply ``parse`` once per distinct value; return parsed values and error texts.

    Many rows are grouped by pandas' hash table first (a 100,000-row batch has a few
    distinct dates and codes); a few rows, or unhashable values, go one by one."""
    if len(values) > 64:
        try:
            codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=False)
        except TypeError:  # lists or dicts among the values
            pass
        else:
            parsed, messages = _parse_each(list(uniques), parse)
            results = np.empty(len(parsed), dtype=object)
            for i, value in enumerate(parsed):  # element by element: tuples stay whole
                results[i] = value
            return results[codes].tolist(), np.array(messages, dtype=object)[codes].tolist()
    return _parse_each(values, parse)


def _parse_each(values: Sequence[Any], parse: Any) -> tuple[list[Any], list[InputError | None]]:
    seen: dict[Any, tuple[Any, InputError | None]] = {}
    out, errors = [], []
    for value in values:
        key = value if not isinstance(value, (list, dict)) else repr(value)
        if key not in seen:
            try:
                seen[key] = (parse(value), None)
            except InputError as exc:
                seen[key] = (None, exc)
        result, error = seen[key]
        out.append(result)
        errors.append(error)
    return out, errors


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value == ""


@dataclass
class Prepared:
    """The rows of a request that can be scored, as arrays (``rows`` are their
    positions in the request), and an error text per request row ("" when fine)."""

    rows: np.ndarray
    columns: dict[str, np.ndarray]
    locals: list[Place]
    partners: list[Place]
    errors: list[RowError | None]


def _prepare(
    eng: Engine,
    request: Mapping[str, Sequence[Any]],
    n: int,
    default_as_of: dt.date | None = None,
) -> Prepared:
    """Check and resolve every row of a request; a bad row gets an error, the rest go
    on. ``request`` maps column names (local, partner, optional local_country,
    partner_country, as_of and term keys) to ``n`` values. Each distinct value is
    parsed once."""
    errors: dict[int, list[InputError]] = {}  # only the rows that fail

    def column(name: str) -> Sequence[Any]:
        return request[name] if name in request else [None] * n

    def note(errs: Sequence[InputError | None]) -> None:
        for i, error in enumerate(errs):
            if error is not None:
                errors.setdefault(i, []).append(error)

    fallback = default_as_of or dt.date.today()
    as_of, errs = _parse_unique(
        column("as_of"), lambda v: parse_as_of(fallback if _empty(v) else v)
    )
    note(errs)
    countries = {}
    for side in ("local", "partner"):
        field = f"{side}_country"
        countries[side], errs = _parse_unique(
            column(field), lambda v, f=field: parse_country(v, f, eng.names)
        )
        note(errs)
    terms: dict[str, list[Any]] = {}
    for key in TERMS:
        if key in request:
            values, errs = _parse_unique(column(key), lambda v, k=key: parse_terms({k: v}).get(k))
            terms[key] = values
            note(errs)
    resolved = {}
    for side in ("local", "partner"):
        names = [v if type(v) is str else ("" if _empty(v) else str(v)) for v in column(side)]
        note(
            [
                InputError(f"{side}: a place name is required", field=side)
                if not v.strip()
                else None
                for v in names
            ]
        )
        resolved[side] = gazetteer.resolve_many(names, countries[side])
    ok: list[int] = []
    for i, lp, pp in zip(range(n), resolved["local"], resolved["partner"], strict=True):
        if i in errors:
            continue
        problems: list[InputError] = []
        for field, place in (("local", lp), ("partner", pp)):
            if isinstance(place, PlaceError):
                located = copy.copy(place)  # resolutions are memoised and shared
                located.field = field
                problems.append(located)
            elif place.country not in eng.names:
                problems.append(
                    InputError(
                        f"{field}: {place.name} is in {place.country}, a country not in the data",
                        field=field,
                    )
                )
        if not problems and lp.id == pp.id:  # type: ignore[union-attr]
            problems.append(
                InputError(
                    f"partner: {pp.name} ({pp.country}) is the same place as local",  # type: ignore[union-attr]
                    field="partner",
                )
            )
        if problems:
            errors[i] = problems
        else:
            ok.append(i)
    local_places: list[Place] = [resolved["local"][i] for i in ok]  # type: ignore[misc]
    partner_places: list[Place] = [resolved["partner"][i] for i in ok]  # type: ignore[misc]
    columns: dict[str, np.ndarray] = {}
    for side, chosen in (("local", local_places), ("partner", partner_places)):
        fields = np.array([(p.id, p.name, p.country) for p in chosen], dtype=object)
        fields = fields.reshape(len(chosen), 3)
        for j, name in enumerate(("id", "name", "country")):
            columns[f"{side}_{name}"] = fields[:, j].copy()
    columns["as_of"] = np.array([as_of[i] for i in ok], dtype="datetime64[D]")
    for key, values in terms.items():
        picked = np.empty(len(ok), dtype=object)
        for j, i in enumerate(ok):  # element by element: a tuple value stays one value
            picked[j] = values[i]
        columns[key] = picked
    return Prepared(
        rows=np.array(ok, dtype=np.int64),
        columns=columns,
        locals=local_places,
        partners=partner_places,
        errors=[RowError(errors[i]) if i in errors else None for i in range(n)],
    )


def _request_columns(request: Mapping[str, Any]) -> dict[str, list[Any]]:
    """One proposal (``local``, ``partner``, … and a ``terms`` mapping) as request
    columns of length one; refuses terms that are not a mapping of known keys."""
    columns = {
        k: [request.get(k)]
        for k in ("local", "partner", "local_country", "partner_country", "as_of")
    }
    terms = request.get("terms") or {}
    if not isinstance(terms, Mapping):
        raise TermError("terms must be a mapping of term keys to values")
    unknown = [k for k in terms if k not in TERMS]
    if unknown:
        raise TermError(f"unknown term {unknown[0]!r}; known terms: {', '.join(TERMS)}")
    for key in TERMS:
        value = terms.get(key)
        columns[key] = [list(value) if isinstance(value, (list, tuple)) else value]
    return columns


@dataclass
class Scored:
    """Features (one array per column), normalised values and points (rows × factors,
    policy order) of prepared rows, and the points per group."""

    features: dict[str, np.ndarray]
    normalised: np.ndarray
    points: np.ndarray
    groups: dict[str, np.ndarray]


def _score(eng: Engine, prep: Prepared, policy: Policy) -> Scored:
    facts = gazetteer.location_fact_columns(prep.locals)  # aligned with the rows
    features = feature_columns(prep.columns, eng.tables, eng.history, facts)
    for name in ("local_name", "partner_name", "local_country", "partner_country"):
        features[name] = prep.columns[name]
    norm = eng.normaliser(policy).transform_columns(features)
    points = points_array(norm, policy)
    return Scored(
        features=features, normalised=norm, points=points, groups=group_totals(points, policy)
    )


# --- explanation -----------------------------------------------------------------


def _sources(eng: Engine, ids: str) -> list[SourceRef]:
    return list(_source_refs(eng, ids))


@lru_cache(maxsize=8192)
def _source_refs(eng: Engine, ids: str) -> tuple[SourceRef, ...]:
    """Source references per id list, built once: the same few hundred lists recur in
    every assessment, and the models are frozen."""
    return tuple(SourceRef(**row) for row in eng.tables.source_rows(ids))  # type: ignore[arg-type]


def _factor_sources(eng: Engine, factor: str, row: Mapping[str, Any]) -> list[SourceRef]:
    """The sources behind a factor's value: its evidence column's ids, or for a count
    of ended ties the sources of the ties it names (at most eight)."""
    key = tuple(row.get(column) for column in SOURCE_COLUMNS.get(factor, ()))
    precedents = row.get(PRECEDENT_IDS[factor]) if factor in PRECEDENT_IDS else None
    return list(_evidence_sources(eng, key, precedents))


@lru_cache(maxsize=16384)
def _evidence_sources(
    eng: Engine, evidence: tuple[Any, ...], precedent_ids: Any
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
    return _source_refs(eng, ";".join(ids[:8]))


def _display_value(value: Any) -> Any:
    if isinstance(value, (np.floating, float)):
        return None if value != value else round(float(value), 2)  # NaN is not itself
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def _mitigations(eng: Engine, policy: Policy, scored: Scored) -> list[list[Mitigation]]:
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
    good_row = {fid: scored.features[fid][:1] for fid in policy.factor_ids}
    for t in controllable:
        good_row[t.factor] = np.array([t.risk(t.good)], dtype=float)
    good_points = points_array(eng.normaliser(policy).transform_columns(good_row), policy)[0]
    for i, points in enumerate(scored.points.tolist()):
        changes = [t for t in controllable if points[position[t.factor]] > 0]
        if not changes:
            continue
        before = sum(points)
        saved = {
            t.key: points[position[t.factor]] - int(good_points[position[t.factor]])
            for t in changes
        }
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


def _explain(
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
    points_row = scored.points[i]
    factors = []
    for j, spec in enumerate(policy.factors):
        value = f[spec.id]
        factors.append(
            Factor(
                id=spec.id,
                group=spec.group,
                label=spec.label,
                value=list(value) if isinstance(value, tuple) else _display_value(value),
                normalised=round(norm_row[j], 4),
                points=int(points_row[j]),
                max_points=spec.max_points,
                reason=REASONS[spec.id](f, eng.names),
                imputed=bool(f.get(f"{spec.id}__imputed", False)),
                sources=_factor_sources(eng, spec.id, f),
            )
        )
    total = int(points_row.sum())
    ranked = sorted((x for x in factors if x.points > 0), key=lambda x: (-x.points, x.id))
    top = [Reason(factor=x.id, points=x.points, reason=x.reason) for x in ranked[:TOP_REASONS]]
    precedents = [
        Precedent(
            dyad_id=p["dyad_id"],
            local=p["local_place"],
            local_country=p["local_country"],
            partner=p["partner_place"],
            partner_country=p["partner_country"],
            kind=p["kind"],
            status=p["status"],
            established_year=None if pd.isna(p["established_year"]) else int(p["established_year"]),
            ended_year=int(p["ended_year"]),
            ended_by=p["ended_by"],
            reason_code=p["reason_code"],
            reason=None if pd.isna(p["reason"]) else p["reason"],
            similarity=float(p["similarity"]),
            sources=_sources(eng, p["sources"]),
        )
        for p in precedents_of_row
    ]
    checklist = [
        ChecklistItem(factor=x.id, question=QUESTIONS[x.id])
        for x in factors
        if triggered(x.id, x.points, x.max_points, x.imputed)
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
    return Assessment(
        score=total,
        band=policy.bands.of(total),
        local=prep.locals[i],
        partner=prep.partners[i],
        as_of=prep.columns["as_of"][i].item(),
        terms=terms,
        groups={g: int(totals[i]) for g, totals in scored.groups.items()},
        factors=factors,
        top_reasons=top,
        precedents=precedents,
        checklist=checklist,
        mitigations=mitigations,
        model=ModelInfo(
            version=eng.artifact.version, policy=policy.label, data_version=eng.tables.version
        ),
        not_covered=NOT_COVERED,
    )


# --- public functions -------------------------------------------------------------


def assess_many(
    requests: Sequence[Mapping[str, Any]],
    *,
    policy: Policy | Mapping[str, Any] | str | Path | None = None,
) -> list[Assessment | ValueError]:
    """Full explanations for many proposals; a failed one is returned as its error
    (every problem of the row in one message).

    Each request is a mapping with ``local``, ``partner`` and optionally
    ``local_country``, ``partner_country``, ``as_of`` and ``terms``.
    """
    return _assess_requests(engine(), load_policy(policy), requests)


def _assess_requests(
    eng: Engine, pol: Policy, requests: Sequence[Mapping[str, Any]]
) -> list[Assessment | ValueError]:
    results: list[Assessment | ValueError] = []
    good: list[int] = []
    request: dict[str, list[Any]] = {}
    for i, req in enumerate(requests):  # a request whose terms are not a mapping fails alone
        try:
            columns = _request_columns(req)
        except TermError as exc:
            results.append(exc)
            continue
        for name, values in columns.items():
            request.setdefault(name, []).extend(values)
        good.append(i)
        results.append(ValueError(""))
    if not good:
        return results
    prep = _prepare(eng, request, len(good))
    for pos, error in zip(good, prep.errors, strict=True):
        if error is not None:
            results[pos] = error
    if len(prep.rows):
        scored = _score(eng, prep, pol)
        mitigations = _mitigations(eng, pol, scored)
        f = scored.features
        precedents = nearest(
            eng.history,
            local_id=prep.columns["local_id"],
            partner_id=prep.columns["partner_id"],
            local_country=prep.columns["local_country"],
            partner_country=prep.columns["partner_country"],
            cutoff=f["cutoff"],
            pair=f["pair"],
        )
        for i, row in enumerate(prep.rows.tolist()):
            results[good[row]] = _explain(eng, pol, prep, scored, i, mitigations[i], precedents[i])
    return results


def _checked(eng: Engine, request: Mapping[str, Any]) -> dict[str, Any]:
    """The proposal with its country codes normalised, or the typed error ``assess``
    documents for its first bad field."""
    parse_as_of(request.get("as_of"))
    parse_terms(request.get("terms"))
    countries = {
        side: parse_country(request.get(f"{side}_country"), f"{side}_country", eng.names)
        for side in ("local", "partner")
    }
    for side in ("local", "partner"):
        try:
            gazetteer.resolve(request.get(side), countries[side])  # type: ignore[arg-type]
        except gazetteer.PlaceError as exc:
            exc.field = side  # which input failed, for callers
            raise
    return {**request, "local_country": countries["local"], "partner_country": countries["partner"]}


def assess_each(
    requests: Sequence[Mapping[str, Any]],
    *,
    policy: Policy | Mapping[str, Any] | str | Path | None = None,
) -> list[Assessment | ValueError]:
    """``assess`` for proposals that arrive together, in one run of the pipeline:
    each result is the Assessment, or the typed error ``assess`` would raise for that
    proposal alone. The service scores concurrent requests this way, because every
    stage is vectorised: sixteen proposals in one run cost a fraction of sixteen runs.
    A bad policy raises ``PolicyError`` for all of them."""
    pol = load_policy(policy)
    eng = engine()
    results: list[Assessment | ValueError | None] = [None] * len(requests)
    checked: list[tuple[int, dict[str, Any]]] = []
    for i, request in enumerate(requests):
        try:
            checked.append((i, _checked(eng, request)))
        except ValueError as exc:
            results[i] = exc
    scored = _assess_requests(eng, pol, [request for _, request in checked])
    for (i, _), result in zip(checked, scored, strict=True):
        results[i] = result
    return results  # type: ignore[return-value]


def assess(
    local: str,
    partner: str,
    *,
    local_country: str | None = None,
    partner_country: str | None = None,
    as_of: dt.date | str | None = None,
    terms: Mapping[str, Any] | None = None,
    policy: Policy | Mapping[str, Any] | str | Path | None = None,
) -> Assessment:
    """Score one proposed partnership and explain every point.

    Raises ``twinrisk.places.PlaceError`` for an unknown or ambiguous place (its
    ``field`` attribute says "local" or "partner"),
    ``TermError`` for an unreadable term, ``AsOfError`` for a bad date,
    ``CountryError`` for an unknown country and ``PolicyError`` for a bad policy.
    """
    result = assess_each(
        [
            {
                "local": local,
                "partner": partner,
                "local_country": local_country,
                "partner_country": partner_country,
                "as_of": as_of,
                "terms": terms,
            }
        ],
        policy=policy,
    )[0]
    if isinstance(result, Exception):
        raise result
    return result


def assess_frame(
    df: pd.DataFrame,
    *,
    as_of: dt.date | str | None = None,
    policy: Policy | Mapping[str, Any] | str | Path | None = None,
) -> pd.DataFrame:
    """One summary row per input row: score, band, points per group, top reasons.

    Rows that cannot be scored get an ``error`` message and no score; they never
    stop the others. Columns ``as_of`` and the term keys are read when present.
    """
    missing = [c for c in ("local", "partner") if c not in df.columns]
    if missing:
        raise ValueError(
            f"missing column(s) {', '.join(missing)}; the frame needs local, "
            f"partner and optionally local_country, partner_country, as_of and "
            f"term columns ({', '.join(TERMS)})"
        )
    pol = load_policy(policy)
    eng = engine()
    n = len(df)
    request = {name: df[name].tolist() for name in df.columns if isinstance(name, str)}
    prep = _prepare(eng, request, n, parse_as_of(as_of))
    cols: dict[str, Any] = {
        name: np.full(n, "", dtype=object)
        for name in ("local_id", "partner_id", "local_resolved", "partner_resolved")
    }
    score = np.full(n, -1, dtype=np.int64)
    band = np.full(n, "", dtype=object)
    group_cols = {g: np.full(n, -1, dtype=np.int64) for g in GROUPS}
    reasons = np.full(n, "", dtype=object)
    if len(prep.rows):
        scored = _score(eng, prep, pol)
        idx = prep.rows
        total = scored.points.sum(axis=1)
        for side in ("local", "partner"):
            cols[f"{side}_id"][idx] = prep.columns[f"{side}_id"]
            cols[f"{side}_resolved"][idx] = (
                prep.columns[f"{side}_name"] + " (" + prep.columns[f"{side}_country"] + ")"
            )
        score[idx] = total
        band[idx] = pol.bands.of_array(total)
        for g, values in scored.groups.items():
            group_cols[g][idx] = values
        reasons[idx] = _top_reason_text(eng, pol, scored)
    cols["score"] = pd.array(np.where(score >= 0, score, np.nan), dtype="Int64")
    cols["band"] = band
    for g in GROUPS:
        values = group_cols[g]
        cols[f"points_{g}"] = pd.array(np.where(values >= 0, values, np.nan), dtype="Int64")
    cols["top_reasons"] = reasons
    for name, value in (
        ("model_version", eng.artifact.version),
        ("data_version", eng.tables.version),
        ("policy", pol.label),
    ):
        cols[name] = np.full(n, value, dtype=object)
    cols["error"] = np.array([str(e) if e else "" for e in prep.errors], dtype=object)
    out = object_frame(cols)
    return out.set_axis(df.index)


def _top_reason_text(eng: Engine, policy: Policy, scored: Scored) -> np.ndarray:
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
            codes, uniques = _distinct(*(features[c][rows] for c in cols), chosen_pts[rows])
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
