"""A simple sign-up decided, written and committed in one statement (``registrations.at_once``).

On PostgreSQL the public form's sign-up of one person is one statement committed by itself
(issue 16). Whatever that statement cannot decide must still be decided under the lock, by
``services.register``, exactly as before: these tests make each of those cases happen, some
from another connection while the statement runs.
"""

from __future__ import annotations

import os
import threading
import time

import psycopg
import pytest
import sqlalchemy as sa

from participation.database import utcnow
from participation.extensions import db
from participation.mail.models import OutboxMessage
from participation.mail.services import CannotWrite, write
from participation.registrations import at_once, services
from participation.registrations.models import Registration, RegistrationStatus

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="one statement committed by itself: PostgreSQL (SQLite takes the lock as before)")

CONFIRMED, WAITING = RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING


def sign_up(event, email: str, **given) -> services.RegistrationResult:
    """What the public form does (the view calls this with the form's values)."""
    given = {"name": "Ann Peeters", "email": email, "consent": True, "locale": "en", **given}
    return services.register_and_commit(event, **given)


def _driver_url() -> str:
    return db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def rows(event_id: int) -> list[Registration]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Registration).where(
        Registration.event_id == event_id).order_by(Registration.id)))


def mails_to(email: str) -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.recipient == email).order_by(OutboxMessage.id)))


def test_a_simple_sign_up_is_one_statement_committed_by_itself(make_event, count_queries):
    event = make_event(capacity=1, confirm_within_hours=48)
    db.session.commit()
    event_id = event.id
    with count_queries() as statements:
        result = sign_up(event, "ann@example.org")
    assert len(statements) == 1 and "FOR UPDATE" in statements[0]
    assert result.created and result.confirmed
    # The request's own instance of the event knows its counters as committed (no query).
    with count_queries() as after:
        assert (event.confirmed_count, event.waiting_count) == (1, 0)
    assert after == []
    # Committed: another connection sees the registration, its mail and the counters.
    with psycopg.connect(_driver_url()) as other:
        assert other.execute("SELECT status, created_at = confirmed_at, consent_at = created_at,"
                             " confirm_by - created_at FROM registrations WHERE email = %s",
                             ("ann@example.org",)).fetchone()[:3] == ("confirmed", True, True)
        assert other.execute("SELECT confirmed_count, waiting_count FROM events WHERE id = %s",
                             (event_id,)).fetchone() == (1, 0)
        assert other.execute("SELECT kind FROM mail_outbox WHERE recipient = %s",
                             ("ann@example.org",)).fetchall() == [("registration_confirmed",)]
    (registration,) = rows(event_id)
    assert registration.id == result.registration.id
    assert registration.code == result.registration.code and len(registration.code) == 6
    assert (registration.confirm_by - registration.created_at).total_seconds() == 48 * 3600


def test_the_same_sign_up_writes_the_same_row_as_under_the_lock(make_event):
    # The statement and services.register make the same registration from the same form.
    fast_event, locked_event = make_event(capacity=5), make_event(capacity=5)
    db.session.commit()
    sign_up(fast_event, "same@example.org", needs_other="A chair", needs_step_free=True)
    sign_up(locked_event, "same@example.org", needs_other="A chair", needs_step_free=True,
            companions=0, organisation="  ")  # still one statement: nothing along
    services.register(locked_event, name="Ann Peeters", email="other@example.org",
                      needs_other="A chair", needs_step_free=True, locale="en")
    db.session.commit()
    fast = rows(fast_event.id)[0]
    locked = [r for r in rows(locked_event.id) if r.email == "other@example.org"][0]
    differ = {"id", "event_id", "email", "code", "manage_key", "mailbox", "created_at",
              "consent_at", "confirmed_at"}
    for column in Registration.__table__.columns:
        if column.key not in differ:
            assert getattr(fast, column.key) == getattr(locked, column.key), column.key


def test_the_waiting_list_mail_counts_the_place_in_line_when_it_is_written(make_event):
    event = make_event(capacity=1)
    db.session.commit()
    for email in ("first@example.org", "second@example.org", "third@example.org"):
        sign_up(event, email)
    assert [r.status for r in rows(event.id)] == [CONFIRMED, WAITING, WAITING]
    (mail,) = mails_to("third@example.org")
    assert mail.kind == "registration_waiting" and "position" not in mail.render["args"]
    write(mail)
    assert "Your position: 2." in mail.body_text


def test_a_waiting_list_mail_is_not_written_once_its_place_came(make_event):
    event = make_event(capacity=1)
    db.session.commit()
    first = sign_up(event, "first@example.org").registration
    sign_up(event, "second@example.org")
    services.cancel(db.session.get(Registration, first.id))  # "second" gets the place
    db.session.commit()
    waiting_mail = next(m for m in mails_to("second@example.org")
                        if m.kind == "registration_waiting")
    with pytest.raises(CannotWrite, match="no longer on the waiting list"):
        write(waiting_mail)
    assert [m.kind for m in mails_to("second@example.org")][-1] == "registration_promoted"


def test_an_event_changed_since_the_form_was_checked_is_decided_under_the_lock(make_event):
    # The form was checked against the event as kept; meanwhile another process paused the
    # registrations. The statement sees the row no longer says what was checked, writes
    # nothing, and services.register refuses with the reason.
    event = make_event(capacity=5)
    db.session.commit()
    assert event.registration_paused is False  # as kept
    with psycopg.connect(_driver_url(), autocommit=True) as other:
        other.execute("UPDATE events SET registration_paused = true WHERE id = %s", (event.id,))
    assert at_once.register(event, services._new_registration(
        event, name="Ann", email="ann@example.org", needs_step_free=False,
        needs_hearing_loop=False, needs_sign_language=False, needs_other=None, locale="en",
        user=None, consent=True, source=services.RegistrationSource.ONLINE,
        client_address=None)) is None
    with pytest.raises(services.RegistrationClosed) as refused:
        sign_up(event, "ann@example.org")
    assert refused.value.reason == "paused"
    db.session.rollback()
    assert rows(event.id) == []


def test_people_waiting_for_a_place_that_came_free_go_first(make_event):
    event = make_event(capacity=1)
    db.session.commit()
    sign_up(event, "first@example.org")
    sign_up(event, "second@example.org")
    # A place comes free without anyone being promoted (as a capacity raised by hand in the
    # database would): the newcomer must not take it from the person waiting.
    with psycopg.connect(_driver_url(), autocommit=True) as other:
        other.execute("UPDATE events SET capacity = 2 WHERE id = %s", (event.id,))
    db.session.expire_all()
    sign_up(event, "third@example.org")
    assert [(r.email, r.status) for r in rows(event.id)] == [
        ("first@example.org", CONFIRMED), ("second@example.org", CONFIRMED),
        ("third@example.org", WAITING)]


def test_an_address_registered_while_the_statement_waited_is_caught_by_the_database(
    make_event
):
    # Another transaction holds the event's lock and gives the address to a registration,
    # committing half a second later. The statement waits for the lock; the rows it checks the
    # address against are those committed when it began, so the database's unique index
    # refuses the second registration, nothing is written, and services.register mails the
    # manage link again instead.
    event = make_event(capacity=5)
    db.session.commit()
    sign_up(event, "someone@example.org")
    other = psycopg.connect(_driver_url())
    other.execute("SELECT id FROM events WHERE id = %s FOR UPDATE", (event.id,))
    other.execute("UPDATE registrations SET email = 'race@example.org', mailbox = NULL"
                  " WHERE email = 'someone@example.org'")
    committer = threading.Timer(0.5, other.commit)
    committer.start()
    started = time.monotonic()
    try:
        result = sign_up(event, "race@example.org")
    finally:
        committer.join()
        other.close()
    assert time.monotonic() - started >= 0.4
    assert not result.created
    assert [r.email for r in rows(event.id)] == ["race@example.org"]
    assert [m.kind for m in mails_to("race@example.org")] == ["registration_link"]


def test_a_group_an_organisation_or_questions_take_the_lock():
    assert at_once.applies()
    assert at_once.applies(companions=0, companion_names=["", " "], organisation=" ")
    assert not at_once.applies(companions=1)
    assert not at_once.applies(companion_names=["Bo"])
    assert not at_once.applies(organisation="Ghent Youth")
    assert not at_once.applies(answers={1: "yes"})
    assert not at_once.applies(asked=[object()])


def test_someone_added_by_an_organiser_takes_the_lock(make_event, count_queries):
    event = make_event(capacity=3)
    db.session.commit()
    with count_queries() as statements:
        result = services.register_and_commit(
            event, name="Phoned", email="phoned@example.org",
            source=services.RegistrationSource.MANUAL)
    assert result.created and result.registration.source == services.RegistrationSource.MANUAL
    assert sum("FOR UPDATE" in s for s in statements) == 1 and len(statements) > 1


def test_a_sign_up_at_a_given_moment_takes_the_lock_and_keeps_that_moment(make_event):
    event = make_event(capacity=3)
    db.session.commit()
    moment = utcnow().replace(microsecond=0)
    result = sign_up(event, "timed@example.org", now=moment)
    db.session.expire_all()
    assert db.session.get(Registration, result.registration.id).created_at == moment
