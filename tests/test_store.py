"""The assessment store on SQLite (always) and PostgreSQL (when
TWINRISK_TEST_POSTGRES_URL is set; `.ci/run` starts one and sets it)."""

from __future__ import annotations

import datetime as dt
import os
import threading
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError

from conftest import missing_part
from twinrisk.store import AssessmentFilter, AssessmentNotFound, Store
from twinrisk.store.db import current_revision, head_revision, migrate

PG_URL = os.environ.get("TWINRISK_TEST_POSTGRES_URL", "").strip()
PG_SKIP_REASON = (
    "TWINRISK_TEST_POSTGRES_URL is not set: the PostgreSQL store tests were NOT run "
    "(.ci/run starts a PostgreSQL and sets it; see .ci/postgres)"
)
if not PG_URL:
    warnings.warn(PG_SKIP_REASON, pytest.PytestWarning, stacklevel=1)


def _pg_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test; dropped afterwards."""
    base = make_url(
        PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
        if PG_URL.startswith("postgresql://")
        else PG_URL
    )
    name = "twinrisk_t_" + uuid.uuid4().hex[:12]
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'twinrisk.sqlite3'}"
        return
    if not PG_URL:
        missing_part(PG_SKIP_REASON)
    yield from _pg_database()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store.open(db_url)
    yield s
    s.close()


def output(
    local: str = "Luleå",
    lc: str = "SE",
    partner: str = "Xi'an",
    pc: str = "CN",
    score: int = 63,
    band: str = "high",
) -> dict[str, object]:
    return {
        "score": score,
        "band": band,
        "as_of": "2026-11-23",
        "local": {"id": "gn:604490", "name": local, "country": lc},
        "partner": {"id": "gn:1790630", "name": partner, "country": pc},
        "factors": [{"id": "debt_share", "points": 0, "reason": "«ünïcødé» ✓ 中文"}],
        "model": {"version": "m-1", "policy": "default@2026.11.1", "data_version": "data-abc"},
    }


def test_migrations_are_idempotent_and_at_head(db_url: str) -> None:
    s = Store.open(db_url)
    migrate(s.engine)  # a second run (another process starting) changes nothing
    assert current_revision(s.engine) == head_revision()
    s.close()


def test_models_match_migrations(store: Store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from twinrisk.store.models import Base

    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_roundtrip_keeps_inputs_output_and_versions(store: Store) -> None:
    inputs = {"local": {"name": "Luleå", "country": "SE"}, "terms": {"exit_clause": True}}
    a = store.add_assessment(inputs=inputs, output=output(), api_key_id="k1", channel="web")
    got = store.get(a.id)
    assert got.inputs == inputs
    assert got.output == output()
    assert (got.model_version, got.policy, got.data_version) == (
        "m-1",
        "default@2026.11.1",
        "data-abc",
    )
    assert got.api_key_id == "k1" and got.channel == "web"
    assert got.created_at.tzinfo is not None
    assert got.as_of == dt.date(2026, 11, 23)
    assert got.decisions == ()


def test_decisions_are_appended_never_overwritten(store: Store) -> None:
    a = store.add_assessment(inputs={}, output=output())
    store.add_decision(a.id, "defer", notes="ask the ministry")
    store.add_decision(a.id, "approve_with_conditions", notes="five-year term", decided_by="K. L.")
    decisions = store.get(a.id).decisions
    assert [d.decision for d in decisions] == ["defer", "approve_with_conditions"]
    assert decisions[0].notes == "ask the ministry"
    assert decisions[1].decided_by == "K. L."
    assert store.get(a.id).latest_decision == decisions[1]


def test_database_refuses_update_and_delete(store: Store) -> None:
    a = store.add_assessment(inputs={}, output=output())
    store.add_decision(a.id, "reject")
    for stmt in (
        "UPDATE decisions SET decision = 'approve'",
        "DELETE FROM decisions",
        "UPDATE assessments SET score = 0",
        "DELETE FROM assessments",
    ):
        with pytest.raises((IntegrityError, DBAPIError)), store.engine.begin() as conn:
            conn.execute(text(stmt))
    assert store.get(a.id).decisions[0].decision == "reject"
    assert store.get(a.id).score == 63


def test_bad_decision_and_unknown_ids(store: Store) -> None:
    a = store.add_assessment(inputs={}, output=output())
    with pytest.raises(ValueError, match="approve_with_conditions"):
        store.add_decision(a.id, "maybe")
    with pytest.raises(AssessmentNotFound):
        store.add_decision("a_missing", "approve")
    with pytest.raises(AssessmentNotFound):
        store.get("a_missing")
    assert store.count() == (1, 0)


def test_filters_and_paging(store: Store) -> None:
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    ids = []
    for i, (lc, pc, band) in enumerate(
        [
            ("SE", "CN", "high"),
            ("SE", "CN", "low"),
            ("DE", "CN", "high"),
            ("CZ", "CN", "severe"),
            ("SE", "RU", "moderate"),
        ]
    ):
        ids.append(
            store.add_assessment(
                inputs={},
                output=output(lc=lc, pc=pc, band=band, local=f"Place_{i}%"),
                created_at=t0 + dt.timedelta(days=i),
            ).id
        )
    store.add_decision(ids[0], "approve")
    store.add_decision(ids[0], "reject")
    store.add_decision(ids[1], "approve")

    def n(**kw: object) -> int:
        return store.list(AssessmentFilter(**kw))[1]  # type: ignore[arg-type]

    assert n() == 5
    assert n(local_country="se") == 3
    assert n(local_country="SE", partner_country="CN") == 2
    assert n(band="high") == 2
    assert n(since=t0 + dt.timedelta(days=3)) == 2
    assert n(until=t0 + dt.timedelta(days=1)) == 1
    assert n(decision="reject") == 1  # the latest decision counts
    assert n(decision="approve") == 1
    assert n(decision="none") == 3
    assert n(q="place_3%") == 1  # LIKE wildcards in a query are literal
    assert n(q="%") == 5
    items, total = store.list(AssessmentFilter(limit=2, offset=1))
    assert total == 5
    assert [a.id for a in items] == [ids[3], ids[2]]  # newest first


def test_batch_insert_is_all_or_nothing(store: Store) -> None:
    a = store.add_assessment(inputs={}, output=output())
    with pytest.raises(IntegrityError):
        store.add_assessments([({}, output()), ({}, output())], ids=["a_new", a.id])
    assert store.count() == (1, 0)


def test_survives_reopen(db_url: str) -> None:
    s1 = Store.open(db_url)
    a = s1.add_assessment(inputs={"n": 1}, output=output())
    s1.add_decision(a.id, "approve")
    s1.close()
    s2 = Store.open(db_url)
    got = s2.get(a.id)
    assert got.inputs == {"n": 1} and [d.decision for d in got.decisions] == ["approve"]
    s2.close()


def test_concurrent_writers_lose_nothing(store: Store) -> None:
    ids: list[str] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(10):
                a = store.add_assessment(inputs={}, output=output())
                store.add_decision(a.id, "defer")
                with lock:
                    ids.append(a.id)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.count() == (80, 80)
    assert {a.id for a in store.list(AssessmentFilter(limit=1000))[0]} == set(ids)


def test_default_url_is_sqlite_in_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from twinrisk.store.db import database_url, make_engine

    monkeypatch.delenv("TWINRISK_DATABASE_URL", raising=False)
    monkeypatch.setenv("TWINRISK_DATA_DIR", str(tmp_path / "var"))
    assert database_url() == f"sqlite:///{tmp_path / 'var' / 'twinrisk.sqlite3'}"
    engine = make_engine()
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    engine.dispose()
    monkeypatch.setenv("TWINRISK_DATABASE_URL", "postgresql://u:secret@db/twinrisk")
    assert database_url() == "postgresql+psycopg://u:secret@db/twinrisk"


def test_a_new_sqlite_store_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    import os
    import stat

    from twinrisk.store.db import make_engine

    old = os.umask(0o022)
    try:
        folder = tmp_path / "new" / "store"
        engine = make_engine(f"sqlite:///{folder / 'records.sqlite3'}")
        with engine.connect() as conn:
            conn.exec_driver_sql("CREATE TABLE t (x)")
            conn.commit()
        engine.dispose()
    finally:
        os.umask(old)
    assert stat.S_IMODE((folder / "records.sqlite3").stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
