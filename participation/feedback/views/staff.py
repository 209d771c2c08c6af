"""Policy staff's side of feedback: the moderation queue, the dashboard, the actions with
their feedback switch, and reporting back on an action."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participation.accounts.access import role_required
from participation.accounts.models import Role
from participation.core.formats import format_date
from participation.core.forms import put_form_error
from participation.extensions import db
from participation.feedback import charts, dashboard, services
from participation.feedback.forms import ConfirmForm, HideForm
from participation.feedback.models import Opinion
from participation.policy import services as policy_services
from participation.policy.forms import FeedbackSwitchForm, UpdateForm

bp = Blueprint("feedback_staff", __name__, url_prefix="/staff")


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
    opinion = db.get_or_404(Opinion, opinion_id)
    form = HideForm()
    if form.validate():
        try:
            services.hide_opinion(current_user, opinion, form.reason.data)
        except services.FeedbackError as error:
            db.session.rollback()
            put_form_error(form, error, default_field="reason")
        else:
            db.session.commit()
            flash(_("The opinion is hidden."), "success")
            return redirect(url_for("feedback_staff.moderation_queue"))
    return _render_queue(form, opinion.id, 422)


@bp.post("/opinions/<int:opinion_id>/restore")
@role_required(Role.STAFF)
def restore_opinion(opinion_id: int):
    """Publish an opinion again, or keep it published and close its reports."""
    opinion = db.get_or_404(Opinion, opinion_id)
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


@bp.get("/actions")
@role_required(Role.STAFF)
def action_list():
    """Every action with its opinions, status, and whether it takes feedback."""
    actions = policy_services.all_actions()
    return render_template(
        "policy/staff_actions.html",
        actions=actions,
        counts=services.stance_counts_for([a.id for a in actions]),
        switch_form=FeedbackSwitchForm(),
    )


@bp.post("/actions/<code>/feedback")
@role_required(Role.STAFF)
def switch_feedback(code: str):
    """Open or close an action for feedback."""
    action = policy_services.get_action(code)
    if not FeedbackSwitchForm().validate():
        abort(400)
    open_ = request.form.get("open") == "1"
    policy_services.set_feedback_open(current_user, action, open_)
    db.session.commit()
    flash(_("%(code)s is now open for feedback.", code=action.code) if open_
          else _("%(code)s is now closed for feedback.", code=action.code), "success")
    return redirect(url_for(".action_list", _anchor=f"action-{action.code}"))


@bp.route("/actions/<code>/update", methods=["GET", "POST"])
@role_required(Role.STAFF)
def post_update(code: str):
    """Report back on an action; residents who gave their opinion are told by mail."""
    action = policy_services.get_action(code)
    form = UpdateForm(status=action.status.value, progress=action.progress)
    if request.method == "POST":
        if form.validate():
            try:
                services.post_update(current_user, action, form.body.data,
                                     form.status.data, form.progress.data,
                                     body_en=form.body_en.data)
            except policy_services.PolicyError as error:
                db.session.rollback()
                put_form_error(form, error, default_field="body")
            else:
                db.session.commit()
                flash(_("The update is published. Residents who gave their opinion on this "
                        "action are told by mail."), "success")
                return redirect(url_for("feedback.action_detail", code=action.code,
                                        _anchor="updates-title"))
        return render_template("policy/staff_update.html", action=action, form=form,
                               updates=policy_services.action_updates(action)), 422
    return render_template("policy/staff_update.html", action=action, form=form,
                           updates=policy_services.action_updates(action))
