"""The shape of an explanation: what every surface (library, CLI, API, web page,
reports, store) returns or stores for one assessment.

Kept in pydantic so that the HTTP schema, the JSON printed by the CLI and the
stored record are the same document, with examples for the OpenAPI contract.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from twinrisk.core.bands import DEFAULT_BANDS, Band, Bands


class SourceRef(BaseModel):
    id: str
    title: str
    publisher: str
    year: int
    url: str


class Place(BaseModel):
    """A resolved place: a GeoNames city or town, a second-level unit (municipality,
    commune, county, district, prefecture) or a first-level division (state, province)."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(
        description="Stable id: 'gn:<GeoNames id>' for cities and second-level units, "
        "'a1:<CC>.<code>' for first-level divisions"
    )
    name: str
    country: str = Field(description="ISO 3166-1 alpha-2")
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    population: int | None = None
    kind: Literal["city", "admin2", "admin1"] = Field(
        default="city",
        description="The level: a populated place, a second-level unit or a first-level division",
    )
    admin2: str | None = Field(default=None, description="The second-level unit a city lies in")
    unit: str | None = Field(
        default=None, description="What a unit is called where it is (Municipality, County, ...)"
    )
    located_by: Literal["point", "seat", "towns", "given"] = Field(
        default="point",
        description="Where lat/lon (and so the location facts) come from: the place's own "
        "point, the unit's seat town, the population-weighted centre of its towns, or the "
        "point the caller gave for a place the gazetteer lacks",
    )
    seat: str | None = Field(
        default=None,
        description="For a second-level unit placed at its seat: the seat town's id",
    )
    note: str | None = Field(
        default=None, description="How a namesake was told apart, when it was (hint or size)"
    )

    @property
    def tie_id(self) -> str:
        """The id a tie is kept under: a municipality placed at its seat and the seat
        town are one partner (Täby Municipality and Täby; Egedal and Ølstykke)."""
        return self.seat or self.id


class Factor(BaseModel):
    id: str
    group: str
    label: str
    value: Any = Field(description="The raw value behind the points (a %, a count, km, a flag)")
    normalised: float = Field(ge=0, le=1)
    points: int = Field(ge=0)
    max_points: int = Field(ge=0)
    reason: str
    imputed: bool = False
    sources: list[SourceRef] = Field(default_factory=list)


class Reason(BaseModel):
    factor: str
    points: int
    reason: str


class Precedent(BaseModel):
    dyad_id: str
    local: str
    local_country: str
    partner: str
    partner_country: str
    kind: str
    status: str
    established_year: int | None = None
    ended_year: int | None = None
    ended_by: str | None = None
    reason_code: str | None = None
    reason: str | None = None
    similarity: float = Field(ge=0, le=1)
    sources: list[SourceRef] = Field(default_factory=list)


TieStatus = Literal[
    "active",
    "listed",
    "suspended",
    "terminated",
    "lapsed",
    "blocked",
    "not yet signed",
    "not recorded",
]


TieEventKind = Literal[
    "signed",
    "listed",
    "active",
    "contested",
    "suspended",
    "resumed",
    "terminated",
    "lapsed",
    "blocked",
]


class TieEvent(BaseModel):
    """One dated event in the history of a tie, with its sources."""

    model_config = ConfigDict(frozen=True)

    date: str = Field(description="YYYY, YYYY-MM or YYYY-MM-DD: the precision the source gives")
    event: TieEventKind
    actor: str | None = Field(
        default=None,
        description="Who acted: local / partner (the sides of the tie as recorded), both, "
        "national, unknown",
    )
    reason_code: str | None = None
    confirmed: bool = Field(
        description="False: inferred from a general statement that does not name the pair; "
        "never changes the status"
    )
    after_as_of: bool = Field(
        default=False,
        description="Known only after the assessment date (shown, not used for `status`)",
    )
    note: str | None = None
    sources: list[SourceRef] = Field(default_factory=list)


class Tie(BaseModel):
    """The curated tie between the two places, if one exists: its dated history.
    Shown with the assessment, never scored (a tie's own ending is not a feature of
    itself)."""

    model_config = ConfigDict(
        frozen=True,
        json_schema_extra={
            "examples": [
                {
                    "dyad_id": "okayama-luoyang",
                    "kind": "sister_city",
                    "local": "Okayama",
                    "local_country": "JP",
                    "partner": "Luoyang",
                    "partner_country": "CN",
                    "established": 1981,
                    "status": "suspended",
                    "status_today": "active",
                    "last_activity": "1981-04-06",
                    "events": [
                        {
                            "date": "1981-04-06",
                            "event": "signed",
                            "confirmed": True,
                            "note": "friendship city agreement 6 Apr 1981 (TSC)",
                            "sources": [],
                        },
                        {
                            "date": "2003-05",
                            "event": "suspended",
                            "actor": "partner",
                            "reason_code": "retaliation",
                            "confirmed": True,
                            "sources": [
                                {
                                    "id": "japantimes_okayama_luoyang_2003",
                                    "title": "Chinese city severs Okayama ties",
                                    "publisher": "The Japan Times",
                                    "year": 2003,
                                    "url": "https://www.japantimes.co.jp/2003/05/04/"
                                    "announcements/chinese-city-severs-okayama-ties/",
                                }
                            ],
                        },
                        {
                            "date": "2006",
                            "event": "resumed",
                            "actor": "partner",
                            "confirmed": True,
                            "after_as_of": True,
                            "sources": [],
                        },
                    ],
                }
            ]
        },
    )

    dyad_id: str
    kind: str
    local: str = Field(description="The tie's local side as recorded (the `actor` 'local')")
    local_country: str
    partner: str
    partner_country: str
    established: int | None = None
    status: TieStatus = Field(
        description="As of the assessment date, from the confirmed events known by then: the "
        "last ending not followed by a resumption; else active (evidence of activity within "
        "five years) or listed (known to exist, no recent evidence); 'not yet signed' / "
        "'not recorded' before its first event"
    )
    status_today: TieStatus = Field(description="The same rule as of today, from every event")
    last_activity: str | None = Field(
        default=None,
        description="Date of the last evidence of activity (active, signed or resumed event) "
        "known by the assessment date",
    )
    events: list[TieEvent] = Field(default_factory=list, description="Every event, oldest first")


class ChecklistItem(BaseModel):
    factor: str
    question: str


class Mitigation(BaseModel):
    term: str
    change: str = Field(description="The change to the proposal's terms, in words")
    score_before: int
    score_after: int


DueDiligenceLevel = Literal["standard", "enhanced", "refer", "prohibited"]
#: the levels, least to most demanding
DUE_DILIGENCE_LEVELS: tuple[DueDiligenceLevel, ...] = (
    "standard",
    "enhanced",
    "refer",
    "prohibited",
)


class DueDiligence(BaseModel):
    """What the officer does next, as a bank acts on a customer risk rating: standard
    checks, enhanced checks, refer to the national authority, or do not sign."""

    level: DueDiligenceLevel
    reasons: list[str] = Field(
        default_factory=list, description="Why, the strictest first, each with its source"
    )


class LikelihoodFactor(BaseModel):
    """One item's share of the log-odds that the tie ends within five years; the
    contributions and the model's intercept add up to the log-odds exactly."""

    factor: str
    value: float
    contribution: float = Field(description="log-odds")
    reason: str
    sources: list[SourceRef] = Field(default_factory=list)
    dataset: str = Field(default="", description="The data behind the value, even when zero")


class ModelInfo(BaseModel):
    version: str
    policy: str
    data_version: str
    bands: dict[str, int] = Field(
        default_factory=DEFAULT_BANDS.as_dict,
        description="The policy's band cut-offs: the lowest score of each band",
    )

    @property
    def cutoffs(self) -> Bands:
        """The bands as an object (records stored before bands were kept: the default)."""
        return Bands.from_dict(self.bands)


def likelihood_in_words(probability: float) -> str:
    """A probability as a council member reads it: "about 1 in 3 ties like this one
    ended within five years"."""
    if probability >= 0.5:
        share = f"about {round(probability * 10)} in 10"
    else:
        share = f"about 1 in {max(2, round(1 / probability))}"
    return f"{share} ties like this one ended within five years"


class Assessment(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "score": 63,
                    "band": "high",
                    "local": {
                        "id": "gn:604490",
                        "name": "Luleå",
                        "country": "SE",
                        "admin1": "Norrbotten",
                        "lat": 65.58,
                        "lon": 22.15,
                        "population": 48638,
                        "kind": "city",
                    },
                    "partner": {
                        "id": "gn:1790630",
                        "name": "Xi'an",
                        "country": "CN",
                        "admin1": "Shaanxi",
                        "lat": 34.26,
                        "lon": 108.93,
                        "population": 6501190,
                        "kind": "city",
                    },
                    "as_of": "2026-11-23",
                }
            ]
        }
    )

    score: int = Field(ge=0, le=100, description="Exactly the sum of the factors' points")
    band: Band
    local: Place
    partner: Place
    as_of: dt.date
    tie: Tie | None = Field(
        default=None,
        description="The existing or ended tie between these two places, with its dated "
        "history; null when the data holds none",
    )
    terms: dict[str, Any] = Field(
        default_factory=dict, description="Proposal terms as scored (given or imputed)"
    )
    groups: dict[str, int] = Field(default_factory=dict, description="Points per factor group")
    factors: list[Factor]
    top_reasons: list[Reason]
    precedents: list[Precedent]
    checklist: list[ChecklistItem]
    mitigations: list[Mitigation]
    model: ModelInfo
    likelihood_5y: float | None = Field(
        default=None,
        gt=0,
        lt=1,
        description="Probability that the tie is suspended or ended within five years "
        "(null when the model artifact has no likelihood model)",
    )
    likelihood_intercept: float | None = Field(
        default=None, description="The model's log-odds before any factor"
    )
    likelihood_factors: list[LikelihoodFactor] = Field(default_factory=list)
    due_diligence: DueDiligence | None = Field(
        default=None,
        description="The level an officer acts on (null only in records stored before it existed)",
    )
    not_covered: str = Field(
        default="",
        description="What the score does not measure, in plain words",
    )
