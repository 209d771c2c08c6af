"""After an event, checked-in participants are invited once to give their opinion."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from participation.database import utcnow
from participation.extensions import db
from participation.feedback.services import send_feedback_invitations
from participation.mail.models import OutboxMessage
from participation.registrations.models import RegistrationStatus


def outbox() -> list[OutboxMessage]:
    """The invitations in the outbox (registering queued its own mails before)."""
    return list(db.session.scalars(sa.select(OutboxMessage)
                                   .where(OutboxMessage.kind == "feedback_invitation")
                                   .order_by(OutboxMessage.id)))


def test_checked_in_participants_get_one_invitation_listing_the_actions(
    make_event, make_action, add_registration
):
    action = make_action(code="YC01", title_nl="Jeugdhoofdstad", title_en="Youth capital")
    event = make_event(title="Youth evening", actions=[action], capacity=3,
                       starts_at=utcnow() - timedelta(hours=5))
    add_registration(event, email="came@example.org", checked_in=True, locale="en")
    add_registration(event, email="dutch@example.org", checked_in=True, locale="nl")
    add_registration(event, email="stayed.home@example.org")
    add_registration(event, email="waiting@example.org", status=RegistrationStatus.WAITING)
    assert send_feedback_invitations() == 2
    mails = outbox()
    assert [m.recipient for m in mails] == ["came@example.org", "dutch@example.org"]
    assert all(m.kind == "feedback_invitation" for m in mails)
    assert "Youth capital" in mails[0].body_text
    assert "http://localhost/actions/YC01" in mails[0].body_text
    assert "Jeugdhoofdstad" in mails[1].body_text
    assert event.feedback_invites_sent_at is not None
    assert send_feedback_invitations() == 0
    assert len(outbox()) == 2


def test_events_that_have_not_ended_get_no_invitations(make_event, make_action, add_registration):
    event = make_event(actions=[make_action()], starts_at=utcnow() - timedelta(hours=1),
                       ends_at=utcnow() + timedelta(hours=1))
    add_registration(event, checked_in=True)
    assert send_feedback_invitations() == 0
    assert event.feedback_invites_sent_at is None
    later = utcnow() + timedelta(hours=2)
    assert send_feedback_invitations(now=later) == 1


def test_the_cli_command_sends_the_invitations(runner, make_event, make_action, add_registration):
    event = make_event(actions=[make_action()], starts_at=utcnow() - timedelta(days=1))
    add_registration(event, checked_in=True)
    db.session.commit()
    result = runner.invoke(args=["feedback", "invite"])
    assert result.exit_code == 0, result.output
    assert "1 invitation(s) queued." in result.output
    assert len(outbox()) == 1
    again = runner.invoke(args=["feedback", "invite"])
    assert "0 invitation(s) queued." in again.output
