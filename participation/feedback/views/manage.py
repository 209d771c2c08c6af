"""Organisers' pages of the feedback domain: the closing report of their event."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participation.accounts.access import role_required
from participation.accounts.models import Role
from participation.core.forms import put_form_error
from participation.events.manage_access import managed_event_or_abort
from participation.extensions import db
from participation.feedback import closing
from participation.feedback.forms import closing_report_form

bp = Blueprint("closing_reports", __name__, url_prefix="/manage/events")


@bp.app_template_global()
def opinions_from_event(event) -> dict[int, int]:
    """Per action, how many opinions were given at or after the event (for its report)."""
    return closing.opinions_from_event(event)


def _form_data(event) -> dict:
    report = event.closing_report
    if report is None:
        return {"participants": closing.checked_in_count(event)}
    data = {"summary_nl": report.summary_nl, "summary_en": report.summary_en,
            "participants": report.participants}
    for outcome in report.outcomes:
        data[f"said_nl_{outcome.action_id}"] = outcome.said_nl
        data[f"said_en_{outcome.action_id}"] = outcome.said_en
    return data


@bp.route("/<slug>/report", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def write(slug: str):
    """Write or change the closing report of an event that took place."""
    event = managed_event_or_abort(slug)
    actions = list(event.actions)
    if request.method == "GET":
        form = closing_report_form(actions, data=_form_data(event))
    else:
        form = closing_report_form(actions)
    allowed = closing.can_write_report(current_user, event)
    if allowed and form.validate_on_submit():
        try:
            closing.save_closing_report(event, form.to_details([a.id for a in actions]),
                                        by=current_user)
        except closing.ClosingReportError as error:
            db.session.rollback()
            put_form_error(form, error, flash_otherwise=True)
            event = managed_event_or_abort(slug)
        else:
            db.session.commit()
            flash(_("The report was saved. It shows on the event's page."), "success")
            return redirect(url_for("manage_events.overview", slug=event.slug))
    status = 422 if request.method == "POST" else 200
    return render_template("manage/closing_report.html", event=event, form=form,
                           actions=list(event.actions), allowed=allowed,
                           checked_in=closing.checked_in_count(event)), status
