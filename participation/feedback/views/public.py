"""Residents' side of feedback: the opinions on an action page, giving, reporting, recording."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from participation.core.forms import put_form_error
from participation.core.limits import FEEDBACK_LIMIT
from participation.core.page_cache import cached_page, lazy
from participation.core.pagination import page_number
from participation.events import services as event_services
from participation.events.models import Event
from participation.extensions import db, limiter
from participation.feedback import charts, services
from participation.feedback.forms import OpinionForm, RecordFeedbackForm, ReportForm
from participation.feedback.models import Opinion, OpinionStatus
from participation.policy import follows
from participation.policy import services as policy_services
from participation.policy.models import PolicyAction

bp = Blueprint("feedback", __name__)


def _sign_in_url() -> str | None:
    """Link to the sign-in page, when the accounts pages are installed."""
    if "accounts.sign_in" not in current_app.view_functions:
        return None
    return url_for("accounts.sign_in", next=request.path)


def _event_choices(user) -> list[SelectChoice]:
    choices = [SelectChoice("", _("No, I give my opinion without an event"))]
    for event in services.events_for_opinion(user):
        label = f"{event.title} ({event.starts_at:%Y-%m-%d})"
        choices.append(SelectChoice(str(event.id), label))
    return choices


def _may_give(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.email_verified)


def _stance_stats(action: PolicyAction) -> dict:
    counts = services.stance_counts(action)
    return {"counts": counts, "total": sum(counts.values()),
            "segments": charts.stacked_bar({k.value: v for k, v in counts.items()})}


def render_action_page(action: PolicyAction, *, opinion_form: OpinionForm | None = None,
                       report_form: ReportForm | None = None, report_for: int | None = None,
                       status: int = 200):
    """Render the public page of an action with its updates, opinions and forms."""
    user = current_user if current_user.is_authenticated else None
    events = lazy(lambda: event_services.find_events(
        event_services.EventFilter(action_id=action.id, include_past=True), per_page=20
    ).items)
    own = services.kept_own_opinion(user, action)
    blank_form_key = None
    if opinion_form is None and _may_give(user) and action.feedback_open:
        choices = _event_choices(user)

        def own_form() -> OpinionForm:
            form = OpinionForm(
                formdata=None,
                stance=own.stance.value if own else None,
                body=own.body if own else None,
                show_name=own.show_name if own else False,
                event=str(own.event_id) if own and own.event_id else "",
            )
            form.event.choices = choices
            return form

        if own is None:
            # A blank form is the same for everyone offered the same events: it is kept, and
            # built only when the kept one is not there.
            blank_form_key = tuple(str(choice.value) for choice in choices)
            opinion_form = lazy(own_form)
        else:
            opinion_form = own_form()
    elif opinion_form is not None:
        opinion_form.event.choices = _event_choices(user)
    number = page_number(request.args)
    stats = lazy(lambda: _stance_stats(action))
    page = lazy(lambda: services.published_opinions(action, number))
    return render_template(
        "feedback/action.html",
        action=action,
        events=events,
        updates=lazy(lambda: policy_services.action_updates(action)),
        stats=stats,
        history=lazy(lambda: policy_services.action_history(action)),
        opinions=page,
        opinions_page=number,
        own=own,
        opinion_form=opinion_form,
        blank_form_key=blank_form_key,
        blank_form_deps=[f"event:{value}" for value in blank_form_key or () if value],
        # Only signed-in visitors see report forms: building one for anybody else would put
        # a CSRF token in their session, give them a cookie and make the page uncacheable.
        report_form=report_form or (lazy(lambda: ReportForm(formdata=None)) if user else None),
        report_for=report_for,
        author_label=services.author_label,
        sign_in_url=_sign_in_url(),
        may_give=_may_give(user),
        following=follows.is_following(user, action),
    ), status


@bp.get("/actions/<code>")
@cached_page
def action_detail(code: str):
    """One policy action: progress, updates, residents' opinions, and the events about it."""
    return render_action_page(policy_services.kept_action(code))


@bp.post("/actions/<code>/opinion")
@limiter.limit(FEEDBACK_LIMIT)
@login_required
def give_opinion(code: str):
    """Give or change the signed-in resident's opinion on an action."""
    action = policy_services.get_action(code)
    form = OpinionForm()
    form.event.choices = _event_choices(current_user)
    if not form.validate():
        return render_action_page(action, opinion_form=form, status=422)
    event = db.session.get(Event, int(form.event.data)) if form.event.data else None
    had_opinion = services.own_opinion(current_user, action) is not None
    try:
        services.give_opinion(current_user, action, form.stance.data, form.body.data,
                              form.show_name.data, event=event)
    except services.FeedbackError as error:
        db.session.rollback()
        put_form_error(form, error)
        return render_action_page(action, opinion_form=form, status=422)
    db.session.commit()
    flash(_("Your opinion has been changed.") if had_opinion
          else _("Thank you: your opinion has been saved."), "success")
    return redirect(url_for("feedback.action_detail", code=action.code, _anchor="your-opinion"))


@bp.post("/actions/<code>/opinion/withdraw")
@limiter.limit(FEEDBACK_LIMIT)
@login_required
def withdraw_opinion(code: str):
    """Withdraw the signed-in resident's opinion on an action."""
    action = policy_services.get_action(code)
    try:
        services.withdraw_opinion(current_user, action)
    except services.FeedbackError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("feedback.action_detail", code=action.code))
    db.session.commit()
    flash(_("Your opinion has been withdrawn."), "success")
    return redirect(url_for("feedback.action_detail", code=action.code))


@bp.post("/opinions/<int:opinion_id>/report")
@limiter.limit(FEEDBACK_LIMIT)
@login_required
def report_opinion(opinion_id: int):
    """Report a published opinion to the moderators."""
    opinion = db.session.get(Opinion, opinion_id)
    if opinion is None or opinion.status != OpinionStatus.PUBLISHED:
        abort(404)
    form = ReportForm()
    if form.validate():
        try:
            services.report_opinion(current_user, opinion, form.reason.data)
        except services.FeedbackError as error:
            db.session.rollback()
            put_form_error(form, error, default_field="reason")
        else:
            db.session.commit()
            flash(_("Thank you: the moderators will look at this opinion."), "success")
            return redirect(url_for("feedback.action_detail", code=opinion.action.code))
    return render_action_page(opinion.action, report_form=form, report_for=opinion.id,
                              status=422)


@bp.route("/events/<slug>/feedback", methods=["GET", "POST"])
@login_required
def record_event_feedback(slug: str):
    """Let an organiser record feedback gathered at their event."""
    event = event_services.get_public_event(slug)
    if not services.can_record_for(current_user, event):
        abort(403)
    form = RecordFeedbackForm()
    form.action.choices = [SelectChoice(a.code, f"{a.code} {a.t('title')}")
                           for a in event.actions]
    status = 200
    if request.method == "POST":
        if form.validate():
            action = next(a for a in event.actions if a.code == form.action.data)
            try:
                services.record_event_feedback(current_user, event, action, form.stance.data,
                                               form.body.data)
            except services.FeedbackError as error:
                db.session.rollback()
                put_form_error(form, error)
            else:
                db.session.commit()
                flash(_("The feedback has been recorded."), "success")
                return redirect(url_for("feedback.record_event_feedback", slug=event.slug))
        status = 422
    recorded = services.event_recorded_opinions(event)
    return render_template("feedback/record.html", event=event, form=form,
                           recorded=recorded), status
