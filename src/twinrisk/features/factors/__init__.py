"""The factors of the exposure score, one record each (``FactorDef``), in the order
of the policy file: a module per group of the brief."""

from __future__ import annotations

from twinrisk.features.factors.bri import BRI_MOU, FLAGSHIP_PROJECT
from twinrisk.features.factors.climate import CLIMATE_TENSION, PARTNER_AT_WAR, SANCTIONS
from twinrisk.features.factors.context import Context
from twinrisk.features.factors.debt import DEBT_DISTRESS, DEBT_SHARE, PARTNER_FINANCE
from twinrisk.features.factors.location import (
    BORDER_PROXIMITY,
    CAPITAL,
    PARTNER_ASSETS,
    PORT_OR_BASE,
    TECH_HUB,
)
from twinrisk.features.factors.precedents import (
    COUNTRY_ENDINGS,
    LOCAL_PLACE_ENDINGS,
    PARTNER_PLACE_ENDINGS,
    PARTNER_RETALIATION,
    THIRD_PARTY_REPRISAL,
)
from twinrisk.features.factors.record import FactorDef, ReasonFn
from twinrisk.features.factors.terms import TERM_FACTORS

FACTORS: tuple[FactorDef, ...] = (
    DEBT_SHARE,
    DEBT_DISTRESS,
    BRI_MOU,
    FLAGSHIP_PROJECT,
    PARTNER_FINANCE,
    PORT_OR_BASE,
    PARTNER_ASSETS,
    BORDER_PROXIMITY,
    CAPITAL,
    TECH_HUB,
    COUNTRY_ENDINGS,
    PARTNER_PLACE_ENDINGS,
    PARTNER_RETALIATION,
    LOCAL_PLACE_ENDINGS,
    THIRD_PARTY_REPRISAL,
    CLIMATE_TENSION,
    SANCTIONS,
    PARTNER_AT_WAR,
    *TERM_FACTORS,
)
BY_ID: dict[str, FactorDef] = {f.id: f for f in FACTORS}
FACTOR_IDS: tuple[str, ...] = tuple(BY_ID)

__all__ = ["BY_ID", "FACTORS", "FACTOR_IDS", "Context", "FactorDef", "ReasonFn"]
