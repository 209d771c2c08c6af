"""Fixtures for the registration tests: quick sign-ups and a check of the event's counters."""

from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from participation.events.models import Event
from participation.extensions import db
from participation.mail.models import OutboxMessage
from participation.mail.services import render_pending
from participation.registrations import services
from participation.registrations.models import Registration, RegistrationStatus

_people = itertools.count(1)


@pytest.fixture
def sign_up(app):
    """Register someone for an event through the service, with a fresh name and address."""

    def sign_up(event: Event, email: str | None = None, **fields) -> services.RegistrationResult:
        n = next(_people)
        fields.setdefault("locale", "en")
        return services.register(
            event,
            name=fields.pop("name", f"Resident {n}"),
            email=email or f"resident{n}@example.org",
            **fields,
        )

    return sign_up


def rows_by_status(event: Event) -> dict[RegistrationStatus, int]:
    """Count the event's registrations per status, straight from the table."""
    rows = db.session.execute(
        sa.select(Registration.status, sa.func.count())
        .where(Registration.event_id == event.id)
        .group_by(Registration.status)
    ).all()
    return {RegistrationStatus(status): count for status, count in rows}


def _assert_counters_match_rows(event: Event) -> None:
    """The event's confirmed and waiting counters equal its rows' places (companions count)."""
    db.session.flush()
    counted = dict(db.session.execute(
        sa.select(Registration.status, sa.func.sum(1 + Registration.companions))
        .where(Registration.event_id == event.id)
        .group_by(Registration.status)
    ).all())
    fresh = db.session.execute(
        sa.select(Event.confirmed_count, Event.waiting_count).where(Event.id == event.id)
    ).one()
    assert fresh.confirmed_count == counted.get(RegistrationStatus.CONFIRMED, 0)
    assert fresh.waiting_count == counted.get(RegistrationStatus.WAITING, 0)


def _mails(kind: str | None = None, recipient: str | None = None) -> list[OutboxMessage]:
    """The outbox, optionally only one kind of mail or one recipient, oldest first.

    Registration mails are queued unwritten: they are written first, as the worker does
    before sending (committing the test's work, as the request would have).
    """
    db.session.commit()
    render_pending()
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    if recipient:
        query = query.where(OutboxMessage.recipient == recipient)
    return list(db.session.scalars(query))


@pytest.fixture
def assert_counters_match_rows(app):
    """Check that the event's confirmed and waiting counters equal its rows."""
    return _assert_counters_match_rows


@pytest.fixture
def outbox(app):
    """List the outbox: ``outbox(kind=..., recipient=...)``."""
    return _mails


@pytest.fixture
def statuses(app):
    """Count an event's registrations per status."""
    return rows_by_status


@pytest.fixture(autouse=True)
def _english(app):
    """Read the service's messages in English (the site's default language is Dutch)."""
    with force_locale("en"):
        yield
