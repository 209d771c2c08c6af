"""Organisers' messages to every confirmed or every waiting registrant of an event."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from flask import render_template
from flask_babel import lazy_gettext as _l

from participation.audit.services import record
from participation.core.errors import DomainError
from participation.core.text import is_single_line
from participation.events.models import Event
from participation.extensions import db
from participation.mail.services import public_url, queue_mail
from participation.registrations.models import Registration, RegistrationStatus

SUBJECT_MAX = 200
BODY_MAX = 10_000


class MessageGroup(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"


class MessageError(DomainError):
    """The message cannot be sent as written; ``field`` names the form field."""


def recipients(event: Event, group: MessageGroup) -> list[Registration]:
    """Return the registrations with an e-mail address in the group, in order of arrival."""
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.status == RegistrationStatus(group.value),
                Registration.email.is_not(None),
            )
            .order_by(Registration.id)
        )
    )


def _check(subject: str, body: str) -> tuple[str, str]:
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject:
        raise MessageError(_l("Enter a subject."), field="subject")
    if not is_single_line(subject):
        raise MessageError(_l("Write the subject on one line, without special control "
                              "characters."), field="subject")
    if len(subject) > SUBJECT_MAX:
        raise MessageError(_l("The subject can be at most %(max)d characters long.",
                                         max=SUBJECT_MAX), field="subject")
    if not body:
        raise MessageError(_l("Enter the message."), field="body")
    if len(body) > BODY_MAX:
        raise MessageError(_l("The message can be at most %(max)d characters long.",
                                      max=BODY_MAX), field="body")
    return subject, body


def _context(event: Event, subject: str, body: str, name: str | None) -> dict:
    return {
        "event": event,
        "message_subject": subject,
        "message_body": body,
        "recipient_name": name,
        "event_url": public_url("events.event_detail", slug=event.slug),
    }


def preview_organiser_message(event: Event, subject: str, body: str) -> dict:
    """Render the message as the first registrant would read it: subject, text and HTML."""
    subject, body = _check(subject, body)
    context = _context(event, subject, body, None)
    return {
        "subject": subject,
        "text": render_template("mail/organiser_message.txt", **context),
        "html": render_template("mail/organiser_message.html", subject=subject, **context),
    }


def send_organiser_message(
    event: Event, group: MessageGroup, subject: str, body: str, *, by
) -> int:
    """Queue the message for every registrant in the group; return how many get it."""
    subject, body = _check(subject, body)
    people = recipients(event, group)
    for registration in people:
        queue_mail(
            "organiser_message",
            registration.email,
            subject,
            registration.locale,
            _context(event, subject, body, registration.name),
        )
    record(by, "registrations.message", event, group=group.value, recipients=len(people),
           subject=subject)
    return len(people)
