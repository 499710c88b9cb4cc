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

# ------------------------------------------------------------------ dated histories (issue 13)
#: tie_events.event, in the order same-day events are numbered
TIE_EVENTS = [
    "signed",
    "listed",
    "active",
    "contested",
    "suspended",
    "resumed",
    "blocked",
    "lapsed",
    "terminated",
]
#: tie events that end a tie (and need a reason code)
TIE_ENDINGS = ["suspended", "terminated", "lapsed", "blocked"]
#: tie events that name who acted
TIE_ACTED = [*TIE_ENDINGS, "resumed", "contested"]
#: sovereign_defaults.creditor: a class of debt, not a country
DEFAULT_CREDITORS = [
    "all",
    "bonds",
    "bank_loans",
    "official_bilateral",
    "paris_club",
    "china",
    "other_official",
    "other_private",
    "imf",
    "ibrd",
    "ida",
    "iadb",
    "local_currency_debt",
    "domestic_arrears",
]
DEFAULT_KINDS = ["default", "restructuring", "arrears"]
#: current facilities, then earlier ones named in the IMF's arrangement list
#: (importers/imf_arrangements.py), kept as the IMF codes them
IMF_FACILITIES = [
    *["SBA", "EFF", "ECF", "SCF", "RCF", "RFI", "PCI", "PLL", "FCL", "RSF"],
    *["PRGF", "ESAF", "SAF", "ESF", "PCL"],
]
#: sanctions_regimes.imposer: bodies, and states (the UK as ``UK``, not ``GB``)
SANCTION_BODIES = ["EU", "UN", "UK"]
SANCTION_IMPOSERS = [*SANCTION_BODIES, "US", "CA", "AU", "JP", "CH", "NZ", "CN"]
WAR_KINDS = ["war", "armed_clash", "occupation"]
INDICATORS = ["vdem_row", "cpi_score"]
ASSET_KINDS = [
    "port_stake",
    "port_concession",
    "port_lease",
    "military_base",
    "access_agreement",
    "other_infrastructure",
]
LEGAL_KINDS = [
    "ban",
    "veto",
    "review",
    "designation",
    "disclosure",
    "cancellation",
    "guidance",
    "none",
]
