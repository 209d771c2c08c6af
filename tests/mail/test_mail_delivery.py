"""Delivery of the outbox to a real SMTP server on localhost: content, outages, retries, races."""

from __future__ import annotations

import threading
from datetime import timedelta

import icalendar
import pytest
import sqlalchemy as sa
from babel.dates import format_date
from flask import g

from participation.core.i18n import BRUSSELS
from participation.database import utcnow
from participation.events.calendars import event_uid
from participation.extensions import db
from participation.mail.models import OutboxMessage, OutboxStatus
from participation.mail.sender import backoff, deliver_pending
from participation.registrations import services
from participation.registrations.models import Registration


@pytest.fixture
def app_config(smtp_config):
    return smtp_config


def register(client, slug: str, email: str, language: str = "en", name: str = "Ann Peeters"):
    """Register through the site, then let the worker deliver what the request queued."""
    # The tests share one app context, where Flask-Babel caches the language of a request.
    g.pop("_flask_babel", None)
    response = client.post(
        f"/events/{slug}/register",
        data={"name": name, "email": email, "consent": "y"},
        headers={"Accept-Language": language},
    )
    deliver_pending()
    return response


def outbox_rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def parts_by_filename(message) -> dict:
    return {part.get_filename(): part for part in message.walk() if part.get_filename()}


def text_body(message) -> str:
    return message.get_body(("plain",)).get_content()


def html_body(message) -> str:
    return message.get_body(("html",)).get_content()


def test_the_confirmation_arrives_right_after_registering_with_calendar_and_check_in_code(
    client, make_event, smtp_server
):
    start = (utcnow() + timedelta(days=9)).replace(minute=30, second=0, microsecond=0)
    event = make_event(title="Green Deal evening", capacity=5, starts_at=start)
    slug, starts_at, uid = event.slug, event.starts_at, event_uid(event)
    db.session.commit()

    assert register(client, slug, "ann@example.org").status_code == 303

    [mail] = smtp_server.to("ann@example.org")
    assert smtp_server.messages[0]["rcpt_tos"] == ["ann@example.org"]
    assert mail["To"] == "ann@example.org"
    assert mail["Subject"] == "Your place at Green Deal evening is confirmed"
    assert "participatie@stad.gent" in mail["From"]
    registration = db.session.scalars(sa.select(Registration)).one()
    body = text_body(mail)
    assert registration.code in body
    assert f"http://localhost/registrations/{services.manage_token(registration)}" in body

    parts = parts_by_filename(mail)
    calendar = icalendar.Calendar.from_ical(parts[f"{slug}.ics"].get_content())
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == uid
    assert vevent.decoded("DTSTART") == starts_at
    qr = parts[f"check-in-{registration.code}.png"]
    assert qr.get_content_type() == "image/png"
    assert qr.get_content()[:8] == b"\x89PNG\r\n\x1a\n"
    assert qr["Content-ID"] == "<checkin-code>"
    assert 'src="cid:checkin-code"' in html_body(mail)

    [row] = outbox_rows()
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.SENT, 1, None)


def test_each_person_gets_mail_in_the_language_they_registered_in(
    client, make_event, smtp_server
):
    event = make_event(capacity=5)
    slug = event.slug
    day = event.starts_at.astimezone(BRUSSELS).date()
    db.session.commit()

    register(client, slug, "jan@example.org", language="nl")
    register(client, slug, "joe@example.org", language="en")

    [dutch] = smtp_server.to("jan@example.org")
    [english] = smtp_server.to("joe@example.org")
    assert format_date(day, "EEEE d MMMM", locale="nl") in text_body(dutch)
    assert format_date(day, "EEEE", locale="en") in text_body(english)
    assert format_date(day, "MMMM", locale="en") in text_body(english)
    assert '<html lang="nl">' in html_body(dutch)
    assert '<html lang="en">' in html_body(english)


def test_the_waiting_list_mail_tells_the_position_and_promotion_is_mailed(
    client, make_event, smtp_server
):
    event = make_event(title="Climate plan walk", capacity=1)
    slug = event.slug
    db.session.commit()
    register(client, slug, "first@example.org")
    register(client, slug, "second@example.org")

    [waiting] = smtp_server.to("second@example.org")
    assert waiting["Subject"] == "You are on the waiting list for Climate plan walk"
    assert "Your position: 1." in text_body(waiting)

    first = db.session.scalars(
        sa.select(Registration).where(Registration.email == "first@example.org")
    ).one()
    client.post(f"/registrations/{services.manage_token(first)}/cancel")
    deliver_pending()

    [receipt] = smtp_server.to("first@example.org")[1:]
    assert receipt["Subject"] == "Your registration for Climate plan walk is cancelled"
    [promoted] = smtp_server.to("second@example.org")[1:]
    assert promoted["Subject"] == "A place came free: you can come to Climate plan walk"
    assert any(name.endswith(".ics") for name in parts_by_filename(promoted))


def test_during_an_smtp_outage_nothing_is_lost_and_afterwards_every_mail_arrives_once(
    client, make_event, smtp_server
):
    event = make_event(capacity=10)
    slug = event.slug
    db.session.commit()
    smtp_server.stop()

    addresses = [f"person{n}@example.org" for n in range(3)]
    for address in addresses:
        assert register(client, slug, address).status_code == 303

    rows = outbox_rows()
    assert [r.recipient for r in rows] == addresses
    for row in rows:
        assert row.status == OutboxStatus.PENDING
        assert row.attempts == 1
        assert row.last_error  # e.g. "ConnectionRefusedError: [Errno 111] Connection refused"
        assert row.next_attempt_at > utcnow()
    assert smtp_server.messages == []

    smtp_server.start()
    report = deliver_pending(now=utcnow() + timedelta(hours=1))
    assert report.sent == 3
    assert deliver_pending(now=utcnow() + timedelta(days=1)).attempted == 0

    received = [m["rcpt_tos"][0] for m in smtp_server.messages]
    assert sorted(received) == sorted(addresses)
    assert {row.status for row in outbox_rows()} == {OutboxStatus.SENT}


class TestGivingUp:
    @pytest.fixture
    def app_config(self, smtp_config):
        # Retried for three minutes: after the waits of 1 and 2 minutes, the third try is the last.
        return {**smtp_config, "OUTBOX_RETRY_HOURS": 3 / 60}

    def test_failed_delivery_waits_longer_each_time_and_gives_up_after_the_window(
        self, app, smtp_server
    ):
        smtp_server.stop()
        message = OutboxMessage(kind="test", recipient="ann@example.org", subject="Hello",
                                body_text="Hello", body_html=None, attachments=[])
        db.session.add(message)
        db.session.commit()
        now = utcnow()

        assert deliver_pending(now=now).retrying == 1
        assert deliver_pending(now=now).attempted == 0  # not due yet
        db.session.refresh(message)
        assert message.attempts == 1
        assert message.next_attempt_at == now + backoff(1) == now + timedelta(minutes=1)

        later = now + timedelta(minutes=1)
        assert deliver_pending(now=later).retrying == 1
        db.session.refresh(message)
        assert message.next_attempt_at == later + timedelta(minutes=2)

        report = deliver_pending(now=later + timedelta(minutes=2))
        db.session.refresh(message)
        assert report.failed == 1
        assert (message.status, message.attempts) == (OutboxStatus.FAILED, 3)
        assert "Error" in message.last_error
        smtp_server.start()
        assert deliver_pending(now=later + timedelta(days=1)).attempted == 0
        assert smtp_server.messages == []


def test_a_refused_recipient_is_recorded_and_the_other_mails_still_go(app, smtp_server):
    smtp_server.refuse = {"gone@example.org"}
    for address in ("gone@example.org", "here@example.org"):
        db.session.add(OutboxMessage(kind="test", recipient=address, subject="Hi",
                                     body_text="Hi", attachments=[]))
    db.session.commit()

    report = deliver_pending()

    assert (report.sent, report.retrying) == (1, 1)
    refused, sent = outbox_rows()
    assert "550" in refused.last_error and refused.status == OutboxStatus.PENDING
    assert sent.status == OutboxStatus.SENT
    assert [m["rcpt_tos"] for m in smtp_server.messages] == [["here@example.org"]]


def test_two_senders_running_at_once_never_send_a_mail_twice(app, smtp_server):
    for n in range(40):
        db.session.add(OutboxMessage(kind="test", recipient=f"p{n}@example.org",
                                     subject=f"Mail {n}", body_text="Hi", attachments=[]))
    db.session.commit()
    db.session.remove()
    barrier = threading.Barrier(4)
    reports, errors = [], []

    def sender():
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                reports.append(deliver_pending(limit=100))
                db.session.remove()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(r.sent for r in reports) == 40
    subjects = [m["message"]["Subject"] for m in smtp_server.messages]
    assert sorted(subjects) == sorted(f"Mail {n}" for n in range(40))
    assert {row.status for row in outbox_rows()} == {OutboxStatus.SENT}


def test_the_outbox_send_command_delivers_what_is_due(app, runner, smtp_server):
    db.session.add(OutboxMessage(kind="test", recipient="cli@example.org", subject="Hi",
                                 body_text="Hi", attachments=[]))
    db.session.commit()
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "1 sent" in result.output
    assert len(smtp_server.to("cli@example.org")) == 1


def test_the_reminders_command_mails_tomorrows_registrants_once(
    app, runner, make_event, smtp_server
):
    event = make_event(title="Youth Capital debate", starts_at=utcnow() + timedelta(hours=20))
    registration = services.register(event, name="Lien", email="lien@example.org", locale="en")
    db.session.commit()
    deliver_pending()  # the confirmation

    first = runner.invoke(args=["reminders", "send"])
    second = runner.invoke(args=["reminders", "send"])
    deliver_pending()

    assert first.exit_code == 0, first.output
    assert "1 reminder(s) queued" in first.output
    assert "0 reminder(s) queued" in second.output
    subjects = [m["Subject"] for m in smtp_server.to("lien@example.org")]
    assert subjects == [
        "Your place at Youth Capital debate is confirmed",
        "Reminder: Youth Capital debate",
    ]
    reminder = smtp_server.to("lien@example.org")[1]
    assert services.manage_token(registration.registration) in text_body(reminder)


def test_mails_with_long_lines_are_delivered_whole(client, make_event, smtp_server):
    """Add-to-calendar links carry the event's summary: a line can pass the 998 octets SMTP
    allows (RFC 5321 4.5.3.1.6), so such a body goes out quoted-printable."""
    event = make_event(summary="Een lange samenvatting met ë en é, " * 14)
    db.session.commit()
    register(client, event.slug, "long.lines@example.org")
    assert [row.status for row in outbox_rows()] == [OutboxStatus.SENT]
    (message,) = smtp_server.to("long.lines@example.org")
    html = html_body(message)
    assert max(len(line.encode()) for line in html.splitlines()) > 998  # arrived whole
    google = next(line for line in text_body(message).splitlines()
                  if "calendar.google.com" in line)
    assert google.endswith("&ctz=Europe%2FBrussels")
