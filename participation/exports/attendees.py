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
from participation.registrations.questions import questions_of
from participation.registrations.services import waiting_positions
from participation.registrations.workspace import organisation_totals

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
        ("organisation", _l("Organisation")),
        ("companions", _l("Companions")),
        ("companion_names", _l("Names of companions")),
    )
]


def _local(moment: datetime | None) -> str:
    return moment.astimezone(BRUSSELS).strftime("%Y-%m-%d %H:%M") if moment else ""


def columns(event: Event) -> list[Column]:
    """The export's columns: the fixed ones, then one per question of the event's form."""
    return [*COLUMNS, *(Column(f"question_{q.id}", q.t("label"), personal=True,
                               label=q.t("label")) for q in questions_of(event))]


def _answers(registration: Registration) -> dict[str, str]:
    return {f"question_{a.question_id}": a.display()
            for a in registration.answers if a.question_id is not None}


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
            .options(sa.orm.selectinload(Registration.answers))
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
            "organisation": registration.organisation or "",
            "companions": registration.companions,
            "companion_names": ", ".join(n for n in registration.companion_labels if n),
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
            **_answers(registration),
        }


def attendee_sheet(event: Event) -> Sheet:
    """The attendee list as a sheet for the shared writers (CSV with BOM, or XLSX)."""
    return Sheet(name=str(_l("Attendees")), columns=columns(event), rows=attendee_rows(event))


def attendees_csv(event: Event) -> bytes:
    """Write the attendee list as UTF-8 CSV with a byte order mark, so Excel reads it right."""
    return b"".join(csv_chunks(attendee_sheet(event)))


#: The registrations per organisation.
ORGANISATION_COLUMNS = [
    Column(key, label, label=label) for key, label in (
        ("organisation", _l("Organisation")),
        ("registrations", _l("Registrations")),
        ("confirmed_places", _l("Confirmed places")),
        ("waiting_places", _l("Places on the waiting list")),
    )
]


def organisations_csv(event: Event) -> bytes:
    """Write the registrations per organisation as UTF-8 CSV with a byte order mark."""
    rows = ({"organisation": t.name, "registrations": t.registrations,
             "confirmed_places": t.confirmed_places, "waiting_places": t.waiting_places}
            for t in organisation_totals(event))
    sheet = Sheet(name=str(_l("Organisations")), columns=ORGANISATION_COLUMNS, rows=rows)
    return b"".join(csv_chunks(sheet))


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
            .options(sa.orm.selectinload(Registration.answers))
        )
    )


def sign_in_sheet_questions(event: Event) -> list:
    """The questions whose answers the organisers want on the sign-in sheet."""
    return [q for q in questions_of(event) if q.on_sign_in_sheet]
