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


def queue_closing_report_reminder(user, event: Event) -> OutboxMessage:
    """Remind an organiser of a past event to write what came of it (its closing report)."""
    return queue_mail(
        "closing_report_reminder",
        user.email,
        _l("What came of %(event)s? Write the closing report", event=event.t("title", user.locale)),
        user.locale,
        {"name": user.name, "event": event,
         "url": public_url("closing_reports.write", slug=event.slug),
         "event_url": public_url("events.event_detail", slug=event.slug)},
    )
