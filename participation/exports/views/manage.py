"""Organisers' attendee exports: CSV, XLSX and a printable sign-in sheet."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask_login import current_user

from participation.accounts.access import role_required
from participation.accounts.models import Role
from participation.audit.services import record
from participation.events.manage_access import managed_event_or_abort
from participation.exports import attendees
from participation.extensions import db

bp = Blueprint("attendee_exports", __name__, url_prefix="/manage/events/<slug>")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(body: bytes, content_type: str, filename: str) -> Response:
    return Response(body, content_type=content_type, headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
    })


@bp.get("/attendees.csv")
@role_required(Role.ORGANISER)
def attendees_csv(slug: str):
    """The attendee list as CSV (UTF-8 with BOM, for Excel)."""
    event = managed_event_or_abort(slug)
    body = attendees.attendees_csv(event)
    record(current_user, "export.attendees", event, format="csv")
    db.session.commit()
    return _download(body, "text/csv; charset=utf-8", f"{event.slug}-attendees.csv")


@bp.get("/attendees.xlsx")
@role_required(Role.ORGANISER)
def attendees_xlsx(slug: str):
    """The attendee list as an Excel workbook."""
    event = managed_event_or_abort(slug)
    body = attendees.attendees_xlsx(event)
    record(current_user, "export.attendees", event, format="xlsx")
    db.session.commit()
    return _download(body, XLSX, f"{event.slug}-attendees.xlsx")


@bp.get("/organisations.csv")
@role_required(Role.ORGANISER)
def organisations_csv(slug: str):
    """The registrations per organisation as CSV."""
    event = managed_event_or_abort(slug)
    body = attendees.organisations_csv(event)
    record(current_user, "export.organisations", event, format="csv")
    db.session.commit()
    return _download(body, "text/csv; charset=utf-8", f"{event.slug}-organisations.csv")


@bp.get("/sign-in-sheet")
@role_required(Role.ORGANISER)
def sign_in_sheet(slug: str):
    """A printable list of confirmed registrants with a signature column."""
    event = managed_event_or_abort(slug)
    people = attendees.sign_in_sheet(event)
    record(current_user, "export.sign_in_sheet", event, rows=len(people))
    db.session.commit()
    response = Response(render_template(
        "manage/sign_in_sheet.html", event=event, people=people,
        questions=attendees.sign_in_sheet_questions(event),
    ))
    response.headers["Cache-Control"] = "no-store"
    return response
