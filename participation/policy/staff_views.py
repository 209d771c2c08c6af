"""Policy staff pages: every action with its feedback switch, and reporting back on one."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from participation.accounts.access import role_required
from participation.accounts.models import Role
from participation.extensions import db
from participation.feedback.services import stance_counts_for
from participation.policy import services
from participation.policy.forms import ActionForm, FeedbackSwitchForm, UpdateForm
from participation.policy.models import PolicyAction

bp = Blueprint("policy_staff", __name__, url_prefix="/staff/actions")


def _action_or_404(code: str) -> PolicyAction:
    try:
        return services.get_action(code)
    except services.PolicyNotFound:
        abort(404)


@bp.get("")
@role_required(Role.STAFF)
def action_list():
    """Every action with its opinions, status, and whether it takes feedback."""
    actions = services.all_actions()
    return render_template(
        "policy/staff_actions.html",
        actions=actions,
        counts=stance_counts_for([a.id for a in actions]),
        switch_form=FeedbackSwitchForm(),
    )


@bp.post("/<code>/feedback")
@role_required(Role.STAFF)
def switch_feedback(code: str):
    """Open or close an action for feedback."""
    action = _action_or_404(code)
    if not FeedbackSwitchForm().validate():
        abort(400)
    open_ = request.form.get("open") == "1"
    services.set_feedback_open(current_user, action, open_)
    db.session.commit()
    flash(_("%(code)s is now open for feedback.", code=action.code) if open_
          else _("%(code)s is now closed for feedback.", code=action.code), "success")
    return redirect(url_for("policy_staff.action_list", _anchor=f"action-{action.code}"))


@bp.route("/<code>/update", methods=["GET", "POST"])
@role_required(Role.STAFF)
def post_update(code: str):
    """Report back on an action; residents who gave their opinion are told by mail."""
    action = _action_or_404(code)
    form = UpdateForm(status=action.status.value, progress=action.progress)
    if request.method == "POST":
        if form.validate():
            try:
                services.post_update(current_user, action, form.body.data,
                                     form.status.data, form.progress.data)
            except services.PolicyError as error:
                db.session.rollback()
                target = getattr(form, error.field or "body")
                target.errors = [*target.errors, error.message]
            else:
                db.session.commit()
                flash(_("The update is published. Residents who gave their opinion on this "
                        "action are told by mail."), "success")
                return redirect(url_for("policy.action_detail", code=action.code,
                                        _anchor="updates-title"))
        return render_template("policy/staff_update.html", action=action, form=form,
                               updates=services.action_updates(action)), 422
    return render_template("policy/staff_update.html", action=action, form=form,
                           updates=services.action_updates(action))


def _render_edit(action: PolicyAction, form: ActionForm, status: int = 200):
    return render_template("policy/staff_edit.html", action=action, form=form), status


@bp.route("/<code>/edit", methods=["GET", "POST"])
@role_required(Role.STAFF)
def edit_action(code: str):
    """Edit an action's texts in both languages, status, progress, priority and feedback."""
    action = _action_or_404(code)
    if request.method == "GET":
        form = ActionForm(data={
            "title_nl": action.title_nl, "title_en": action.title_en,
            "summary_nl": action.summary_nl, "summary_en": action.summary_en,
            "status": action.status.value, "progress": action.progress,
            "priority": str(action.priority_id), "feedback_open": action.feedback_open,
        })
    else:
        form = ActionForm()
    form.priority.choices = [
        SelectChoice(str(p.id), f"{p.document.t('title')}: {p.t('title')}")
        for p in services.all_priorities()
    ]
    if request.method == "GET":
        return _render_edit(action, form)
    if form.validate():
        try:
            changes = services.edit_action(
                current_user, action, title_nl=form.title_nl.data, title_en=form.title_en.data,
                summary_nl=form.summary_nl.data, summary_en=form.summary_en.data,
                status=form.status.data, progress=form.progress.data,
                priority=services.get_priority_by_id(int(form.priority.data)),
                feedback_open=form.feedback_open.data,
            )
        except services.PolicyError as error:
            db.session.rollback()
            target = getattr(form, error.field or "title_nl")
            target.errors = [*target.errors, error.message]
        else:
            db.session.commit()
            flash(_("%(code)s is saved.", code=action.code) if changes
                  else _("Nothing changed."), "success")
            return redirect(url_for("policy_staff.action_list", _anchor=f"action-{action.code}"))
    return _render_edit(action, form, 422)
