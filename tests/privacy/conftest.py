"""Fixtures of the privacy tests: a resident with a history on the platform."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from participation.accounts.models import Role
from participation.audit.services import record
from participation.database import utcnow
from participation.extensions import db
from participation.feedback.models import OpinionReport
from participation.mail.models import OutboxMessage, OutboxStatus
from participation.registrations import services as registrations
from participation.registrations.models import Registration

PASSWORD = "correct horse battery staple"


@dataclass
class History:
    user: object
    future: Registration
    past: Registration
    waiting: Registration
    opinion: object
    report: OpinionReport


def ended_event(make_event, days_ago: int, **fields):
    """An event that ended ``days_ago`` days ago."""
    ends = utcnow() - timedelta(days=days_ago)
    return make_event(starts_at=ends - timedelta(hours=2), ends_at=ends, **fields)


@pytest.fixture
def history(app, make_user, make_event, make_action, make_opinion,
            make_registration) -> History:
    """Rita: one place at a full upcoming event (Walt waits behind her), one past event,
    an opinion, a report about someone else's opinion, and a role granted by an admin."""
    rita = make_user(email="rita@example.org", name="Rita Resident", password=PASSWORD,
                     postcode="9000")
    admin = make_user(roles=(Role.ADMIN,))
    action = make_action()
    full = make_event(capacity=1, title="Full evening")
    past = ended_event(make_event, 3, title="Last week")
    db.session.commit()
    future_registration = registrations.register(full, name="Rita Resident",
                                                 email="rita@example.org", user=rita,
                                                 needs_other="Vegan").registration
    waiting = registrations.register(full, name="Walt Waiting",
                                     email="walt@example.org").registration
    past_registration = make_registration(
        past, user=rita, name="Rita Resident", email="rita@example.org",
        needs_step_free=True, needs_other="Wheelchair", checked_in=True, code="RITA01",
    )
    opinion = make_opinion(action, user=rita, body="Rita thinks this is good", show_name=True,
                           postcode="9000")
    other = make_opinion(action, body="Someone else")
    report = OpinionReport(opinion=other, reporter_id=rita.id, reason="Rita reports this")
    db.session.add(report)
    record(admin, "role.grant", rita, role="staff", email="rita@example.org")
    db.session.add(OutboxMessage(kind="old", recipient="rita@example.org", subject="Old",
                                 body_text="Hello Rita", status=OutboxStatus.SENT,
                                 sent_at=utcnow() - timedelta(days=2)))
    db.session.commit()
    return History(rita, future_registration, past_registration, waiting, opinion, report)
