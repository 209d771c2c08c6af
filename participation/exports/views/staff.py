"""The exports page of policy staff and the streamed downloads it links to."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from participation.accounts.access import role_required
from participation.accounts.models import Role
from participation.database import begin_write, utcnow
from participation.events.models import Event, EventStatus
from participation.exports import services, writers
from participation.exports.forms import ExportForm
from participation.exports.opinions import EXPORTS, OpinionFilter, columns_for
from participation.extensions import db
from participation.localized import current_language, sql_pick
from participation.policy import services as policy_services

bp = Blueprint("exports", __name__, url_prefix="/staff/exports")

FILTER_FIELDS = ("priority", "action", "event", "stance", "status", "date_from", "date_to")


def _form(args, chosen_event_only: bool = False) -> ExportForm:
    """The export form with its choices; ``chosen_event_only``: offer only the event the
    request names (enough to check a download's filter without listing every event)."""
    form = ExportForm(formdata=args)
    documents = policy_services.documents_with_priorities()
    form.priority.choices = [SelectChoice("", _("Every priority"))] + [
        SelectChoice(p.slug, p.t("title")) for d in documents for p in d.priorities
    ]
    form.action.choices = [SelectChoice("", _("Every action"))] + [
        SelectChoice(a.code, f"{a.code} {a.t('title')}") for a in policy_services.all_actions()
    ]
    events = (
        sa.select(Event.slug, sql_pick(Event, "title"), Event.starts_at)
        .where(Event.status != EventStatus.DRAFT)
        .order_by(Event.starts_at.desc())
    )
    if chosen_event_only:
        events = events.where(Event.slug == (args.get("event") or ""))
    events = db.session.execute(events)
    form.event.choices = [SelectChoice("", _("Every event, and opinions without one"))] + [
        SelectChoice(slug, f"{title} ({starts_at:%Y-%m-%d})") for slug, title, starts_at in events
    ]
    return form


def _filter(form: ExportForm) -> OpinionFilter:
    return OpinionFilter(**{name: getattr(form, name).data or None for name in FILTER_FIELDS})


@bp.get("")
@role_required(Role.STAFF)
def export_index():
    """Choose an export, its format and its filters; read the data dictionaries."""
    form = _form(request.args)
    if "kind" not in request.args:
        return _render_index(form)
    if not form.validate():
        return _render_index(form, 422)
    return redirect(url_for("exports.download", kind=form.kind.data, fmt=form.format.data,
                            **_filter(form).as_dict()))


def _render_index(form: ExportForm, status: int = 200):
    personal = current_user.is_admin
    dictionaries = {kind: columns_for(columns, personal) for kind, (columns, _s) in EXPORTS.items()}
    return render_template("exports/index.html", form=form, dictionaries=dictionaries,
                           personal=personal), status


T = TypeVar("T")


def _audited(rows: Iterable[T], entry_id: int) -> Iterator[T]:
    """Pass rows (dicts, lines, or chunks of lines that say how many) through, counting
    them; record the count at the end."""
    count, completed = 0, False
    try:
        for row in rows:
            count += getattr(row, "rows", 1)
            yield row
        completed = True
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()
        # End the reading transaction, then note the count in a transaction of its own.
        db.session.rollback()
        services.finish_export(entry_id, count, completed)
        db.session.commit()


def _download_form(args, kind: str, fmt: str, chosen_event_only: bool = False) -> ExportForm:
    form = _form(args, chosen_event_only)
    form.kind.data, form.format.data = kind, fmt
    return form


@bp.get("/<any(opinions, summary):kind>.<any(csv, xlsx, json):fmt>")
@role_required(Role.STAFF)
def download(kind: str, fmt: str):
    """Stream an export; the audit entry is written first and completed with the row count."""
    # Checking the filter needs only the chosen event among the choices (listing the
    # thousands of events took a tenth of a second); the page shown on an error lists all.
    form = _download_form(request.args, kind, fmt, chosen_event_only=True)
    if not form.validate():
        form = _download_form(request.args, kind, fmt)
        form.validate()
        return _render_index(form, 422)
    personal = current_user.is_admin
    # The audit entry is written after reading: open the write transaction first, or on
    # SQLite a read turning into a write fails at once while the mail worker writes.
    begin_write(db.session())
    flt = _filter(form)
    _columns, make_sheet = EXPORTS[kind]
    sheet = make_sheet(flt, personal, current_language())
    entry = services.start_export(current_user, kind, fmt, flt.as_dict(), personal)
    db.session.commit()
    if fmt == "csv" and sheet.csv_lines is not None:  # written by the database
        sheet.csv_lines = _audited(sheet.csv_lines, entry.id)
    elif fmt == "json" and sheet.json_lines is not None:  # written by the database
        sheet.json_lines = _audited(sheet.json_lines, entry.id)
    elif fmt == "xlsx" and sheet.xlsx_rows is not None:  # rows made by the database
        sheet.xlsx_rows = _audited(sheet.xlsx_rows, entry.id)
    else:
        sheet.rows = _audited(sheet.rows, entry.id)
    mimetype, extension = writers.FORMATS[fmt]
    filename = f"{kind}-{utcnow():%Y%m%d-%H%M}.{extension}"
    dictionary = url_for("exports.dictionary", kind=kind, fmt="csv")
    return Response(
        stream_with_context(writers.chunks(sheet, fmt)),
        content_type=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Link": f'<{dictionary}>; rel="describedby"',
            "Cache-Control": "no-store",
            "X-Accel-Buffering": "no",
        },
    )


@bp.get("/<any(opinions, summary):kind>-dictionary.<any(csv, json):fmt>")
@role_required(Role.STAFF)
def dictionary(kind: str, fmt: str):
    """The data dictionary of an export: what each column holds."""
    columns, _make = EXPORTS[kind]
    sheet = writers.dictionary_sheet(columns_for(columns, current_user.is_admin))
    mimetype, extension = writers.FORMATS[fmt]
    return Response(
        b"".join(writers.chunks(sheet, fmt)),
        content_type=mimetype,
        headers={"Content-Disposition":
                 f'attachment; filename="{kind}-data-dictionary.{extension}"'},
    )
