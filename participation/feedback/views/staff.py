"""Policy staff's side of feedback: moderation, the dashboard, the actions (their feedback
switch, editing them, reporting back), coding opinions with themes, and reports."""

from __future__ import annotations

import os

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from participation.accounts.access import role_required
from participation.accounts.forms import AGE_BAND_LABELS
from participation.accounts.models import Role
from participation.audit.services import record as audit
from participation.core.formats import format_date
from participation.core.forms import put_form_error
from participation.core.pagination import id_from, ids_from, page_number
from participation.core.pdf import PdfUnavailable, html_to_pdf
from participation.extensions import db
from participation.feedback import (
    dashboard,
    language_gaps,
    reports,
    services,
    suggestions,
    themes,
)
from participation.feedback.forms import (
    CodingForm,
    ConfirmForm,
    HideForm,
    SuggestionForm,
    ThemeForm,
)
from participation.feedback.models import Opinion, OpinionStatus, Stance, Theme
from participation.feedback.services import FeedbackError
from participation.policy import services as policy_services
from participation.policy.forms import ActionForm, FeedbackSwitchForm, UpdateForm
from participation.policy.models import PolicyAction

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
    """At a glance: trends, opinions per week, stance split per action with data, funnels."""
    starts, priorities = dashboard.priority_figures()
    overall, recent = dashboard.recent_counts()
    weekly = [sum(values) for values in zip(*(p.weekly for p in priorities), strict=True)] \
        if priorities else [0] * len(starts)
    return render_template(
        "feedback/dashboard.html",
        starts=starts,
        weekly=weekly,
        priorities=priorities,
        trends=overall,
        recent=recent,
        totals=dashboard.totals(),
        funnels=dashboard.event_funnels(),
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


@bp.get("/translations")
@role_required(Role.STAFF)
def texts_in_one_language():
    """Published events and actions (with their updates) not yet in both languages."""
    return render_template(
        "feedback/texts_in_one_language.html",
        events=language_gaps.events_in_one_language(),
        actions=language_gaps.actions_in_one_language(),
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


def _render_edit(action: PolicyAction, form: ActionForm, status: int = 200):
    return render_template("policy/staff_edit.html", action=action, form=form), status


@bp.route("/actions/<code>/edit", methods=["GET", "POST"])
@role_required(Role.STAFF)
def edit_action(code: str):
    """Edit an action's texts in both languages, status, progress, priority and feedback."""
    action = policy_services.get_action(code)
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
        for p in policy_services.all_priorities()
    ]
    if request.method == "GET":
        return _render_edit(action, form)
    if form.validate():
        try:
            changes = policy_services.edit_action(
                current_user, action, title_nl=form.title_nl.data, title_en=form.title_en.data,
                summary_nl=form.summary_nl.data, summary_en=form.summary_en.data,
                status=form.status.data, progress=form.progress.data,
                priority=policy_services.get_priority_by_id(int(form.priority.data)),
                feedback_open=form.feedback_open.data,
            )
        except policy_services.PolicyError as error:
            db.session.rollback()
            put_form_error(form, error, default_field="title_nl")
        else:
            db.session.commit()
            flash(_("%(code)s is saved.", code=action.code) if changes
                  else _("Nothing changed."), "success")
            return redirect(url_for(".action_list", _anchor=f"action-{action.code}"))
    return _render_edit(action, form, 422)


# --- coding opinions with themes ---------------------------------------------------------


def _theme_or_404(theme_id: int) -> Theme:
    return db.get_or_404(Theme, theme_id)


def _coding_filter() -> themes.CodingFilter:
    args = request.args
    theme = args.get("theme", "")
    stance = args.get("stance", "")
    status = args.get("status", "")
    return themes.CodingFilter(
        theme=id_from(theme),
        uncoded=args.get("uncoded") == "1",
        stance=stance if stance in {s.value for s in Stance} else None,
        status=status if status in {s.value for s in OpinionStatus} else None,
        text=(args.get("q") or "").strip()[:100] or None,
    )


def _filter_args(flt: themes.CodingFilter) -> dict:
    values = {"theme": flt.theme, "uncoded": "1" if flt.uncoded else None,
              "stance": flt.stance, "status": flt.status, "q": flt.text}
    return {k: v for k, v in values.items() if v}


def _render_coding(action: PolicyAction, theme_form: ThemeForm | None = None,
                   coding_form: CodingForm | None = None, status: int = 200):
    flt = _coding_filter()
    usable = themes.themes_for(action)
    counts = themes.theme_counts([action.id], published_only=False)[action.id]
    if coding_form is None:
        coding_form = CodingForm(formdata=None)
    coding_form.theme.choices = [SelectChoice("", _("Choose a theme"))] + [
        SelectChoice(str(t.id), t.t("name")) for t in usable]
    page = themes.coding_page(action, flt, page=page_number(request.args))
    return render_template(
        "feedback/coding.html", action=action, themes=usable, counts=counts, flt=flt,
        filter_args=_filter_args(flt), opinions=page,
        theme_form=theme_form or ThemeForm(formdata=None), coding_form=coding_form,
        author_label=services.author_label,
    ), status


@bp.get("/actions/<code>/coding")
@role_required(Role.STAFF)
def coding(code: str):
    """An action's opinions with their themes, filters, and coding one by one or in bulk."""
    return _render_coding(policy_services.get_action(code))


@bp.post("/actions/<code>/themes")
@role_required(Role.STAFF)
def create_theme(code: str):
    """Create a theme for this action, or one shared by every action."""
    action = policy_services.get_action(code)
    form = ThemeForm()
    if form.validate():
        try:
            theme = themes.create_theme(current_user, form.name_nl.data, form.name_en.data,
                                        action=None if form.shared.data else action)
        except FeedbackError as error:
            db.session.rollback()
            put_form_error(form, error, default_field="name_nl")
        else:
            db.session.commit()
            flash(_("The theme %(name)s is created.", name=theme.t("name")), "success")
            return redirect(url_for("feedback_staff.coding", code=action.code))
    return _render_coding(action, theme_form=form, status=422)


@bp.post("/actions/<code>/coding")
@role_required(Role.STAFF)
def code_opinions(code: str):
    """Add a theme to (or remove it from) the ticked opinions or every filtered one."""
    action = policy_services.get_action(code)
    form = CodingForm()
    form.theme.choices = [SelectChoice(str(t.id), t.t("name")) for t in themes.themes_for(action)]
    remove = request.form.get("operation") == "remove"
    if form.validate():
        if form.scope.data == "filtered":
            chosen = themes.matching_opinions(action, _coding_filter())
        else:
            chosen = themes.opinions_by_ids(
                action, ids_from(request.form.getlist("opinion")))
        if not chosen:
            form.scope.errors = [*form.scope.errors, _("Tick at least one opinion.")]
        else:
            theme = _theme_or_404(int(form.theme.data))
            try:
                if remove:
                    changed = themes.untag_opinions(current_user, theme, chosen)
                else:
                    changed = themes.tag_opinions(current_user, theme, chosen)
            except FeedbackError as error:
                db.session.rollback()
                put_form_error(form, error, default_field="theme")
            else:
                db.session.commit()
                message = (_("%(theme)s removed from %(num)d opinions.", theme=theme.t("name"),
                             num=changed) if remove else
                           _("%(theme)s added to %(num)d opinions.", theme=theme.t("name"),
                             num=changed))
                flash(message, "success")
                return redirect(url_for("feedback_staff.coding", code=action.code,
                                        **_filter_args(_coding_filter())))
    return _render_coding(action, coding_form=form, status=422)


@bp.route("/opinions/<int:opinion_id>/themes", methods=["GET", "POST"])
@role_required(Role.STAFF)
def code_opinion(opinion_id: int):
    """Code one opinion: tick its themes and the ones it is a quote for."""
    opinion = db.get_or_404(Opinion, opinion_id)
    form = ConfirmForm()
    usable = themes.themes_for(opinion.action)
    error = None
    if request.method == "POST":
        if not form.validate():
            abort(400)
        ids = ids_from(request.form.getlist("theme"))
        quotes = ids_from(request.form.getlist("quote"))
        try:
            themes.set_opinion_themes(current_user, opinion, ids, quotes)
        except FeedbackError as failure:
            db.session.rollback()
            error = failure.message
        else:
            db.session.commit()
            flash(_("The opinion's themes are saved."), "success")
            return redirect(url_for("feedback_staff.coding", code=opinion.action.code,
                                    _anchor=f"opinion-{opinion.id}"))
    codings = {c.theme_id: c for c in opinion.codings}
    return render_template("feedback/code_opinion.html", opinion=opinion, themes=usable,
                           codings=codings, form=form, error=error,
                           author_label=services.author_label), 422 if error else 200


@bp.route("/themes/<int:theme_id>", methods=["GET", "POST"])
@role_required(Role.STAFF)
def edit_theme(theme_id: int):
    """Rename a theme in both languages, or delete it."""
    theme = _theme_or_404(theme_id)
    form = ThemeForm(obj=theme) if request.method == "GET" else ThemeForm()
    back = (url_for("feedback_staff.coding", code=theme.action.code) if theme.action
            else url_for(".action_list"))
    if request.method == "POST":
        if form.validate():
            try:
                themes.rename_theme(current_user, theme, form.name_nl.data, form.name_en.data)
            except FeedbackError as error:
                db.session.rollback()
                put_form_error(form, error, default_field="name_nl")
            else:
                db.session.commit()
                flash(_("The theme is renamed."), "success")
                return redirect(back)
        return render_template("feedback/theme.html", theme=theme, form=form, back=back,
                               delete_form=ConfirmForm()), 422
    return render_template("feedback/theme.html", theme=theme, form=form, back=back,
                           delete_form=ConfirmForm())


@bp.post("/themes/<int:theme_id>/delete")
@role_required(Role.STAFF)
def delete_theme(theme_id: int):
    """Delete a theme; the opinions it coded lose it."""
    theme = _theme_or_404(theme_id)
    if not ConfirmForm().validate():
        abort(400)
    back = (url_for("feedback_staff.coding", code=theme.action.code) if theme.action
            else url_for(".action_list"))
    themes.delete_theme(current_user, theme)
    db.session.commit()
    flash(_("The theme is deleted."), "success")
    return redirect(back)


# --- suggested themes --------------------------------------------------------------------


def _render_suggestions(action: PolicyAction, failed: SuggestionForm | None = None,
                        status: int = 200):
    found = suggestions.suggest_themes(action)
    forms = {}
    for suggestion in found:
        if failed is not None and failed.phrase.data == suggestion.phrase:
            forms[suggestion.phrase] = failed
        else:
            forms[suggestion.phrase] = SuggestionForm(
                formdata=None, phrase=suggestion.phrase, name_nl=suggestion.phrase,
                name_en=suggestion.phrase)
    examples = {s.phrase: themes.opinions_by_ids(action, s.opinion_ids[:3]) for s in found}
    return render_template(
        "feedback/suggestions.html", action=action, suggestions=found, forms=forms,
        examples=examples, reject_form=ConfirmForm(), minimum=suggestions.MIN_OPINIONS,
        failed=failed,
    ), status


@bp.get("/actions/<code>/suggestions")
@role_required(Role.STAFF)
def theme_suggestions(code: str):
    """Candidate themes drawn from the action's opinions, to accept, rename or reject."""
    return _render_suggestions(policy_services.get_action(code))


@bp.post("/actions/<code>/suggestions/accept")
@role_required(Role.STAFF)
def accept_suggestion(code: str):
    """Make a theme of a suggestion and code the opinions that use it."""
    action = policy_services.get_action(code)
    form = SuggestionForm()
    if form.validate():
        try:
            theme = suggestions.accept_suggestion(current_user, action, form.phrase.data,
                                                  form.name_nl.data, form.name_en.data)
        except FeedbackError as error:
            db.session.rollback()
            put_form_error(form, error, default_field="name_nl")
        else:
            db.session.commit()
            flash(_("The theme %(name)s is created and its opinions are coded.",
                    name=theme.t("name")), "success")
            return redirect(url_for("feedback_staff.theme_suggestions", code=action.code))
    return _render_suggestions(action, failed=form, status=422)


@bp.post("/actions/<code>/suggestions/reject")
@role_required(Role.STAFF)
def reject_suggestion(code: str):
    """Stop proposing a phrase for this action."""
    action = policy_services.get_action(code)
    if not ConfirmForm().validate():
        abort(400)
    try:
        suggestions.reject_suggestion(current_user, action, request.form.get("phrase", ""))
    except FeedbackError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The suggestion is rejected and will not be proposed again."), "success")
    return redirect(url_for("feedback_staff.theme_suggestions", code=action.code))


# --- reports -----------------------------------------------------------------------------


def _stylesheets() -> Markup:
    """The site's and the insight pages' styles, inline, for a page printed outside the site."""
    folder = os.path.join(current_app.static_folder or "", "css")
    parts = []
    for name in ("site.css", "insight.css"):
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            parts.append(handle.read())
    return Markup("\n".join(parts).replace("</", "<\\/"))


def _who_took_part(report: reports.Report) -> dict[str, list[tuple[str, int | str]]]:
    """Label the report's demographic groups for people: age bands named, unknown said so."""
    ages = {band.value: str(label) for band, label in AGE_BAND_LABELS.items()}
    not_given = _("Not given")
    return {
        "postcode": [(not_given if g == "unknown" else g, n)
                     for g, n in report.demographics["postcode"]],
        "age_band": [(not_given if g == "unknown" else ages.get(g, g), n)
                     for g, n in report.demographics["age_band"]],
    }


def _report_page(report: reports.Report, title: str, pdf_url: str, as_pdf: bool):
    context = {
        "report": report, "title": title, "pdf_url": pdf_url,
        "week_labels": [format_date(w, "d/M") for w in report.weeks],
        "who": _who_took_part(report),
    }
    if not as_pdf:
        return render_template("feedback/report.html", **context)
    html = render_template("feedback/report_print.html", styles=_stylesheets(), **context)
    try:
        document = html_to_pdf(html)
    except PdfUnavailable:
        current_app.logger.exception("printing a report to PDF failed")
        abort(503)
    audit(current_user, "report.pdf", report.priority or report.actions[0])
    db.session.commit()
    response = make_response(document)
    response.headers["Content-Type"] = "application/pdf"
    slug = report.priority.slug if report.priority else report.actions[0].code
    response.headers["Content-Disposition"] = f'attachment; filename="report-{slug}.pdf"'
    return response


@bp.get("/actions/<code>/report")
@bp.get("/actions/<code>/report.pdf", endpoint="action_report_pdf")
@role_required(Role.STAFF)
def action_report(code: str):
    """What residents think of one action, and why: a page that prints well, or a PDF."""
    action = policy_services.get_action(code)
    title = _("Report on %(code)s: %(title)s", code=action.code, title=action.t("title"))
    return _report_page(reports.action_report(action), title,
                        url_for("feedback_staff.action_report_pdf", code=action.code),
                        request.path.endswith(".pdf"))


@bp.get("/priorities/<slug>/report")
@bp.get("/priorities/<slug>/report.pdf", endpoint="priority_report_pdf")
@role_required(Role.STAFF)
def priority_report(slug: str):
    """What residents think of every action of a priority: a page, or a PDF."""
    priority = policy_services.get_priority(slug)
    title = _("Report on %(priority)s", priority=priority.t("title"))
    return _report_page(reports.priority_report(priority), title,
                        url_for("feedback_staff.priority_report_pdf", slug=priority.slug),
                        request.path.endswith(".pdf"))
