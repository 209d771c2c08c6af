"""Several reads in one round trip (``core.pipeline.read_together``), on both databases.

Registering takes the event's lock and asks what the lock is held for in one round trip
(issue 16). The rows must be what SQLAlchemy would have returned, each statement must see
what was committed before it started (the second one after the lock was granted), and
failures must look like any other database failure to the rest of the application.
"""

from __future__ import annotations

import os
import threading
import time

import psycopg
import pytest
import sqlalchemy as sa

from participation.core.pipeline import read_together
from participation.events.models import Event, EventStatus, Topic
from participation.extensions import db

ON_POSTGRESQL = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
EVENTS = Event.__table__.c
TYPED = sa.select(EVENTS.id, EVENTS.status, EVENTS.language, EVENTS.starts_at,
                  EVENTS.registration_closes_at, EVENTS.step_free, EVENTS.capacity,
                  EVENTS.title_en).where(EVENTS.id == sa.bindparam("event_id"))
LOCK = TYPED.with_for_update()
TOPIC_NAME = sa.text("SELECT name_en AS name FROM topics WHERE id = :topic_id")


def _driver_url() -> str:
    return db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def test_rows_come_back_as_sqlalchemy_returns_them(make_event):
    event = make_event(capacity=12, status=EventStatus.PUBLISHED)
    db.session.commit()
    expected = dict(db.session.execute(TYPED, {"event_id": event.id}).mappings().one())
    (rows, names) = read_together(db.session(), (TYPED, {"event_id": event.id}),
                                  (TOPIC_NAME, {"topic_id": event.topic_id}))
    assert rows == [expected]
    # Converted by the columns' types: an enum member, an aware UTC datetime.
    assert rows[0]["status"] is EventStatus.PUBLISHED
    assert rows[0]["starts_at"] == event.starts_at and rows[0]["starts_at"].tzinfo is not None
    assert names == [{"name": db.session.get(Topic, event.topic_id).name_en}]
    db.session.rollback()


def test_no_row_is_an_empty_list(make_event):
    assert read_together(db.session(), (TYPED, {"event_id": 999_999})) == [[]]
    db.session.rollback()


def test_each_statement_is_seen_by_the_statement_counters(make_event, count_queries):
    event = make_event()
    db.session.commit()
    event_id, topic_id = event.id, event.topic_id
    with count_queries() as statements:
        read_together(db.session(), (LOCK, {"event_id": event_id}),
                      (TOPIC_NAME, {"topic_id": topic_id}))
    assert len(statements) == 2
    assert "FOR UPDATE" in statements[0].upper() or not ON_POSTGRESQL
    assert "topics" in statements[1]
    db.session.rollback()


def test_reads_are_in_the_session_transaction(make_event):
    event = make_event(capacity=5)
    db.session.commit()
    event.capacity = 9
    db.session.flush()  # not committed: only this transaction sees it
    (rows,) = read_together(db.session(), (TYPED, {"event_id": event.id}))
    assert rows[0]["capacity"] == 9
    db.session.rollback()
    (rows,) = read_together(db.session(), (TYPED, {"event_id": event.id}))
    assert rows[0]["capacity"] == 5
    db.session.rollback()


def test_parameters_are_converted_by_their_types(make_event):
    event = make_event()
    db.session.commit()
    event_id, starts_at = event.id, event.starts_at
    query = sa.select(EVENTS.id).where(
        EVENTS.starts_at == sa.bindparam("starts_at", type_=EVENTS.starts_at.type),
        EVENTS.status == sa.bindparam("status", type_=EVENTS.status.type))
    (rows,) = read_together(db.session(), (query, {"starts_at": starts_at,
                                                   "status": EventStatus.PUBLISHED}))
    assert rows == [{"id": event_id}]
    db.session.rollback()


def test_a_failing_statement_raises_sqlalchemys_error_and_the_session_recovers(make_event):
    event = make_event()
    db.session.commit()
    with pytest.raises(sa.exc.DBAPIError):
        read_together(db.session(), (TYPED, {"event_id": event.id}),
                      (sa.text("SELECT nothing FROM no_such_table"), {}))
    db.session.rollback()
    assert read_together(db.session(), (TYPED, {"event_id": event.id}))[0][0]["id"] == event.id
    db.session.rollback()


@pytest.mark.skipif(not ON_POSTGRESQL, reason="row locks and round trips: PostgreSQL")
def test_the_statement_after_the_lock_sees_what_the_previous_holder_committed(make_event):
    # Another transaction holds the event's lock, changes the event and another table, and
    # commits a moment later. The lock waits for it; the statement after the lock starts
    # after it was granted, so it sees the other table as committed, not as it was when the
    # round trip was sent (which one statement with a subquery would have seen).
    event = make_event(capacity=3)
    db.session.commit()
    other = psycopg.connect(_driver_url())
    other.execute("SELECT id FROM events WHERE id = %s FOR UPDATE", (event.id,))
    other.execute("UPDATE events SET capacity = 30 WHERE id = %s", (event.id,))
    other.execute("UPDATE topics SET name_en = 'Renamed meanwhile' WHERE id = %s",
                  (event.topic_id,))
    committer = threading.Timer(0.5, other.commit)
    committer.start()
    started = time.monotonic()
    try:
        locked, names = read_together(db.session(), (LOCK, {"event_id": event.id}),
                                      (TOPIC_NAME, {"topic_id": event.topic_id}))
    finally:
        committer.join()
        other.close()
    assert time.monotonic() - started >= 0.4  # it waited for the lock
    assert locked[0]["capacity"] == 30
    assert names == [{"name": "Renamed meanwhile"}]
    db.session.rollback()


@pytest.mark.skipif(not ON_POSTGRESQL, reason="a connection the server ends: PostgreSQL")
def test_a_connection_lost_midway_is_invalidated_and_the_next_transaction_gets_a_new_one(
    make_event
):
    event = make_event()
    db.session.commit()
    pid = db.session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
    with psycopg.connect(_driver_url(), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))
    with pytest.raises(sa.exc.OperationalError) as raised:
        read_together(db.session(), (TYPED, {"event_id": event.id}))
    assert raised.value.connection_invalidated
    db.session.rollback()
    assert read_together(db.session(), (TYPED, {"event_id": event.id}))[0][0]["id"] == event.id
    assert db.session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar() != pid
    db.session.rollback()
