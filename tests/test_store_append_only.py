"""The database itself keeps the record append-only: beyond UPDATE and DELETE
(0001), a replacing insert on SQLite and TRUNCATE on PostgreSQL are refused (0002).
Both stores (PostgreSQL where TWINRISK_TEST_POSTGRES_URL is set, as in CI)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from test_store import db_url, output, store  # noqa: F401  (fixtures)
from twinrisk.store import Store


def _stored(store: Store) -> tuple[str, int]:  # noqa: F811
    a = store.add_assessment(inputs={"local": {"name": "Luleå"}}, output=output(score=27))
    d = store.add_decision(a.id, "defer", notes="original")
    return a.id, d.seq


def _unchanged(store: Store, aid: str) -> None:  # noqa: F811
    again = store.get(aid)
    assert again.score == 27
    assert [d.notes for d in again.decisions] == ["original"]


def test_replacing_insert_of_an_assessment_is_refused(store: Store) -> None:  # noqa: F811
    # without a decision, no foreign key stands in the way of the replacement
    aid = store.add_assessment(inputs={}, output=output(score=27)).id
    if store.dialect == "sqlite":
        sql = (
            "INSERT OR REPLACE INTO assessments SELECT id, created_at, local_name, "
            "local_country, partner_name, partner_country, 99, band, as_of, model_version, "
            "policy, data_version, api_key_id, channel, inputs, output FROM assessments "
            "WHERE id = :id"
        )
    else:
        sql = (
            "INSERT INTO assessments SELECT * FROM assessments WHERE id = :id "
            "ON CONFLICT (id) DO UPDATE SET score = 99"
        )
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(text(sql), {"id": aid})
    assert store.get(aid).score == 27


def test_replacing_insert_of_a_decision_is_refused(store: Store) -> None:  # noqa: F811
    aid, seq = _stored(store)
    if store.dialect == "sqlite":
        sql = (
            "INSERT OR REPLACE INTO decisions (seq, assessment_id, created_at, decision, "
            "notes) SELECT seq, assessment_id, created_at, decision, 'TAMPERED' "
            "FROM decisions WHERE seq = :seq"
        )
    else:
        sql = (
            "INSERT INTO decisions SELECT * FROM decisions WHERE seq = :seq "
            "ON CONFLICT (seq) DO UPDATE SET notes = 'TAMPERED'"
        )
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(text(sql), {"seq": seq})
    _unchanged(store, aid)


@pytest.mark.parametrize("table", ["decisions", "assessments"])
def test_update_delete_and_truncate_are_refused(store: Store, table: str) -> None:  # noqa: F811
    aid, _ = _stored(store)
    statements = [f"UPDATE {table} SET api_key_id = 'x'", f"DELETE FROM {table}"]
    if store.dialect == "postgresql":
        statements.append(f"TRUNCATE {table} CASCADE")
    for sql in statements:
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(sql))
    _unchanged(store, aid)


def test_a_plain_insert_of_a_new_row_still_works(store: Store) -> None:  # noqa: F811
    aid, _ = _stored(store)
    other = store.add_assessment(inputs={}, output=output(score=5))
    store.add_decision(aid, "approve", notes="second")
    assert other.id != aid
    assert [d.notes for d in store.get(aid).decisions] == ["original", "second"]
    assert json.dumps(store.get(other.id).output)
