"""Organisers' messages to every confirmed or every waiting registrant of an event."""

from __future__ import annotations

import enum
from dataclasses import dataclass

import sqlalchemy as sa
from flask import render_template
from flask_babel import lazy_gettext as _l

from participation.audit.services import record
from participation.core.errors import DomainError
from participation.core.text import is_single_line
from participation.events.models import Event
from participation.extensions import db
from participation.localized import Text, pick
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


def _check_one(subject: str | None, body: str | None, suffix: str) -> tuple[str, str]:
    subject, body = (subject or "").strip(), (body or "").strip()
    if body and not subject:
        raise MessageError(_l("Enter a subject."), field=f"subject{suffix}")
    if subject and not body:
        raise MessageError(_l("Enter the message."), field=f"body{suffix}")
    if subject and not is_single_line(subject):
        raise MessageError(_l("Write the subject on one line, without special control "
                              "characters."), field=f"subject{suffix}")
    if len(subject) > SUBJECT_MAX:
        raise MessageError(_l("The subject can be at most %(max)d characters long.",
                              max=SUBJECT_MAX), field=f"subject{suffix}")
    if len(body) > BODY_MAX:
        raise MessageError(_l("The message can be at most %(max)d characters long.",
                              max=BODY_MAX), field=f"body{suffix}")
    return subject, body


@dataclass(frozen=True)
class OrganiserMessage:
    """What the organisers wrote, in Dutch, English or both."""

    subject_nl: str
    body_nl: str
    subject_en: str = ""
    body_en: str = ""

    def for_reader(self, language: str | None) -> tuple[Text, Text]:
        """Return (subject, body) in the reader's language, else in the other one."""
        return (pick(self.subject_nl, self.subject_en, language),
                pick(self.body_nl, self.body_en, language))


def _check(subject: str | None, body: str | None, subject_en: str | None = None,
           body_en: str | None = None) -> OrganiserMessage:
    subject_nl, body_nl = _check_one(subject, body, "")
    subject_en, body_en = _check_one(subject_en, body_en, "_en")
    if not (subject_nl or subject_en):
        raise MessageError(_l("Enter a subject and a message, in Dutch, English or both."),
                           field="subject")
    return OrganiserMessage(subject_nl, body_nl, subject_en, body_en)


def _context(event: Event, message: OrganiserMessage, language: str | None,
             name: str | None) -> dict:
    subject, body = message.for_reader(language)
    return {
        "event": event,
        "message_subject": subject,
        "message_body": body,
        "recipient_name": name,
        "event_url": public_url("events.event_detail", slug=event.slug),
    }


def preview_organiser_message(event: Event, subject: str, body: str, *,
                              subject_en: str | None = None,
                              body_en: str | None = None) -> dict:
    """Render the message as a registrant reading the current language would: subject, text
    and HTML."""
    message = _check(subject, body, subject_en, body_en)
    context = _context(event, message, None, None)
    subject_text = context["message_subject"].value
    return {
        "subject": subject_text,
        "text": render_template("mail/organiser_message.txt", **context),
        "html": render_template("mail/organiser_message.html", subject=subject_text, **context),
    }


def send_organiser_message(
    event: Event, group: MessageGroup, subject: str, body: str, *, by,
    subject_en: str | None = None, body_en: str | None = None,
) -> int:
    """Queue the message for every registrant in the group; return how many get it.

    ``subject`` and ``body`` are the Dutch text, ``subject_en`` and ``body_en`` the English
    one; either may be empty. Each registrant gets their language, or else the other.
    """
    message = _check(subject, body, subject_en, body_en)
    people = recipients(event, group)
    for registration in people:
        context = _context(event, message, registration.locale, registration.name)
        queue_mail(
            "organiser_message",
            registration.email,
            context["message_subject"].value,
            registration.locale,
            context,
        )
    record(by, "registrations.message", event, group=group.value, recipients=len(people),
           subject=message.subject_nl or message.subject_en)
    return len(people)
