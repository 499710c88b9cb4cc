"""The assessment store: every assessment with its inputs, output, model, policy and
data versions, and the decisions officers record on it (appended, never overwritten).

SQLite (WAL) in ``twinrisk.config.data_dir()/twinrisk.sqlite3`` by default,
PostgreSQL when ``TWINRISK_DATABASE_URL`` names one. The schema is managed by the
Alembic migrations shipped in ``twinrisk/store/migrations`` and applied at start.
"""

from __future__ import annotations

from twinrisk.store.db import database_url, make_engine, migrate
from twinrisk.store.guards import StoreValueError, check_datetime, check_text
from twinrisk.store.repository import (
    DECISIONS,
    AssessmentFilter,
    AssessmentNotFound,
    Store,
    StoredAssessment,
    StoredDecision,
)

__all__ = [
    "DECISIONS",
    "AssessmentFilter",
    "AssessmentNotFound",
    "Store",
    "StoredAssessment",
    "StoredDecision",
    "StoreValueError",
    "check_datetime",
    "check_text",
    "database_url",
    "make_engine",
    "migrate",
]
