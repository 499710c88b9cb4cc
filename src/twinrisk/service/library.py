"""The bridge to the library: the only module of the service that calls scoring,
gazetteer, data, batch and report functions, and that maps their typed errors to
problem documents. Imports are lazy so the app starts fast."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from twinrisk.core.errors import PlaceError, ServerDataError, TwinriskError
from twinrisk.service.problems import ProblemError

POLICY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


# -- policies ------------------------------------------------------------------------------


def known_policies() -> list[str]:
    """Policy names the server offers: ``models/policy-<name>.json``."""
    from twinrisk.config import models_dir

    return sorted(
        p.name[len("policy-") : -len(".json")] for p in Path(models_dir()).glob("policy-*.json")
    )


def policy_argument(policy: str | Mapping[str, Any] | None, field: str = "policy") -> Any:
    """What to pass to the library for a client's ``policy``: a known name or an inline
    document. A client never names a file."""
    if policy is None:
        return None
    if isinstance(policy, Mapping):
        return inline_policy(policy)
    names = known_policies()
    if not POLICY_NAME.match(policy) or policy not in names:
        raise ProblemError(
            422,
            f"{field}: unknown policy {policy[:80]!r}; known policies: {', '.join(names)} "
            "(or send a policy document as a JSON object)",
            slug="unknown-policy",
            title="Unknown policy",
            field=field,
        )
    return policy


def inline_policy(doc: Mapping[str, Any]) -> Any:
    """An inline policy, renamed ``inline:<sha256 of its canonical JSON>``.

    Whatever name and version the document claims, the record names it by its
    content: a caller cannot store a score that says ``default@2026.11.1`` while
    its points were moved, and two requests with the same document share a name.
    """
    import dataclasses
    import hashlib

    from twinrisk.model.policy import parse_policy

    canonical = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    try:
        parsed = parse_policy(doc)
    except TwinriskError as exc:
        raise problem_of(exc) from exc
    return dataclasses.replace(parsed, name=f"inline:{digest}", version="")


# -- errors --------------------------------------------------------------------------------


def to_problem(exc: BaseException) -> ProblemError | None:
    """The problem for an error raised by the library; None if it is not one of the
    family (``core.errors``)."""
    return problem_of(exc) if isinstance(exc, TwinriskError) else None


def problem_of(exc: TwinriskError) -> ProblemError:
    """The problem for an error of the family: its class says the status, slug, title
    and field, and ``members()`` any extra problem members."""
    message = str(exc)
    if isinstance(exc, ServerDataError):
        # the server's own data or model is broken: not the caller's fault
        logging.getLogger("twinrisk.service").error("cannot score: %s", message)
        return ProblemError(
            exc.status,
            f"the server's {exc.what} failed its checks, so nothing can be "
            "scored until it is fixed; the operators have the details "
            "in the log",
            slug=exc.slug,
            title=exc.title,
            headers={"Retry-After": "60"},
        )
    field = exc.field
    if isinstance(exc, PlaceError):
        field = field or "place"
        if not message.startswith(field):
            message = f"{field}: {message}"
    return ProblemError(
        exc.status,
        message or "the proposal cannot be scored",
        slug=exc.slug,
        title=exc.title,
        field=field,
        **exc.members(),
    )


# -- scoring -------------------------------------------------------------------------------


def _request_mapping(req: Mapping[str, Any]) -> dict[str, Any]:
    """A request body's place objects as the library's flat keys (``local_country``,
    and the hints ``local_admin``, ``local_geonames_id``, ``local_lat``, ``local_lon``)."""
    out: dict[str, Any] = {"as_of": req.get("as_of"), "terms": req.get("terms") or None}
    for side in ("local", "partner"):
        place = req[side]
        out[side] = place["name"]
        for key in ("country", "admin", "geonames_id", "lat", "lon"):
            out[f"{side}_{key}"] = place.get(key)
    return out


def assess_one(req: Mapping[str, Any]) -> Any:
    """One proposal (the request body as a dict) -> Assessment, or a ProblemError."""
    result = assess_together([req])[0]
    if isinstance(result, BaseException):
        raise result
    return result


def assess_together(reqs: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Proposals that arrived together (request bodies as dicts), scored in one run of
    the pipeline per policy: each result is the Assessment, or the ProblemError that
    proposal alone would get."""
    from twinrisk.explain.assess import assess_each

    groups: dict[str, list[int]] = {}
    for i, req in enumerate(reqs):
        key = json.dumps(req.get("policy"), sort_keys=True, default=str)
        groups.setdefault(key, []).append(i)
    out: list[Any] = [None] * len(reqs)
    for members in groups.values():
        mappings = [_request_mapping(reqs[i]) for i in members]
        try:
            policy = policy_argument(reqs[members[0]].get("policy"))
            results: list[Any] = assess_each(mappings, policy=policy)
        except Exception as exc:  # a bad policy: every proposal that named it
            problem = exc if isinstance(exc, ProblemError) else to_problem(exc)
            if problem is None:
                raise
            results = [problem] * len(members)
        for i, result in zip(members, results, strict=True):
            if isinstance(result, ProblemError) or not isinstance(result, BaseException):
                out[i] = result
                continue
            problem = to_problem(result)
            if problem is None:
                raise result
            out[i] = problem
    return out


def assess_batch(reqs: Sequence[Mapping[str, Any]], policy: Any) -> list[Any]:
    """Many proposals under one policy, in one pipeline run: each result is an
    Assessment or a ProblemError."""
    from twinrisk.explain.assess import assess_many

    pol = policy_argument(policy)
    try:
        results = assess_many([_request_mapping(r) for r in reqs], policy=pol)
    except Exception as exc:  # a bad policy fails the whole batch
        problem = to_problem(exc)
        if problem is None:
            raise
        raise problem from exc
    final: list[Any] = []
    for r in results:
        if isinstance(r, BaseException):
            problem = to_problem(r)
            if problem is None:
                raise r
            final.append(problem)
        else:
            final.append(r)
    return final


def plain(value: Any) -> Any:
    """numpy scalars and other stragglers in an explanation, as JSON values."""
    item = getattr(value, "item", None)
    if callable(item):
        return item()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


def assessment_json(assessment: Any) -> dict[str, Any]:
    """An Assessment as a JSON-ready dict (what is stored and returned)."""
    doc: dict[str, Any] = assessment.model_dump(mode="json", fallback=plain)
    return doc


# -- places --------------------------------------------------------------------------------


def search_places(q: str, country: str | None, limit: int) -> dict[str, Any]:
    """Resolution and autocomplete for ``q``: the place it resolves to (if one), and
    candidates for a picker, best first."""
    from twinrisk import places
    from twinrisk.core.inputs import parse_country
    from twinrisk.model.engine import country_names

    if country is not None:
        try:  # the same check, and the same 422, as an assessment's country (UK is GB)
            country = parse_country(country, "country", country_names(tables()))
        except TwinriskError as exc:
            raise problem_of(exc) from exc
    resolved = None
    suggestions: list[str] = []
    message = None
    try:
        resolved = places.resolve(q, country)
    except PlaceError as exc:
        message = str(exc)
        suggestions = list(exc.members().get("suggestions", []))
    candidates = list(places.search(q, country=country, limit=limit))
    if resolved is not None and all(c.id != resolved.id for c in candidates):
        candidates.insert(0, resolved)
    unique = list({c.id: c for c in candidates}.values())
    return {
        "query": q,
        "country": country,
        "resolved": resolved,
        "candidates": unique[:limit],
        "suggestions": suggestions,
        "message": message,
    }


# -- data, model, reports, batch -----------------------------------------------------------


def tables() -> Any:
    from twinrisk.data.loaders import load_tables

    return load_tables()


def dyads(
    country: str | None,
    status: str | None,
    kind: str | None,
    q: str | None,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int, str]:
    import pandas as pd

    t = tables()
    df = t.dyads
    if country:
        from twinrisk.core.inputs import country_code

        cc = country_code(country)
        df = df[(df["local_country"] == cc) | (df["partner_country"] == cc)]
    if status:
        df = df[df["status"] == status]
    if kind:
        df = df[df["kind"] == kind]
    if q:
        needle = q.lower()
        df = df[
            df["local_place"].str.lower().str.contains(needle, regex=False)
            | df["partner_place"].str.lower().str.contains(needle, regex=False)
        ]
    total = len(df)
    page = df.iloc[offset : offset + limit]
    items = []
    for rec in page.to_dict(orient="records"):
        clean = {
            k: (None if (v is None or (not isinstance(v, str) and pd.isna(v))) else v)
            for k, v in rec.items()
        }
        for key in ("established_year", "ended_year", "contested_year"):
            year = clean.get(key)
            if year is not None:
                clean[key] = int(year)
        clean["sources"] = t.source_rows(rec.get("sources"))
        items.append(clean)
    return items, total, t.version


def model_card() -> dict[str, Any] | None:
    import json

    from twinrisk.config import models_dir

    path = Path(models_dir()) / "model_card.json"
    if not path.is_file():
        return None
    doc = json.loads(path.read_text(encoding="utf-8"))
    return doc if isinstance(doc, dict) else {"card": doc}


@lru_cache(maxsize=8)
def _policy_doc(name: str, mtime: float) -> dict[str, Any]:
    import json

    from twinrisk.config import models_dir

    doc = json.loads((Path(models_dir()) / f"policy-{name}.json").read_text(encoding="utf-8"))
    return doc if isinstance(doc, dict) else {}


def policy_doc(name: str = "default") -> dict[str, Any]:
    from twinrisk.config import models_dir

    path = Path(models_dir()) / f"policy-{name}.json"
    return _policy_doc(name, path.stat().st_mtime)


def render_report(assessment: Any, fmt: str) -> bytes:
    try:
        from twinrisk.reports import render
    except ImportError as exc:
        raise ProblemError(
            503, "reports are not available in this build of twinrisk", slug="reports-unavailable"
        ) from exc
    try:
        return bytes(render(assessment, fmt))
    except (ImportError, OSError) as exc:
        if fmt == "pdf":
            raise ProblemError(
                503,
                "PDF reports need WeasyPrint and its system libraries (pip install "
                "'twinrisk[pdf]'); the HTML and Markdown reports are available",
                slug="pdf-unavailable",
            ) from exc
        raise


def score_csv(
    data: bytes, as_of: dt.date | None, policy: Any, max_rows: int
) -> tuple[bytes, dict[str, int]]:
    from twinrisk.batch import score_csv_bytes

    pol = policy_argument(policy)
    try:
        return score_csv_bytes(data, as_of=as_of, policy=pol, max_rows=max_rows)
    except TwinriskError as exc:  # unreadable (422) or too many rows (413): the class says
        raise problem_of(exc) from exc


def warm_up() -> dict[str, str]:
    """Load tables, gazetteer and model once so the first request is fast."""
    checks: dict[str, str] = {}
    tables()
    checks["data"] = "ok"
    from twinrisk import places

    places.resolve("Stockholm", "SE")
    checks["gazetteer"] = "ok"
    import twinrisk

    twinrisk.assess("Stockholm", "Beijing", local_country="SE", partner_country="CN")
    checks["model"] = "ok"
    return checks
