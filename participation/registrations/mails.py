"""One builder per mail about a registration; each adds the mail to the outbox, unwritten.

Every mail carries the registration's manage link; mails that give a place also carry the
event as an ``.ics`` file, the check-in code and its QR code.

The builders run under the event's row lock (registering, cancelling, promoting), which every
other registration for the event waits for. So they only insert the outbox row with a recipe
(``{"builder": "registration", "registration_id": ..., "args": {...}}``); the worker writes
the mail (``write_mail`` below: templates, calendar file, QR code) in its own transaction, in
the registrant's language, from the registration as it then is. A registration erased
before that leaves nothing to write: the mail is given up on (``CannotWrite``).
"""

from __future__ import annotations

import io

import segno
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from participation.events.calendars import add_to_calendar_links, event_calendar
from participation.extensions import db
from participation.mail.models import OutboxMessage
from participation.mail.services import (
    WRITERS,
    Attachment,
    CannotWrite,
    MailDraft,
    public_url,
    queue_unwritten,
    unwritten,
)
from participation.registrations.links import manage_url
from participation.registrations.models import Registration

QR_CONTENT_ID = "checkin-code"
#: The recipe's ``builder``: ``write_mail`` below.
BUILDER = "registration"

#: Each mail's subject, by kind (the template's name), from the event's title.
SUBJECTS = {
    "registration_confirmed": lambda title: _l("Your place at %(title)s is confirmed",
                                               title=title),
    "registration_waiting": lambda title: _l("You are on the waiting list for %(title)s",
                                             title=title),
    "registration_promoted": lambda title: _l("A place came free: you can come to %(title)s",
                                              title=title),
    "registration_group_changed": lambda title: _l(
        "Your registration for %(title)s has changed", title=title),
    "registration_cancelled": lambda title: _l("Your registration for %(title)s is cancelled",
                                               title=title),
    "registration_event_cancelled": lambda title: _l("Cancelled: %(title)s", title=title),
    "registration_reminder": lambda title: _l("Reminder: %(title)s", title=title),
    "registration_released": lambda title: _l(
        "Your registration for %(title)s was not confirmed", title=title),
    "registration_link": lambda title: _l("You are already registered for %(title)s",
                                          title=title),
}
#: The mails that give a place: they carry the calendar file and the check-in code.
GIVES_PLACE = frozenset({"registration_confirmed", "registration_promoted",
                         "registration_reminder"})


def _context(registration: Registration, **extra) -> dict:
    event = registration.event
    event_url = public_url("events.event_detail", slug=event.slug)
    return {
        "registration": registration,
        "event": event,
        "manage_url": manage_url(registration),
        "event_url": event_url,
        "calendar_links": add_to_calendar_links(
            event, event_url, public_url("events.event_ics", slug=event.slug)
        ),
        **extra,
    }


def calendar_attachment(registration: Registration) -> Attachment:
    """The event as a calendar file, for the mails that give a place."""
    event = registration.event
    url = public_url("events.event_detail", slug=event.slug)
    # Only mails that give a place carry it, so the online link may go in.
    return Attachment(f"{event.slug}.ics", "text/calendar",
                      event_calendar(event, url, reader=registration.locale,
                                     with_online_link=True))


def qr_code_png(code: str) -> bytes:
    """Draw the check-in code as a QR code image (PNG)."""
    buffer = io.BytesIO()
    segno.make(code, error="m").save(buffer, kind="png", scale=8, border=2)
    return buffer.getvalue()


def _place_attachments(registration: Registration) -> list[Attachment]:
    return [
        calendar_attachment(registration),
        Attachment(
            f"check-in-{registration.code}.png",
            "image/png",
            qr_code_png(registration.code),
            content_id=QR_CONTENT_ID,
        ),
    ]


def _title(registration: Registration) -> str:
    """The event's title in the registrant's language (or else the other one)."""
    return registration.event.t("title", registration.locale)


def _named(registration: Registration) -> dict:
    """How a mail's recipe names its registration: by id, or by its event and check-in code
    (unique at the event) while it is not yet in the database, so that it and its mail can be
    written together."""
    if registration.id is None:
        return {"event_id": registration.event_id, "code": registration.code}
    return {"registration_id": registration.id}


def _send(kind: str, registration: Registration, **args) -> OutboxMessage:
    """Queue the mail unwritten; ``args`` (JSON) go to its template when it is written."""
    return queue_unwritten(kind, registration.email, BUILDER, **_named(registration), args=args)


def first_mail(registration: Registration, position: int | None) -> OutboxMessage:
    """A new registration's mail (its place, or its ``position`` in line), not yet added:
    ``services.register`` writes it with the registration, in one statement
    (``registrations.at_once`` sets its kind by the place it decides)."""
    kind, args = (("registration_confirmed", {}) if position is None
                  else ("registration_waiting", {"position": position}))
    return unwritten(kind, registration.email, BUILDER, **_named(registration), args=args)


def _registration_of(message: OutboxMessage) -> Registration:
    """The registration a queued mail is about.

    :raises CannotWrite: it was erased (named by event and code: the code is free again once
        it is gone, so a registration with another address under it is not this one).
    """
    recipe = message.render
    if "registration_id" in recipe:
        registration = db.session.get(Registration, recipe["registration_id"])
        if registration is None:
            raise CannotWrite(
                f"registration {recipe['registration_id']} no longer exists (erased)")
        return registration
    registration = db.session.scalar(sa.select(Registration).where(
        Registration.event_id == recipe["event_id"], Registration.code == recipe["code"]))
    if registration is None or registration.email != message.recipient:
        raise CannotWrite(f"registration {recipe['code']} at event {recipe['event_id']} "
                          "no longer exists (erased)")
    return registration


def write_mail(message: OutboxMessage) -> MailDraft:
    """Write a registration mail queued by ``_send`` (the worker calls it, not the builders).

    :raises CannotWrite: the registration was erased, or its personal data removed.
    """
    registration = _registration_of(message)
    if registration.purged_at is not None or registration.email is None:
        raise CannotWrite(f"registration {registration.id} has no personal data any more")
    kind = message.kind
    args = message.render.get("args", {})
    if kind == "registration_waiting" and "position" not in args:
        # A sign-up made in one statement (``registrations.at_once``): its place in line is
        # counted now, a moment after it was taken.
        from participation.registrations.services import waiting_list_position

        position = waiting_list_position(registration)
        if position is None:
            raise CannotWrite(f"registration {registration.id} is no longer on the waiting "
                              "list (its own mail says what changed)")
        args = {**args, "position": position}
    return MailDraft(
        subject=SUBJECTS[kind](_title(registration)),
        locale=registration.locale,
        context=_context(registration, qr_content_id=QR_CONTENT_ID,
                         events_url=public_url("events.event_list"), **args),
        attachments=_place_attachments(registration) if kind in GIVES_PLACE else [],
    )


WRITERS[BUILDER] = write_mail


def registration_confirmed(registration: Registration) -> OutboxMessage:
    """Tell someone they have a place, with the calendar file and the check-in code."""
    return _send("registration_confirmed", registration)


def waiting_list_notice(registration: Registration, position: int) -> OutboxMessage:
    """Tell someone they are on the waiting list, and their place in line (as it was when
    they registered: the mail is written a moment later)."""
    return _send("registration_waiting", registration, position=position)


def promoted(registration: Registration) -> OutboxMessage:
    """Tell someone on the waiting list that a place came free and is now theirs."""
    return _send("registration_promoted", registration)


def group_changed(registration: Registration, by_registrant: bool = False) -> OutboxMessage:
    """Tell someone one of their companions is off their registration (a receipt when they
    took the companion off themselves)."""
    return _send("registration_group_changed", registration, by_registrant=by_registrant)


def cancellation_receipt(registration: Registration, by_organiser: bool = False) -> OutboxMessage:
    """Confirm that a registration was cancelled (by the person or by an organiser)."""
    return _send("registration_cancelled", registration, by_organiser=by_organiser)


def event_cancelled(registration: Registration) -> OutboxMessage:
    """Tell a registrant that the event itself was cancelled."""
    return _send("registration_event_cancelled", registration)


def reminder(registration: Registration) -> OutboxMessage:
    """Remind a confirmed registrant the day before the event."""
    return _send("registration_reminder", registration)


def released(registration: Registration) -> OutboxMessage:
    """Tell someone their unconfirmed place went to the waiting list."""
    return _send("registration_released", registration)


def manage_link_again(registration: Registration) -> OutboxMessage:
    """Send the manage link again to someone who tried to register a second time."""
    return _send("registration_link", registration)
