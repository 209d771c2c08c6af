"""`flask privacy purge` removes registrants' personal data after the retention period."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from participation.audit.models import AuditEntry
from participation.database import utcnow
from participation.extensions import db
from participation.mail.models import OutboxMessage, OutboxStatus
from participation.privacy import services
from participation.registrations import services as registrations
from participation.registrations.models import Registration, RegistrationStatus

from .conftest import ended_event


@pytest.fixture
def register(make_registration):
    """Register a person with a free-text need and a hearing-loop need, through the service."""

    def register(event, name, **fields):
        return make_registration(event, name=name, email=f"{name.lower()}@example.org",
                                 needs_other="Vegetarian", needs_hearing_loop=True, **fields)

    return register


def _mail(status, days_ago, **fields):
    at = utcnow() - timedelta(days=days_ago)
    message = OutboxMessage(kind="k", recipient="x@example.org", subject="s", body_text="b",
                            status=status, created_at=at, **fields)
    db.session.add(message)
    return message


def test_purging_strips_old_registrations_and_keeps_the_counts(app, make_event, register):
    old = ended_event(make_event, 40)
    recent = ended_event(make_event, 10)
    upcoming = make_event()
    kept_old = register(old, "Alice", checked_in=True)
    cancelled_old = register(old, "Bob", status=RegistrationStatus.CANCELLED)
    kept_recent = register(recent, "Carol")
    db.session.commit()
    registrations.register(upcoming, name="Dan", email="dan@example.org")
    db.session.commit()

    result = services.purge_personal_data(30)
    db.session.commit()
    assert result.registrations == 2
    for registration in (kept_old, cancelled_old):
        db.session.refresh(registration)
        assert (registration.name, registration.email, registration.needs_other) == (
            None, None, None)
        assert registration.purged_at is not None
        assert registration.needs_hearing_loop is True
    assert kept_old.status == RegistrationStatus.CONFIRMED and kept_old.checked_in_at
    assert db.session.get(type(old), old.id).confirmed_count == 1
    db.session.refresh(kept_recent)
    assert kept_recent.email == "carol@example.org" and kept_recent.purged_at is None
    assert db.session.scalar(sa.select(Registration.email).where(
        Registration.event_id == upcoming.id)) == "dan@example.org"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "privacy.purge"))
    assert entry.details == {"days": 30, "registrations": 2, "mails": 0}
    # Running again finds nothing new.
    assert services.purge_personal_data(30).registrations == 0


def test_purging_deletes_old_copies_of_sent_and_failed_mails_only(app):
    old_sent = _mail(OutboxStatus.SENT, 40, sent_at=utcnow() - timedelta(days=40))
    new_sent = _mail(OutboxStatus.SENT, 5, sent_at=utcnow() - timedelta(days=5))
    old_failed = _mail(OutboxStatus.FAILED, 40)
    old_pending = _mail(OutboxStatus.PENDING, 40)
    db.session.commit()
    ids = {m.id for m in (old_sent, new_sent, old_failed, old_pending)}
    result = services.purge_personal_data(30)
    db.session.commit()
    assert result.mails == 2
    left = set(db.session.scalars(sa.select(OutboxMessage.id).where(OutboxMessage.id.in_(ids))))
    assert left == {new_sent.id, old_pending.id}


def test_the_command_uses_the_configured_retention_and_accepts_days(app, runner, make_event,
                                                                   register):
    event = ended_event(make_event, 10)
    registration = register(event, "Erin")
    db.session.commit()
    output = runner.invoke(args=["privacy", "purge"])
    assert output.exit_code == 0, output.output
    assert "0 registration(s)" in output.output and "30 day(s)" in output.output
    output = runner.invoke(args=["privacy", "purge", "--days", "7"])
    assert output.exit_code == 0, output.output
    assert "1 registration(s)" in output.output
    db.session.refresh(registration)
    assert registration.email is None
    assert runner.invoke(args=["privacy", "purge", "--days", "-1"]).exit_code != 0


def test_the_manage_link_of_a_purged_registration_stops_working(client, app, make_event,
                                                               register):
    event = ended_event(make_event, 40)
    registration = register(event, "Fay")
    db.session.commit()
    services.purge_personal_data(30)
    db.session.commit()
    page = client.get(f"/registrations/{registrations.manage_token(registration)}")
    assert page.status_code == 404
    assert "Fay" not in page.get_data(as_text=True)


def test_the_privacy_notice_states_the_retention_period(client):
    page = client.get("/privacy", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Removed 30 days after the event" in page
