"""Mails of the feedback domain: one builder per message."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from participation.events.models import Event
from participation.mail.models import OutboxMessage
from participation.mail.services import public_url, queue_mail
from participation.registrations.models import Registration


def queue_feedback_invitation(registration: Registration, event: Event) -> OutboxMessage:
    """Invite a checked-in participant to give their opinion on the actions the event discussed."""
    actions = [
        {"action": action, "url": public_url("feedback.action_detail", code=action.code)}
        for action in event.actions
    ]
    return queue_mail(
        "feedback_invitation",
        registration.email,
        _l("What did you think? Give your opinion after %(event)s",
           event=event.t("title", registration.locale)),
        registration.locale,
        {"name": registration.name, "event": event, "actions": actions},
    )
