"""Attendee lists for organisers: a row generator and CSV and XLSX writers.

Every text cell goes through :func:`neutralise_cell` so that no export can run a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime

import sqlalchemy as sa
import xlsxwriter
from flask_babel import lazy_gettext as _l

from participation.core.i18n import BRUSSELS
from participation.events.models import Event
from participation.exports.cells import neutralise_cell
from participation.extensions import db
from participation.registrations.models import Registration, RegistrationStatus

UTF8_BOM = "\ufeff"

#: (key, header) of every column, in order.
COLUMNS = (
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
    position = 0
    for registration in active_registrations(event):
        waiting = registration.status == RegistrationStatus.WAITING
        position += 1 if waiting else 0
        yield {
            "code": registration.code,
            "name": registration.name or "",
            "email": registration.email or "",
            "status": statuses[registration.status],
            "waiting_position": position if waiting else "",
            "registered_at": _local(registration.created_at),
            "checked_in_at": _local(registration.checked_in_at),
            "needs_step_free": yes if registration.needs_step_free else no,
            "needs_hearing_loop": yes if registration.needs_hearing_loop else no,
            "needs_sign_language": yes if registration.needs_sign_language else no,
            "needs_other": registration.needs_other or "",
            "source": sources.get(registration.source.value, registration.source.value),
            "language": registration.locale,
        }


def attendees_csv(event: Event) -> bytes:
    """Write the attendee list as UTF-8 CSV with a byte order mark, so Excel reads it right."""
    buffer = io.StringIO()
    buffer.write(UTF8_BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise_cell(str(header)) for _, header in COLUMNS])
    for row in attendee_rows(event):
        writer.writerow([neutralise_cell(row[key]) for key, _ in COLUMNS])
    return buffer.getvalue().encode("utf-8")


def attendees_xlsx(event: Event) -> bytes:
    """Write the attendee list as an XLSX workbook; text is never read as a formula."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    })
    sheet = workbook.add_worksheet(str(_l("Attendees"))[:31])
    bold = workbook.add_format({"bold": True})
    for col, (_, header) in enumerate(COLUMNS):
        sheet.write_string(0, col, neutralise_cell(str(header)), bold)
    for row_number, row in enumerate(attendee_rows(event), start=1):
        for col, (key, _) in enumerate(COLUMNS):
            value = neutralise_cell(row[key])
            if isinstance(value, int):
                sheet.write_number(row_number, col, value)
            elif value != "":
                sheet.write_string(row_number, col, str(value))
    sheet.freeze_panes(1, 0)
    workbook.close()
    return output.getvalue()


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
