"""Policy staff's side of feedback: the moderation queue and the dashboard."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from participation.accounts.access import role_required
from participation.accounts.models import Role
from participation.extensions import db
from participation.feedback import charts, dashboard, services
from participation.feedback.forms import ConfirmForm, HideForm
from participation.feedback.models import Opinion

bp = Blueprint("feedback_staff", __name__, url_prefix="/staff")


def _opinion_or_404(opinion_id: int) -> Opinion:
    opinion = db.session.get(Opinion, opinion_id)
    if opinion is None:
        abort(404)
    return opinion


def _render_queue(hide_form: HideForm | None = None, hide_for: int | None = None,
                  status: int = 200):
    return render_template(
        "feedback/moderation.html",
        queue=services.moderation_queue(),
        hide_form=hide_form or HideForm(formdata=None),
        hide_for=hide_for,
        confirm_form=ConfirmForm(),
        author_label=services.author_label,
    ), status


@bp.get("/moderation")
@role_required(Role.STAFF)
def moderation_queue():
    """Reported opinions first, then the latest ones, each with hide or restore."""
    return _render_queue()


@bp.post("/opinions/<int:opinion_id>/hide")
@role_required(Role.STAFF)
def hide_opinion(opinion_id: int):
    """Hide an opinion from the public, with a reason."""
    opinion = _opinion_or_404(opinion_id)
    form = HideForm()
    if form.validate():
        try:
            services.hide_opinion(current_user, opinion, form.reason.data)
        except services.FeedbackError as error:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, error.message]
        else:
            db.session.commit()
            flash(_("The opinion is hidden."), "success")
            return redirect(url_for("feedback_staff.moderation_queue"))
    return _render_queue(form, opinion.id, 422)


@bp.post("/opinions/<int:opinion_id>/restore")
@role_required(Role.STAFF)
def restore_opinion(opinion_id: int):
    """Publish an opinion again, or keep it published and close its reports."""
    opinion = _opinion_or_404(opinion_id)
    if not ConfirmForm().validate():
        abort(400)
    services.restore_opinion(current_user, opinion)
    db.session.commit()
    flash(_("The opinion is published."), "success")
    return redirect(url_for("feedback_staff.moderation_queue"))


@bp.get("/dashboard")
@role_required(Role.STAFF)
def staff_dashboard():
    """Opinions over time and stance split per priority and action; funnels per event."""
    starts, priorities = dashboard.priority_figures()
    labels = [format_date(start, "d/M") for start in starts]
    funnels = dashboard.event_funnels()
    return render_template(
        "feedback/dashboard.html",
        starts=starts,
        labels=labels,
        priorities=priorities,
        funnels=funnels,
        columns=lambda values: charts.columns(list(zip(labels, values, strict=True))),
        stacked=lambda stances: charts.stacked_bar({k.value: v for k, v in stances.items()}),
        funnel=lambda f: charts.funnel([
            (_("Registered"), f.registered), (_("Attended"), f.attended),
            (_("Gave feedback"), f.gave_feedback),
        ], width=240),
    )
