"""Allowed codes of the curated tables, kept free of heavy imports so that
scoring code can use them without loading the validation machinery."""

from __future__ import annotations

BRI_STATUS = ["yes", "no", "unclear", "exited"]
DSA_RISK = ["low", "moderate", "high", "in_distress"]
DEBT_METRICS = ["ppg_share_pct", "ppg_stock_usd_bn", "commitments_usd_bn"]
ADMIN_LEVELS = ["city", "admin1"]
CAPITAL = ["national", "admin1", "none"]
DYAD_KINDS = ["sister_city", "friendship_city", "province_state", "partner_city"]
STATUSES = ["active", "suspended", "terminated", "lapsed", "blocked"]
ENDED_STATUSES = ["suspended", "terminated", "lapsed", "blocked"]
ENDED_BY = ["local", "partner", "both", "national", "unknown"]
REASON_CODES = [
    "political_clause",
    "human_rights",
    "security",
    "diplomatic_pressure",
    "lapsed",
    "bilateral_crisis",
    "retaliation",
    "war",
    "inactivity",
    "other",
]
EVENT_KINDS = [
    "border_clash",
    "territorial_dispute",
    "sanctions",
    "trade_coercion",
    "diplomatic_downgrade",
    "detention",
    "war",
    "suspension",
    "thaw",
    "agreement",
]
