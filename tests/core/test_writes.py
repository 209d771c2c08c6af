"""Several writes in one statement (``core.writes.write_at_once``), on both databases.

Registering holds the event's row lock while it writes the registration, its mail and the
counters: one statement there instead of a flush of three (issue 16). Afterwards the
objects must be exactly as a flush leaves them, and the rest of the application (the page
cache, the workers' wake-up, a rollback) must not be able to tell the difference.
"""

from __future__ import annotations

import os

import psycopg
import pytest
import sqlalchemy as sa

from participation.core import notify
from participation.core.page_cache import CHANNEL
from participation.core.writes import write_at_once
from participation.database import utcnow
from participation.events.models import Event
from participation.extensions import db
from participation.mail.models import OutboxMessage, OutboxStatus
from participation.mail.services import OUTBOX_CHANNEL, unwritten
from participation.registrations.models import Registration, RegistrationStatus

ON_POSTGRESQL = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


def _registration(event: Event, email: str = "ann@example.org", code: str = "ABC123"):
    return Registration(event_id=event.id, name="Ann", email=email, code=code,
                        manage_key=f"key-{email}", status=RegistrationStatus.CONFIRMED,
                        locale="en", companion_names=["Bo"], companions=1)


def _mail(registration: Registration) -> OutboxMessage:
    return unwritten("registration_confirmed", registration.email, "registration",
                     event_id=registration.event_id, code=registration.code, args={})


def _row(table: str, key: int) -> dict:
    return dict(db.session.execute(sa.text(f"SELECT * FROM {table} WHERE id = :id"),
                                   {"id": key}).mappings().one())


def test_new_objects_are_written_and_persistent_as_after_a_flush(make_event):
    event = make_event(capacity=10)
    db.session.commit()
    registration = _registration(event)
    mail = _mail(registration)
    write_at_once(db.session(), [registration, mail],
                  changed=[(event, {"confirmed_count": 2, "updated_at": event.updated_at})])
    state = sa.inspect(registration)
    assert state.persistent and not state.modified
    assert registration.id is not None and mail.id is not None
    # The columns' Python defaults were set on the object, as a flush sets them.
    assert mail.status == OutboxStatus.PENDING and mail.attempts == 0
    assert mail.created_at is not None and mail.attachments == []
    assert event.confirmed_count == 2 and not sa.inspect(event).modified
    db.session.commit()

    row = _row("registrations", registration.id)
    assert (row["email"], row["code"], row["status"], row["companions"]) == (
        "ann@example.org", "ABC123", "confirmed", 1)
    assert registration.companion_names == ["Bo"]
    assert db.session.get(OutboxMessage, mail.id).render == {
        "builder": "registration", "event_id": event.id, "code": "ABC123", "args": {}}
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).companion_names == ["Bo"]
    assert db.session.get(Event, event.id).confirmed_count == 2


def test_a_column_with_onupdate_keeps_its_value_when_named_and_is_renewed_when_not(
    make_event,
):
    event = make_event(capacity=10)
    db.session.commit()
    kept = event.updated_at
    write_at_once(db.session(), changed=[(event, {"confirmed_count": 1, "updated_at": kept})])
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Event, event.id).updated_at == kept

    event = db.session.get(Event, event.id)
    write_at_once(db.session(), changed=[(event, {"waiting_count": 1})])
    # Not named: the database's new value, loaded on first use (never the stale one).
    assert "updated_at" not in sa.inspect(event).dict
    assert event.updated_at > kept
    db.session.commit()


def test_what_the_session_holds_unflushed_is_written_first(make_event):
    event = make_event(capacity=10)
    db.session.commit()
    event.capacity = 20  # pending in the session
    write_at_once(db.session(), changed=[(event, {"confirmed_count": 15,
                                                  "updated_at": event.updated_at})])
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Event, event.id)
    assert (stored.capacity, stored.confirmed_count) == (20, 15)


def test_a_constraint_broken_by_one_write_leaves_none_of_them(make_event):
    event = make_event(capacity=1)
    db.session.commit()
    registration = _registration(event)
    with pytest.raises(sa.exc.IntegrityError):
        # More confirmed than places: the database's own check (not_overbooked) refuses.
        write_at_once(db.session(), [registration, _mail(registration)],
                      changed=[(event, {"confirmed_count": 2, "updated_at": event.updated_at})])
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
    assert db.session.get(Event, event.id).confirmed_count == 0


def test_the_page_cache_learns_what_changed(make_event):
    event = make_event(capacity=10)
    db.session.commit()
    registration = _registration(event)
    write_at_once(db.session(), [registration],
                  changed=[(event, {"confirmed_count": 1, "updated_at": event.updated_at})])
    tags = db.session.info["content_tags"]
    # The event's own page and the registrations, not every list of events (only counters).
    assert {f"event:{event.id}", "registrations"} <= tags
    assert "events" not in tags
    db.session.commit()
    assert "content_tags" not in db.session.info


@pytest.mark.skipif(not ON_POSTGRESQL, reason="one statement and notifications: PostgreSQL")
def test_on_postgresql_one_statement_carries_the_writes_and_the_notifications(
    app, make_event, count_queries
):
    event = make_event(capacity=10)
    db.session.commit()
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f"LISTEN {CHANNEL}")
        conn.execute(f"LISTEN {OUTBOX_CHANNEL}")

        def received() -> set[str]:
            return {n.channel for n in conn.notifies(timeout=0.5, stop_after=2)}

        # A rolled-back transaction tells nobody anything.
        registration = _registration(event, email="gone@example.org", code="GONE01")
        write_at_once(db.session(), [registration, _mail(registration)])
        db.session.rollback()
        assert received() == set()

        event = db.session.get(Event, event.id)
        registration = _registration(event)
        with count_queries() as statements:
            write_at_once(db.session(), [registration, _mail(registration)],
                          changed=[(event, {"confirmed_count": 2,
                                            "updated_at": event.updated_at})])
            db.session.commit()
        write = [s for s in statements if "INSERT INTO registrations" in s]
        assert len(write) == 1
        for part in ("INSERT INTO mail_outbox", "UPDATE events", "pg_notify"):
            assert part in write[0]
        # Nothing is left to send on commit: no second notification statement.
        assert sum("pg_notify" in s for s in statements) == 1
        assert not notify.pending(db.session())
        assert received() == {CHANNEL, OUTBOX_CHANNEL}
    assert _row("registrations", registration.id)["created_at"] <= utcnow()
