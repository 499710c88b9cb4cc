"""Request and response models of the ``/v1`` API, with the examples published in
``api/examples/``."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    create_model,
    model_validator,
)

from twinrisk.core.bands import Band
from twinrisk.core.inputs import ADMIN_MAX
from twinrisk.core.models import Assessment, Place
from twinrisk.core.terms import OTHER_DOMAINS, SENSITIVE_DOMAINS, TERMS
from twinrisk.service.problems import Problem
from twinrisk.store import DECISIONS

Decision = Literal["approve", "approve_with_conditions", "reject", "defer"]
assert set(DECISIONS) == set(Decision.__args__)  # type: ignore[attr-defined]

PolicyName = str
#: a JSON Schema pattern for text the store keeps or searches: no NUL character
#: (PostgreSQL cannot hold one; see store.guards)
NO_NUL = r"^[^\u0000]*$"
NAME_MAX = 200


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def iso_date(value: Any) -> Any:
    """Only ``YYYY-MM-DD`` is a date here (or a date object from the web form):
    pydantic alone would read ``0`` as 1 January 1970, which no caller means."""
    if value is None or isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        return value.strip()
    raise ValueError(f"{str(value)[:40]!r} is not a date; accepted: YYYY-MM-DD, e.g. 2026-11-28")


#: a date sent as ISO 8601 text
IsoDate = Annotated[dt.date, BeforeValidator(iso_date)]


class PlaceInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # no field examples: local and partner share this model, and one example for both
    # would propose a partnership of a place with itself (refused); the requests'
    # examples show a pair
    name: str = Field(
        min_length=1,
        max_length=NAME_MAX,
        description="The place as typed; local and partner must be different places",
    )
    country: str | None = Field(
        None,
        pattern=r"^[A-Za-z]{2}$",
        description="ISO 3166-1 alpha-2 (UK and EL are read as GB and GR); narrows the look-up",
    )
    # hints: a name shared by several places of the country is ambiguous unless one of
    # these says which (features.hints reads them like the batch columns)
    admin: str | None = Field(
        None,
        min_length=1,
        max_length=ADMIN_MAX,
        pattern=NO_NUL,
        description="An administrative area the place lies in (state, province, county…), "
        "e.g. Bavaria for Freudenberg in Bavaria; tells the place from namesakes in the "
        "same country",
    )
    geonames_id: int | None = Field(
        None,
        ge=1,
        le=9_999_999_999,
        strict=True,
        description="The place's GeoNames id (a city or a second-level unit); tells the "
        "place from its namesakes",
    )
    lat: float | None = Field(
        None,
        ge=-90,
        le=90,
        description="Latitude of a point at or near the place (WGS84 decimal degrees); "
        "give lon with it. The namesake nearest to the point is meant",
    )
    lon: float | None = Field(
        None,
        ge=-180,
        le=180,
        description="Longitude of a point at or near the place (WGS84 decimal degrees); "
        "give lat with it",
    )

    @model_validator(mode="after")
    def _point_whole(self) -> PlaceInput:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon go together: give both (a point) or neither")
        return self


def _terms_model() -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for key, term in TERMS.items():
        if term.kind == "domains":
            fields[key] = (
                list[str] | None,
                Field(
                    None,
                    max_length=len(SENSITIVE_DOMAINS) + len(OTHER_DOMAINS) + 10,
                    description=term.question
                    + " Accepted: "
                    + ", ".join(SENSITIVE_DOMAINS + OTHER_DOMAINS),
                    examples=[["schools", "technology"]],
                ),
            )
        else:
            fields[key] = (
                bool | None,
                Field(
                    None,
                    strict=True,  # true or false, as the schema says; not "yes" or 1
                    description=term.question + " Leave out (or null) when unknown.",
                ),
            )
    return create_model(
        "Terms",
        __config__=ConfigDict(extra="forbid"),
        __doc__="The proposal's terms; each left out is imputed and flagged in the result.",
        **fields,
    )


Terms: Any = _terms_model()

PolicyField = Field(
    None,
    description="A policy name known to the server (see GET /v1/model) or a whole policy "
    "document as a JSON object; default: the server's default policy",
    examples=["default"],
)


class AssessmentQuery(BaseModel):
    """One proposed partnership."""

    model_config = ConfigDict(extra="forbid")

    local: PlaceInput = Field(description="The local place (the council's city or region)")
    partner: PlaceInput = Field(description="The proposed partner place")
    as_of: IsoDate | None = Field(
        None, description="Score as of this date, YYYY-MM-DD (default today)"
    )
    terms: Terms | None = None


class AssessmentRequest(AssessmentQuery):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "local": {"name": "Luleå", "country": "SE"},
                    "partner": {"name": "Xi'an", "country": "CN"},
                    "terms": {
                        "counterparty_united_front": True,
                        "sensitive_domains": ["schools", "technology"],
                        "exit_clause": False,
                    },
                    "policy": "default",
                    "dry_run": False,
                }
            ]
        },
    )

    policy: str | dict[str, Any] | None = PolicyField
    dry_run: bool = Field(False, strict=True, description="Score without storing (true or false)")


def request_inputs(body: AssessmentRequest) -> dict[str, Any]:
    """What is stored as the assessment's inputs: the request as sent, minus dry_run
    (the API and the web page store the same record)."""
    return body.model_dump(mode="json", exclude={"dry_run"}, exclude_none=True)


class DecisionOut(BaseModel):
    seq: int = Field(description="Order of recording (decisions are appended, never replaced)")
    decision: Decision
    notes: str
    decided_by: str | None = None
    created_at: dt.datetime
    api_key_id: str | None = None


class AssessmentOut(Assessment):
    """An assessment as returned and stored: the library's explanation plus its id."""

    id: str | None = Field(description="Store id (null for a dry run)")
    created_at: dt.datetime | None = Field(None, description="When it was stored")
    stored: bool = Field(description="False for a dry run")
    decisions: list[DecisionOut] = Field(
        default_factory=list, description="Every recorded decision, oldest first"
    )
    links: dict[str, str] = Field(
        default_factory=dict,
        description="URLs of this assessment, its reports and its decision endpoint",
    )


#: the caller's key of one proposal in a batch (the schema says so, so that a
#: client generated from it never sends an empty key the server would refuse)
BatchKey = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class BatchRequest(BaseModel):
    """Up to 1,000 proposals keyed by the caller's own ids, like yente's match queries."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "queries": {
                        "lulea-xian": {
                            "local": {"name": "Luleå", "country": "SE"},
                            "partner": {"name": "Xi'an", "country": "CN"},
                        },
                        "kiel-qingdao": {
                            "local": {"name": "Kiel", "country": "DE"},
                            "partner": {"name": "Qingdao", "country": "CN"},
                            "terms": {"exit_clause": True},
                        },
                    },
                    "policy": "default",
                    "dry_run": True,
                }
            ]
        },
    )

    queries: dict[BatchKey, AssessmentQuery] = Field(
        min_length=1,
        description="Proposals by the caller's key (1 to 1,000; keys up to 100 characters)",
    )
    policy: str | dict[str, Any] | None = PolicyField
    dry_run: bool = Field(False, strict=True, description="Score without storing (true or false)")


class BatchItem(BaseModel):
    status: int = Field(description="200 when scored, else the error's status")
    assessment: AssessmentOut | None = None
    error: Problem | None = None


class BatchResponse(BaseModel):
    responses: dict[str, BatchItem] = Field(description="One per query key")
    scored: int
    failed: int
    stored: int = Field(description="Assessments stored by this request")


class DecisionRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "decision": "approve_with_conditions",
                    "notes": (
                        "Sign with the city government directly, five-year term, publish text."
                    ),
                    "decided_by": "K. Lindqvist, international office",
                }
            ]
        },
    )

    decision: Decision
    notes: str = Field("", max_length=10_000, pattern=NO_NUL)
    decided_by: str | None = Field(None, max_length=200, pattern=NO_NUL)


class PartySummary(BaseModel):
    name: str
    country: str


class AssessmentSummary(BaseModel):
    id: str
    created_at: dt.datetime
    local: PartySummary
    partner: PartySummary
    score: int
    band: Band
    as_of: dt.date
    policy: str
    model_version: str
    data_version: str
    channel: str = Field(description="api, batch or web")
    latest_decision: DecisionOut | None = None
    links: dict[str, str] = Field(default_factory=dict)


class AssessmentList(BaseModel):
    items: list[AssessmentSummary]
    total: int = Field(description="How many match the filters in all")
    limit: int
    offset: int


class PlaceResults(BaseModel):
    query: str
    country: str | None = None
    resolved: Place | None = Field(None, description="What the name resolves to, if one place")
    candidates: list[Place] = Field(
        default_factory=list, description="Places for a picker, best first"
    )
    suggestions: list[str] = Field(
        default_factory=list, description="Near spellings when nothing matched"
    )
    message: str | None = Field(None, description="Why the name did not resolve")


class SourceOut(BaseModel):
    id: str
    title: str
    publisher: str
    year: int
    url: str


class DyadOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    dyad_id: str
    local_place: str
    local_country: str
    partner_place: str
    partner_country: str
    kind: str
    status: str
    established_year: int | None = None
    ended_year: int | None = None
    ended_by: str | None = None
    reason_code: str | None = None
    reason: str | None = None
    sources: list[SourceOut] = Field(default_factory=list)


class DyadList(BaseModel):
    items: list[DyadOut]
    total: int
    limit: int
    offset: int
    data_version: str


class FactorDoc(BaseModel):
    id: str
    group: str
    label: str
    max_points: int
    rationale: str
    direction: str | None = None
    transform: dict[str, Any] = Field(default_factory=dict)


class PolicyDoc(BaseModel):
    name: str
    version: str
    description: str = ""


class ModelOut(BaseModel):
    model: dict[str, Any] | None = Field(
        None, description="The model card (models/model_card.json), if trained"
    )
    policy: PolicyDoc
    policies: list[str] = Field(description="Policy names this server accepts")
    factors: list[FactorDoc]
    terms: dict[str, str] = Field(description="Proposal terms and the question each answers")
    decisions: list[str] = Field(default=list(DECISIONS))


class Health(BaseModel):
    status: Literal["ok"]


class Ready(BaseModel):
    status: Literal["ready", "starting", "failing"]
    checks: dict[str, str]
    version: str
