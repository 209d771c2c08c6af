"""Attendee lists for organisers: a row generator, written by the shared writers.

Every text cell goes through :func:`neutralise_cell` so that no export can run a formula.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from participation.core.i18n import BRUSSELS
from participation.events.models import Event
from participation.exports.writers import Column, Sheet, csv_chunks, xlsx_chunks
from participation.extensions import db
from participation.registrations.models import Registration, RegistrationStatus
from participation.registrations.services import waiting_positions

#: Every column, in order; the headings are in the organiser's language.
COLUMNS = [
    Column(key, label, personal=True, label=label) for key, label in (
        ("code", _l("Code")),
        ("name", _l("Name")),
        ("email", _l("E-mail")),
        ("status", _l("Status")),
        ("waiting_position", _l("Place on waiting list")),
        ("registered_at", _l("Registered at")),
        ("checked_in_at", _l("Checked in at")),
        ("needs_step_free", _l("Step-free access")),
        ("needs_hearing_loop", _l("Hearing loop")),
        ("needs_sign_language", _l("Sign language")),
        ("needs_other", _l("Other needs")),
        ("source", _l("Added")),
        ("language", _l("Language")),
    )
]


def _local(moment: datetime | None) -> str:
    return moment.astimezone(BRUSSELS).strftime("%Y-%m-%d %H:%M") if moment else ""


def active_registrations(event: Event) -> list[Registration]:
    """Return confirmed then waiting registrations, each group in order of arrival."""
    order = sa.case((Registration.status == RegistrationStatus.CONFIRMED, 0), else_=1)
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.status.in_(
                    [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]
                ),
            )
            .order_by(order, Registration.id)
        )
    )


def attendee_rows(event: Event) -> Iterator[dict]:
    """Yield one row per confirmed or waiting registrant of the event."""
    yes, no = str(_l("yes")), str(_l("no"))
    statuses = {
        RegistrationStatus.CONFIRMED: str(_l("confirmed")),
        RegistrationStatus.WAITING: str(_l("waiting list")),
    }
    sources = {"online": str(_l("online")), "manual": str(_l("by hand")),
               "walk_in": str(_l("walk-in"))}
    positions = waiting_positions(event)
    for registration in active_registrations(event):
        yield {
            "code": registration.code,
            "name": registration.name or "",
            "email": registration.email or "",
            "status": statuses[registration.status],
            "waiting_position": positions.get(registration.id, ""),
            "registered_at": _local(registration.created_at),
            "checked_in_at": _local(registration.checked_in_at),
            "needs_step_free": yes if registration.needs_step_free else no,
            "needs_hearing_loop": yes if registration.needs_hearing_loop else no,
            "needs_sign_language": yes if registration.needs_sign_language else no,
            "needs_other": registration.needs_other or "",
            "source": sources.get(registration.source.value, registration.source.value),
            "language": registration.locale,
        }


def attendee_sheet(event: Event) -> Sheet:
    """The attendee list as a sheet for the shared writers (CSV with BOM, or XLSX)."""
    return Sheet(name=str(_l("Attendees")), columns=COLUMNS, rows=attendee_rows(event))


def attendees_csv(event: Event) -> bytes:
    """Write the attendee list as UTF-8 CSV with a byte order mark, so Excel reads it right."""
    return b"".join(csv_chunks(attendee_sheet(event)))


def attendees_xlsx(event: Event) -> bytes:
    """Write the attendee list as an XLSX workbook; text is never read as a formula."""
    return b"".join(xlsx_chunks([attendee_sheet(event)]))


def sign_in_sheet(event: Event) -> list[Registration]:
    """Return the confirmed registrants, by name, for the printable sign-in sheet."""
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.event_id == event.id,
                   Registration.status == RegistrationStatus.CONFIRMED)
            .order_by(sa.func.lower(sa.func.coalesce(Registration.name, "")), Registration.id)
        )
    )
