"""Registration mails are queued unwritten under the event's lock and written by the worker.

Writing a mail (two templates, a calendar file, a QR code) inside ``register()`` made every
other registration for the event wait for it; now the locked transaction only inserts a
recipe, and ``render_pending`` (run by the worker before sending) writes it.
"""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
import sqlalchemy as sa
from flask import g

from participation.database import utcnow
from participation.extensions import db
from participation.mail import services as mail_services
from participation.mail.models import OutboxMessage, OutboxStatus
from participation.mail.sender import deliver_pending
from participation.registrations import services
from participation.registrations.models import Registration


@pytest.fixture
def app_config(smtp_config):
    return smtp_config


def rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def parts_by_filename(message) -> dict:
    return {part.get_filename(): part for part in message.walk() if part.get_filename()}


def test_register_queues_a_recipe_and_writes_nothing_under_the_lock(
    make_event, templates_rendered
):
    event = make_event(capacity=1)
    first = services.register(event, name="Ann", email="ann@example.org", locale="nl")
    second = services.register(event, name="Bob", email="bob@example.org", locale="en")

    assert templates_rendered == []
    confirmed, waiting = rows()
    # Queued in the registration's own flush: named by the event and the check-in code.
    assert confirmed.render == {"builder": "registration", "event_id": event.id,
                                "code": first.registration.code, "args": {}}
    assert waiting.render == {"builder": "registration", "event_id": event.id,
                              "code": second.registration.code, "args": {"position": 1}}
    for row in (confirmed, waiting):
        assert (row.subject, row.body_text, row.body_html, row.attachments) == (
            None, None, None, [])
        assert row.status == OutboxStatus.PENDING and not row.written
    assert (confirmed.kind, confirmed.recipient) == ("registration_confirmed", "ann@example.org")
    assert (waiting.kind, waiting.recipient) == ("registration_waiting", "bob@example.org")


def test_the_worker_writes_the_mail_in_the_registrants_language_and_delivers_it(
    client, make_event, smtp_server
):
    event = make_event(title_nl="Klimaatavond", title_en="Climate evening", summary="S",
                       capacity=5)
    slug, starts_at = event.slug, event.starts_at
    db.session.commit()
    g.pop("_flask_babel", None)
    response = client.post(f"/events/{slug}/register",
                           data={"name": "Jan", "email": "jan@example.org", "consent": "y"},
                           headers={"Accept-Language": "nl"})
    assert response.status_code == 303
    [row] = rows()
    assert row.subject is None and row.render is not None

    report = deliver_pending()

    assert (report.written, report.sent, report.not_written) == (1, 1, 0)
    [mail] = smtp_server.to("jan@example.org")
    registration = db.session.scalars(sa.select(Registration)).one()
    assert mail["Subject"] == "Je plaats voor Klimaatavond is bevestigd"
    assert '<html lang="nl">' in mail.get_body(("html",)).get_content()
    assert registration.code in mail.get_body(("plain",)).get_content()
    parts = parts_by_filename(mail)
    [vevent] = icalendar.Calendar.from_ical(parts[f"{slug}.ics"].get_content()).walk("VEVENT")
    assert vevent.decoded("DTSTART") == starts_at.replace(microsecond=0)
    assert str(vevent["SUMMARY"]) == "Klimaatavond"
    qr = parts[f"check-in-{registration.code}.png"]
    assert qr.get_content()[:8] == b"\x89PNG\r\n\x1a\n"
    assert qr["Content-ID"] == "<checkin-code>"
    [row] = rows()
    assert (row.status, row.render, row.attempts) == (OutboxStatus.SENT, None, 1)
    assert row.subject == mail["Subject"] and row.body_text


def test_a_registration_erased_before_its_mail_is_written_fails_that_mail_and_only_that_one(
    make_event, smtp_server
):
    event = make_event(capacity=5)
    gone = services.register(event, name="Ann", email="ann@example.org").registration
    services.register(event, name="Bob", email="bob@example.org")
    db.session.commit()
    gone_id, gone_code = gone.id, gone.code
    db.session.execute(sa.delete(Registration).where(Registration.id == gone_id))
    db.session.commit()

    report = deliver_pending()

    assert (report.written, report.sent, report.failed, report.not_written) == (1, 1, 1, 1)
    assert smtp_server.to("ann@example.org") == []
    assert len(smtp_server.to("bob@example.org")) == 1
    failed, sent = rows()
    assert failed.status == OutboxStatus.FAILED
    assert failed.last_error == (
        f"Not written: registration {gone_code} at event {event.id} no longer exists (erased)")
    assert failed.subject is None
    assert (failed.render["event_id"], failed.render["code"]) == (event.id, gone_code)
    assert sent.status == OutboxStatus.SENT

    # Not retried: later runs leave it alone.
    later = deliver_pending(now=utcnow() + timedelta(days=2))
    assert later.attempted == 0
    assert rows()[0].status == OutboxStatus.FAILED


def test_a_writer_error_is_retried_later_and_does_not_stop_the_others(
    make_event, monkeypatch
):
    event = make_event(capacity=5)
    services.register(event, name="Ann", email="ann@example.org")
    db.session.commit()
    writer = mail_services.WRITERS["registration"]

    def broken(message):
        raise RuntimeError("template missing")

    monkeypatch.setitem(mail_services.WRITERS, "registration", broken)
    report = mail_services.render_pending()
    assert (report.written, report.retrying) == (0, 1)
    [row] = rows()
    assert row.status == OutboxStatus.PENDING and row.attempts == 1
    assert row.last_error == "Not written: RuntimeError: template missing"
    assert row.next_attempt_at > utcnow()

    monkeypatch.setitem(mail_services.WRITERS, "registration", writer)
    assert mail_services.render_pending().written == 0  # waits for its backoff
    assert mail_services.render_pending(now=utcnow() + timedelta(hours=1)).written == 1
    [row] = rows()
    assert row.written and row.subject and row.body_text


@pytest.mark.parametrize("fields", [
    {},
    {"subject": "Hi"},
    {"body_text": "Hello"},
])
def test_the_database_refuses_a_mail_neither_written_nor_with_a_recipe(app, fields):
    db.session.add(OutboxMessage(kind="test", recipient="ann@example.org", **fields))
    with pytest.raises(sa.exc.IntegrityError, match="written_or_recipe|CHECK"):
        db.session.flush()
    db.session.rollback()


def test_the_written_mail_clears_its_recipe_so_the_row_holds_no_link_to_the_registration(
    make_event,
):
    event = make_event()
    services.register(event, name="Ann", email="ann@example.org")
    db.session.commit()
    mail_services.render_pending()
    [row] = rows()
    assert row.render is None
    # A written mail may not lose its text again.
    row.subject = None
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_outbox_status_counts_the_mails_not_yet_written(make_event, runner):
    services.register(make_event(), name="Ann", email="ann@example.org")
    db.session.commit()
    out = runner.invoke(args=["outbox", "status"]).output
    assert "1 pending" in out and "1 pending mail(s) not yet written" in out


def test_writing_does_not_wait_for_the_events_lock(app, make_event):
    """On PostgreSQL the worker writes while another transaction holds the event's row."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks: PostgreSQL only (SQLite serialises every writer)")
    event = make_event()
    services.register(event, name="Ann", email="ann@example.org")
    db.session.commit()
    with db.engine.connect() as other:
        other.execute(sa.text("SELECT id FROM events WHERE id = :id FOR UPDATE"),
                      {"id": event.id})
        # Fails after 2 s instead of hanging if writing ever waits for the event's row.
        db.session.execute(sa.text("SET LOCAL lock_timeout = '2s'"))
        assert mail_services.render_pending().written == 1
        other.rollback()


def test_a_mail_is_never_written_for_someone_else_who_got_the_erased_registrations_code(
    make_event, smtp_server, monkeypatch
):
    """A mail names its registration by event and check-in code; once the registration is
    erased the code is free again, and a registration of another person under it is not the
    one the mail was for (it would carry their manage link)."""
    event = make_event(capacity=5)
    gone = services.register(event, name="Ann", email="ann@example.org").registration
    db.session.commit()
    gone_code = gone.code
    db.session.execute(sa.delete(Registration).where(Registration.id == gone.id))
    monkeypatch.setattr(services, "_draw_code", lambda: gone_code)  # the code drawn again
    other = services.register(event, name="Cid", email="cid@example.org").registration
    assert other.code == gone_code
    db.session.commit()

    report = deliver_pending()

    assert (report.sent, report.failed) == (1, 1)
    assert smtp_server.to("ann@example.org") == []
    [mail] = smtp_server.to("cid@example.org")
    assert gone_code in mail.get_body(("plain",)).get_content()
