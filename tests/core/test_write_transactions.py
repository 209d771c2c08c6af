"""begin_write never commits the caller's work: a service that raises leaves nothing behind."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from participation.accounts.models import Role
from participation.database import UnsavedWritesError, begin_write
from participation.events import services_manage
from participation.events.models import Event
from participation.events.services_manage import EventDetails, EventError
from participation.extensions import db
from participation.registrations import services as registrations


def title_in_database(event_id: int) -> str:
    db.session.rollback()
    with db.engine.connect() as conn:
        return conn.execute(sa.select(Event.title_nl).where(Event.id == event_id)).scalar_one()


def test_an_event_update_that_fails_on_capacity_leaves_the_old_title(make_event, make_user):
    organiser = make_user(roles=(Role.ORGANISER,))
    event = make_event(title="Old title", capacity=2, organisers=[organiser])
    for n in range(2):
        registrations.register(event, name=f"P{n}", email=f"p{n}@example.org")
    db.session.commit()
    event_id = event.id
    details = EventDetails(
        title_nl="New title", summary_nl=event.summary, topic_id=event.topic_id,
        starts_at=event.starts_at, ends_at=event.ends_at, venue_name=event.venue_name,
        capacity=1, organiser_emails=[organiser.email],
    )

    with pytest.raises(EventError) as raised:
        services_manage.update_event(event, details, by=organiser)
    assert raised.value.field == "capacity"  # two people are already confirmed
    db.session.rollback()  # what every view and command does with a failed service

    assert title_in_database(event_id) == "Old title"


def test_begin_write_refuses_unsaved_changes_instead_of_committing_them(make_event):
    event = make_event(title="Old title")
    db.session.commit()
    event_id = event.id

    event.title_nl = "Changed before the write began"
    with pytest.raises(UnsavedWritesError):
        begin_write(db.session())
    db.session.rollback()

    assert title_in_database(event_id) == "Old title"


def test_begin_write_goes_on_in_a_transaction_that_already_wrote_without_committing(
    make_event
):
    event = make_event(title="Flushed")  # flushed, not committed
    event_id = event.id
    begin_write(db.session())
    event.title_nl = "Changed after"
    db.session.flush()
    db.session.rollback()

    assert db.session.get(Event, event_id) is None
