"""The library surface: ``assess`` (one proposal), ``assess_many`` (a list, full
explanations) and ``assess_frame`` (a DataFrame, one summary row per dyad).

All three run the same steps on one DataFrame: resolve places, build features as
of each row's date, normalise, score, explain. Scoring one proposal is scoring a
batch of one; there is no second implementation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from twinrisk import places as gazetteer
from twinrisk.data.loaders import Tables, load_tables
from twinrisk.explain.checklist import QUESTIONS, triggered
from twinrisk.explain.models import (
    Assessment,
    ChecklistItem,
    Factor,
    Mitigation,
    ModelInfo,
    Place,
    Precedent,
    Reason,
    SourceRef,
    band_for,
)
from twinrisk.explain.precedents import nearest
from twinrisk.explain.reasons import PRECEDENT_IDS, REASONS, SOURCE_COLUMNS
from twinrisk.features.build import build_features, object_frame
from twinrisk.features.history import History, curated_place_id
from twinrisk.features.terms import TERMS, TermError, parse_terms
from twinrisk.model.artifact import ModelArtifact, load_artifact
from twinrisk.model.policy import GROUPS, Policy, load_policy
from twinrisk.model.scorecard import group_points, points_frame
from twinrisk.model.transforms import FactorNormaliser

EARLIEST_AS_OF = dt.date(1950, 1, 1)
TOP_REASONS = 4
NOT_COVERED = (
    "This score covers the factors listed, from public sources as of the date shown. It does "
    "not cover the individuals involved, classified assessments, the partner's private "
    "commercial interests, cyber or data-protection risks of specific systems, or the benefits "
    "of the partnership. It informs a council's judgement; it does not replace it."
)


class AsOfError(ValueError):
    """An assessment date the scorer cannot use."""


class CountryError(ValueError):
    """A country code that is not in the data."""


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


def parse_as_of(value: Any, *, field: str = "as_of") -> dt.date:
    """A date from a date, datetime or ISO string; refuses the far past and the future."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value == "":
        return dt.date.today()
    if isinstance(value, dt.datetime):
        date = value.date()
    elif isinstance(value, dt.date):
        date = value
    else:
        try:
            date = dt.date.fromisoformat(str(value).strip()[:10])
        except ValueError as exc:
            raise AsOfError(f"{field} {value!r} is not a date; use YYYY-MM-DD") from exc
    if date < EARLIEST_AS_OF or date > dt.date.today():
        raise AsOfError(
            f"{field} {date.isoformat()} is out of range; use a date between "
            f"{EARLIEST_AS_OF.isoformat()} and today ({dt.date.today().isoformat()})"
        )
    return date


def _country(value: Any, field: str, names: Mapping[str, str]) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    code = str(value).strip().upper()
    if not code:
        return None
    if code not in names:
        raise CountryError(
            f"{field} {value!r} is not an ISO 3166-1 alpha-2 code in the data (e.g. SE, CN, IN)"
        )
    return code


def _parse_unique(values: pd.Series, parse: Any) -> tuple[list[Any], list[str]]:
    """Apply ``parse`` once per distinct value; return parsed values and error texts."""
    parsed: dict[Any, tuple[Any, str]] = {}
    out, errors = [], []
    for value in values.tolist():
        key = value if not isinstance(value, (list, dict)) else repr(value)
        if key not in parsed:
            try:
                parsed[key] = (parse(value), "")
            except (ValueError, TermError) as exc:
                parsed[key] = (None, str(exc))
        result, error = parsed[key]
        out.append(result)
        errors.append(error)
    return out, errors


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value == ""


def _prepare(
    eng: Engine, df: pd.DataFrame, default_as_of: dt.date | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """Check and resolve every row of a request frame; a bad row gets an error, the
    rest go on. Columns: local, partner, optional local_country, partner_country,
    as_of and term columns. Each distinct value is parsed once."""
    n = len(df)
    errors: list[list[str]] = [[] for _ in range(n)]

    def column(name: str) -> pd.Series:
        if name in df.columns:
            return df[name].astype(object).reset_index(drop=True)
        return pd.Series([None] * n, dtype=object)

    def note(errs: list[str]) -> None:
        for i, e in enumerate(errs):
            if e:
                errors[i].append(e)

    fallback = default_as_of or dt.date.today()
    as_of, errs = _parse_unique(
        column("as_of"), lambda v: parse_as_of(fallback if _empty(v) else v)
    )
    note(errs)
    countries = {}
    for side in ("local", "partner"):
        field = f"{side}_country"
        countries[side], errs = _parse_unique(
            column(field), lambda v, f=field: _country(v, f, eng.names)
        )
        note(errs)
    terms: dict[str, list[Any]] = {}
    for key in TERMS:
        if key in df.columns:
            values, errs = _parse_unique(column(key), lambda v, k=key: parse_terms({k: v}).get(k))
            terms[key] = values
            note(errs)
    resolved = {}
    for side in ("local", "partner"):
        names = ["" if _empty(v) else str(v) for v in column(side).tolist()]
        for i, name in enumerate(names):
            if not name.strip():
                errors[i].append(f"{side}: a place name is required")
        resolved[side] = gazetteer.resolve_many(names, countries[side])
    rows = []
    ok = []
    for i in range(n):
        lp, pp = resolved["local"][i], resolved["partner"][i]
        if not errors[i]:
            for field, place in (("local", lp), ("partner", pp)):
                if isinstance(place, Exception):
                    errors[i].append(f"{field}: {place}")
                elif place.country not in eng.names:
                    errors[i].append(
                        f"{field}: {place.name} is in {place.country}, a country not in the data"
                    )
        if not errors[i] and lp.id == pp.id:  # type: ignore[union-attr]
            errors[i].append(f"partner: {pp.name} ({pp.country}) is the same place as local")  # type: ignore[union-attr]
        if errors[i]:
            continue
        assert isinstance(lp, Place) and isinstance(pp, Place)
        ok.append(i)
        row = {
            "local_id": lp.id,
            "local_name": lp.name,
            "local_country": lp.country,
            "partner_id": pp.id,
            "partner_name": pp.name,
            "partner_country": pp.country,
            "as_of": as_of[i],
            "_local": lp,
            "_partner": pp,
        }
        for key, values in terms.items():
            row[key] = values[i]
        rows.append(row)
    frame = pd.DataFrame(rows, index=ok)
    if len(frame):
        frame["as_of"] = pd.to_datetime(frame["as_of"])
    return frame, ["; ".join(e) for e in errors]


def _request_frame(requests: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    records = []
    for req in requests:
        rec = {
            k: req.get(k) for k in ("local", "partner", "local_country", "partner_country", "as_of")
        }
        terms = req.get("terms") or {}
        if not isinstance(terms, Mapping):
            raise TermError("terms must be a mapping of term keys to values")
        unknown = [k for k in terms if k not in TERMS]
        if unknown:
            raise TermError(f"unknown term {unknown[0]!r}; known terms: {', '.join(TERMS)}")
        rec.update({k: (list(v) if isinstance(v, (list, tuple)) else v) for k, v in terms.items()})
        records.append(rec)
    frame = pd.DataFrame.from_records(
        records, columns=["local", "partner", "local_country", "partner_country", "as_of", *TERMS]
    )
    return frame.astype(object)


def _score_frame(
    eng: Engine, frame: pd.DataFrame, policy: Policy
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Features, normalised values and points for prepared rows."""
    places = list({p.id: p for p in list(frame["_local"]) + list(frame["_partner"])}.values())
    facts = gazetteer.location_facts(places)
    for key in TERMS:
        if key not in frame:
            frame[key] = None
    features = build_features(frame, eng.tables, eng.history, facts)
    features["local_name"] = frame["local_name"]
    features["partner_name"] = frame["partner_name"]
    features["local_country"] = frame["local_country"]
    features["partner_country"] = frame["partner_country"]
    normaliser = eng.normaliser(policy)
    norm = normaliser.transform(features)
    return features, norm, points_frame(norm, policy)


# --- explanation -----------------------------------------------------------------


def _sources(eng: Engine, ids: str) -> list[SourceRef]:
    return [SourceRef(**row) for row in eng.tables.source_rows(ids)]  # type: ignore[arg-type]


def _factor_sources(eng: Engine, factor: str, row: Mapping[str, Any]) -> list[SourceRef]:
    ids: list[str] = []
    for column in SOURCE_COLUMNS.get(factor, []):
        value = row.get(column)
        if isinstance(value, str) and value:
            ids.extend(value.split(";"))
    if factor in PRECEDENT_IDS:
        dyad_sources = eng.dyad_sources
        for dyad_id in str(row.get(PRECEDENT_IDS[factor]) or "").split(";"):
            if dyad_id in dyad_sources:
                ids.extend(dyad_sources[dyad_id].split(";"))
    return _sources(eng, ";".join(ids[:8]))


def _display_value(value: Any) -> Any:
    if isinstance(value, (np.floating, float)):
        return None if np.isnan(value) else round(float(value), 2)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def _mitigations(
    eng: Engine, policy: Policy, features: pd.DataFrame, points: pd.DataFrame, row: Any
) -> list[Mitigation]:
    """For each controllable term that earns points: the score if it were changed,
    scored through the same normaliser and scorecard as the assessment itself."""
    before = int(points.loc[row].sum())
    changes = [
        t for t in TERMS.values() if t.mitigation is not None and points.at[row, t.factor] > 0
    ]
    if not changes:
        return []
    base = features.loc[row, policy.factor_ids].to_dict()
    variants = [{**base, t.factor: t.risk(t.good)} for t in changes]
    variants.append({**base, **{t.factor: t.risk(t.good) for t in changes}})  # all together
    frame = pd.DataFrame(variants, columns=policy.factor_ids)
    after = points_frame(eng.normaliser(policy).transform(frame), policy).sum(axis=1).tolist()
    out = [
        Mitigation(term=t.key, change=str(t.mitigation), score_before=before, score_after=int(a))
        for t, a in zip(changes, after, strict=False)
    ]
    out.sort(key=lambda m: (m.score_after, m.term))
    if len(changes) > 1:
        out.append(
            Mitigation(
                term="all",
                change="all of the changes above together",
                score_before=before,
                score_after=int(after[-1]),
            )
        )
    return out


def _explain(
    eng: Engine,
    policy: Policy,
    frame: pd.DataFrame,
    features: pd.DataFrame,
    norm: pd.DataFrame,
    points: pd.DataFrame,
    row: Any,
) -> Assessment:
    f = features.loc[row].to_dict()
    norm_row = norm.loc[row].to_dict()
    points_row = points.loc[row].to_dict()
    factors = []
    for spec in policy.factors:
        value = f[spec.id]
        factors.append(
            Factor(
                id=spec.id,
                group=spec.group,
                label=spec.label,
                value=list(value) if isinstance(value, tuple) else _display_value(value),
                normalised=round(float(norm_row[spec.id]), 4),
                points=int(points_row[spec.id]),
                max_points=spec.max_points,
                reason=REASONS[spec.id](f, eng.names),
                imputed=bool(f.get(f"{spec.id}__imputed", False)),
                sources=_factor_sources(eng, spec.id, f),
            )
        )
    total = int(sum(points_row.values()))
    ranked = sorted((x for x in factors if x.points > 0), key=lambda x: (-x.points, x.id))
    top = [Reason(factor=x.id, points=x.points, reason=x.reason) for x in ranked[:TOP_REASONS]]
    prec = nearest(
        eng.history,
        local_id=frame.at[row, "local_id"],
        partner_id=frame.at[row, "partner_id"],
        local_country=frame.at[row, "local_country"],
        partner_country=frame.at[row, "partner_country"],
        cutoff=int(f["cutoff"]),
        pair=str(f["pair"]),
    )
    precedents = [
        Precedent(
            dyad_id=p.dyad_id,
            local=p.local_place,
            local_country=p.local_country,
            partner=p.partner_place,
            partner_country=p.partner_country,
            kind=p.kind,
            status=p.status,
            established_year=None if pd.isna(p.established_year) else int(p.established_year),
            ended_year=int(p.ended_year),
            ended_by=p.ended_by,
            reason_code=p.reason_code,
            reason=None if pd.isna(p.reason) else p.reason,
            similarity=float(p.similarity),
            sources=_sources(eng, p.sources),
        )
        for p in prec.itertuples()
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
        band=band_for(total),
        local=frame.at[row, "_local"],
        partner=frame.at[row, "_partner"],
        as_of=frame.at[row, "as_of"].date(),
        terms=terms,
        groups={g: sum(x.points for x in factors if x.group == g) for g in GROUPS},
        factors=factors,
        top_reasons=top,
        precedents=precedents,
        checklist=checklist,
        mitigations=_mitigations(eng, policy, features, points, row),
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
    """Full explanations for many proposals; a failed one is returned as its error.

    Each request is a mapping with ``local``, ``partner`` and optionally
    ``local_country``, ``partner_country``, ``as_of`` and ``terms``.
    """
    pol = load_policy(policy)
    eng = engine()
    results: list[Assessment | ValueError] = []
    good: list[int] = []
    frames = []
    for i, req in enumerate(requests):  # a request whose terms are not a mapping fails alone
        try:
            frames.append(_request_frame([req]))
            good.append(i)
            results.append(ValueError(""))
        except TermError as exc:
            results.append(exc)
    if not good:
        return results
    frame, errors = _prepare(eng, pd.concat(frames, ignore_index=True))
    frame.index = [good[i] for i in frame.index]
    for pos, error in zip(good, errors, strict=True):
        if error:
            results[pos] = ValueError(error)
    if len(frame):
        features, norm, points = _score_frame(eng, frame, pol)
        for row in frame.index:
            results[row] = _explain(eng, pol, frame, features, norm, points, row)
    return results


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
    pol = load_policy(policy)
    eng = engine()
    parse_as_of(as_of)
    parse_terms(terms)
    lcc = _country(local_country, "local_country", eng.names)
    pcc = _country(partner_country, "partner_country", eng.names)
    for field, name, country in (("local", local, lcc), ("partner", partner, pcc)):
        try:
            gazetteer.resolve(name, country)  # raise the typed place errors
        except gazetteer.PlaceError as exc:
            exc.field = field  # type: ignore[attr-defined]  # which input failed, for callers
            raise
    result = assess_many(
        [
            {
                "local": local,
                "partner": partner,
                "local_country": lcc,
                "partner_country": pcc,
                "as_of": as_of,
                "terms": terms,
            }
        ],
        policy=pol,
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
    frame, errors = _prepare(eng, df, parse_as_of(as_of))
    n = len(df)
    cols: dict[str, Any] = {
        name: np.full(n, "", dtype=object)
        for name in ("local_id", "partner_id", "local_resolved", "partner_resolved")
    }
    score = np.full(n, -1, dtype=np.int64)
    band = np.full(n, "", dtype=object)
    group_cols = {g: np.full(n, -1, dtype=np.int64) for g in GROUPS}
    reasons = np.full(n, "", dtype=object)
    if len(frame):
        features, _norm, points = _score_frame(eng, frame, pol)
        idx = frame.index.to_numpy()
        total = points.to_numpy().sum(axis=1)
        for side in ("local", "partner"):
            cols[f"{side}_id"][idx] = frame[f"{side}_id"].to_numpy(dtype=object)
            cols[f"{side}_resolved"][idx] = (
                frame[f"{side}_name"].astype(object)
                + " ("
                + frame[f"{side}_country"].astype(object)
                + ")"
            ).to_numpy(dtype=object)
        score[idx] = total
        band[idx] = np.array(["low", "moderate", "high", "severe"], dtype=object)[
            np.searchsorted([25, 50, 75], total, side="right")
        ]
        groups = group_points(points, pol)
        for g in GROUPS:
            group_cols[g][idx] = groups[g].to_numpy()
        reasons[idx] = _top_reason_text(eng, features, points).to_numpy(dtype=object)
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
    cols["error"] = np.array(errors, dtype=object)
    out = object_frame(cols)
    return out.set_axis(df.index)


def _top_reason_text(eng: Engine, features: pd.DataFrame, points: pd.DataFrame) -> pd.Series:
    """Up to four reasons per row, largest points first, joined by " | ".

    A factor's sentence is written only for the rows where it ranks in the top four,
    and once per distinct set of the values it quotes, so a large batch costs about
    as many sentences as it has distinct situations."""
    values = points.to_numpy()
    n = len(values)
    order = np.argsort(-values, axis=1, kind="stable")[:, :TOP_REASONS]
    factor_names = np.array(points.columns)
    texts = np.full((n, order.shape[1]), "", dtype=object)
    base = ["local_name", "partner_name", "local_country", "partner_country", "cutoff"]
    arrays: dict[str, np.ndarray] = {}

    def column(name: str) -> np.ndarray:
        if name not in arrays:
            arrays[name] = features[name].to_numpy(dtype=object)
        return arrays[name]

    by_factor = {
        f: base + [c for c in features.columns if c == f or c.startswith(f"{f}__")]
        for f in factor_names
    }
    for rank in range(order.shape[1]):
        chosen = factor_names[order[:, rank]]
        chosen_pts = values[np.arange(n), order[:, rank]]
        for factor in pd.unique(chosen):
            rows = np.flatnonzero((chosen == factor) & (chosen_pts > 0))
            if not rows.size:
                continue
            cols = by_factor[factor]
            keys = zip(
                *(column(c)[rows].tolist() for c in cols), chosen_pts[rows].tolist(), strict=True
            )
            distinct: dict[tuple[Any, ...], int] = {}
            codes = np.fromiter(
                (distinct.setdefault(k, len(distinct)) for k in keys),
                dtype=np.int64,
                count=len(rows),
            )
            fn = REASONS[str(factor)]
            labelled = np.array(
                [
                    f"{fn(dict(zip(cols, k, strict=False)), eng.names)} ({k[-1]} pts)"
                    for k in distinct
                ],
                dtype=object,
            )
            texts[rows, rank] = labelled[codes]
    joined = [" | ".join(t for t in row if t) for row in texts.tolist()]
    return pd.Series(joined, index=points.index, dtype=object)
