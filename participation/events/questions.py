"""Residents' questions to the organisers of an event, mailed through the outbox."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from participation.core.errors import DomainError
from participation.events.models import Event, EventStatus
from participation.mail.services import public_url, queue_mail


class QuestionError(DomainError):
    """The question cannot be sent; ``field`` names the form field it concerns."""


def question_recipients(event: Event) -> list[tuple[str, str]]:
    """Return (address, language) of everyone who answers questions: organisers and contact."""
    found: dict[str, str] = {}
    for organiser in event.organisers:
        if organiser.active:
            found.setdefault(organiser.email.lower(), organiser.locale or "nl")
    if event.contact_email:
        found.setdefault(event.contact_email.lower(), "nl")
    return sorted(found.items())


def ask_organisers(event: Event, name: str, email: str, question: str, locale: str) -> int:
    """Mail a question to the event's organisers (Reply-To: the asker); return the mails."""
    if event.status != EventStatus.PUBLISHED:
        raise QuestionError(_l("This event no longer takes questions."))
    if any(c in email for c in "\r\n,;<>") or "@" not in email:
        # The address becomes the Reply-To header: nothing that could add a header or a person.
        raise QuestionError(_l("Enter an e-mail address like name@example.org."), field="email")
    recipients = question_recipients(event)
    if not recipients:
        raise QuestionError(_l("This event has no organiser to mail; try the city's "
                                     "general contact instead."))
    text = question.replace("\r\n", "\n").strip()
    context = {
        "event": event, "name": name.strip(), "email": email.strip(), "question": text,
        "asker_language": locale,
        "event_url": public_url("events.event_detail", slug=event.slug),
    }
    for address, language in recipients:
        queue_mail(
            "organiser_question", address,
            _l("Question about %(title)s from %(name)s", title=event.title, name=name.strip()),
            language, context, headers={"Reply-To": email.strip()},
        )
    return len(recipients)
