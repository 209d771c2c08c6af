"""The sign-up workspace of an event (counts, lists, changes by hand, capacity, messages)
and the check-in at the door."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from participation.accounts.access import role_required
from participation.accounts.models import Role
from participation.audit.access_log import logs_personal_data_view
from participation.audit.services import record
from participation.core.forms import put_form_error
from participation.database import begin_write
from participation.events.manage_access import managed_event_or_abort
from participation.extensions import db
from participation.registrations import organiser_messages as messages
from participation.registrations import questions, services
from participation.registrations import workspace as ws
from participation.registrations.forms import answers_from, names_from_lines, registration_form
from participation.registrations.forms_manage import (
    CapacityForm,
    ManualRegistrationForm,
    MessageForm,
    OrganiserCancelForm,
    QuestionForm,
    WalkInForm,
    question_form_data,
)
from participation.registrations.models import Registration, RegistrationSource

bp = Blueprint("manage_registrations", __name__, url_prefix="/manage/events/<slug>")


def _render_workspace(event, capacity_form: CapacityForm | None = None, status: int = 200):
    # The page writes its view to the audit log: open the write transaction first, or on
    # SQLite a read turning into a write fails at once while another writer is busy.
    begin_write(db.session())
    args = request.args
    q = (args.get("q") or "").strip()[:100]
    shown = args.get("status") if args.get("status") in ws.FILTERS else "all"
    sort = args.get("sort") if args.get("sort") in ws.SORTS else "registered"
    registrations = ws.search_registrations(event, q, shown, sort)
    record(current_user, "registrations.view", event, q=q or None, shown=shown)
    db.session.commit()
    return render_template(
        "manage/registrations.html",
        event=event,
        counts=ws.workspace_counts(event),
        registrations=registrations,
        positions=services.waiting_positions(event),
        q=q,
        shown=shown,
        sort=sort,
        capacity_form=capacity_form or CapacityForm(capacity=event.capacity),
        filters=ws.FILTERS,
        sorts=ws.SORTS,
    ), status


def _registration_or_404(event, registration_id: int) -> Registration:
    registration = ws.get_registration(event, registration_id)
    if registration is None:
        abort(404)
    return registration


def _back(slug: str):
    return redirect(url_for(".workspace", slug=slug, **{
        k: v for k, v in request.form.items() if k in ("q", "status", "sort") and v
    }))


@bp.get("/registrations")
@role_required(Role.ORGANISER)
@logs_personal_data_view
def workspace(slug: str):
    """Counts at a glance and the list of registrations, with search and sorting."""
    return _render_workspace(managed_event_or_abort(slug))


@bp.get("/registrations/bursts")
@role_required(Role.ORGANISER)
@logs_personal_data_view
def bursts(slug: str):
    """Groups of sign-ups from one network or one mailbox, to check and cancel in one go."""
    event = managed_event_or_abort(slug)
    return render_template("manage/bursts.html", event=event, bursts=ws.suspicious_bursts(event),
                           network_burst=ws.NETWORK_BURST, mailbox_burst=ws.MAILBOX_BURST)


@bp.post("/registrations/bursts/cancel")
@role_required(Role.ORGANISER)
def cancel_burst(slug: str):
    """Cancel every registration of one group; the waiting list moves up."""
    event = managed_event_or_abort(slug)
    kind, key = request.form.get("kind", ""), request.form.get("key", "")
    if kind not in ws.BURST_KINDS or not key:
        abort(400)
    count = ws.cancel_burst(event, kind, key, by=current_user._get_current_object())
    db.session.commit()
    flash(ngettext("%(num)d registration is cancelled.", "%(num)d registrations are cancelled.",
                   count), "success")
    return redirect(url_for(".bursts", slug=event.slug), 303)


@bp.route("/registrations/new", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def add(slug: str):
    """Register someone by hand (for someone who phoned or mailed)."""
    event = managed_event_or_abort(slug)
    form = registration_form(questions.questions_of(event), ManualRegistrationForm,
                             optional=True)
    if request.method == "GET":
        form.locale.data = "nl"
    if form.validate_on_submit():
        try:
            result = services.register(
                event,
                name=form.name.data,
                email=form.email.data or None,
                companions=form.companions.data or 0,
                companion_names=names_from_lines(form.companion_names.data),
                answers=answers_from(form),
                organisation=form.organisation.data or None,
                needs_step_free=form.needs_step_free.data,
                needs_hearing_loop=form.needs_hearing_loop.data,
                needs_sign_language=form.needs_sign_language.data,
                needs_other=form.needs_other.data or None,
                locale=form.locale.data,
                source=RegistrationSource.MANUAL,
            )
        except services.RegistrationError as error:
            db.session.rollback()
            put_form_error(form, error, flash_otherwise=True)
            return render_template("manage/registration_add.html", event=event, form=form), 422
        registration = result.registration
        record(current_user, "registration.add", registration, event_id=event.id)
        db.session.commit()
        if not result.created:
            flash(_("%(email)s already has a registration for this event; nothing was added.",
                    email=registration.email), "error")
        elif result.waiting_list_position:
            flash(_("%(name)s is on the waiting list, at place %(position)d.",
                    name=registration.name, position=result.waiting_list_position), "success")
        else:
            flash(_("%(name)s has a confirmed place. Check-in code: %(code)s.",
                    name=registration.name, code=registration.code), "success")
        return redirect(url_for(".workspace", slug=event.slug))
    status = 422 if form.errors else 200
    return render_template("manage/registration_add.html", event=event, form=form), status


@bp.route("/registrations/<int:registration_id>/cancel", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def cancel(slug: str, registration_id: int):
    """Remove someone's registration with a reason for them; the waiting list moves up."""
    event = managed_event_or_abort(slug)
    registration = _registration_or_404(event, registration_id)
    form = OrganiserCancelForm()
    if not form.validate_on_submit():
        status = 422 if form.errors else 200
        return render_template("manage/registration_cancel.html", event=event, form=form,
                               registration=registration), status
    try:
        promoted = services.cancel(registration, by_organiser=True, message=form.message.data)
    except services.RegistrationError as error:
        db.session.rollback()
        if error.field == "message":
            put_form_error(form, error, flash_otherwise=True)
            return render_template("manage/registration_cancel.html", event=event, form=form,
                                   registration=registration), 422
        flash(str(error.message), "error")
        return _back(slug)
    record(current_user, "registration.cancel", registration, event_id=event.id,
           promoted=[r.id for r in promoted] or None)
    db.session.commit()
    flash(_("The registration of %(name)s is cancelled.", name=registration.name or "?"),
          "success")
    for person in promoted:
        flash(_("%(name)s moved up from the waiting list.", name=person.name or "?"), "success")
    return _back(slug)


@bp.post("/registrations/<int:registration_id>/companions/<int:index>/remove")
@role_required(Role.ORGANISER)
def remove_companion(slug: str, registration_id: int, index: int):
    """Take one companion off a group; their place goes to the waiting list."""
    event = managed_event_or_abort(slug)
    registration = _registration_or_404(event, registration_id)
    try:
        promoted = services.remove_companion(registration, index)
    except services.RegistrationError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _back(slug)
    record(current_user, "registration.remove_companion", registration, event_id=event.id,
           companions=registration.companions, promoted=[r.id for r in promoted] or None)
    db.session.commit()
    flash(_("One companion of %(name)s is removed; the group now has %(num)d places.",
            name=registration.name or "?", num=registration.places), "success")
    for person in promoted:
        flash(_("%(name)s moved up from the waiting list.", name=person.name or "?"), "success")
    return _back(slug)


@bp.post("/registrations/<int:registration_id>/promote")
@role_required(Role.ORGANISER)
def promote(slug: str, registration_id: int):
    """Give one person on the waiting list a free place by hand."""
    event = managed_event_or_abort(slug)
    registration = _registration_or_404(event, registration_id)
    try:
        services.promote(registration)
    except services.RegistrationError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _back(slug)
    record(current_user, "registration.promote", registration, event_id=event.id)
    db.session.commit()
    flash(_("%(name)s now has a confirmed place.", name=registration.name or "?"), "success")
    return _back(slug)


@bp.post("/capacity")
@role_required(Role.ORGANISER)
def capacity(slug: str):
    """Change the number of places; new places go to the waiting list first."""
    event = managed_event_or_abort(slug)
    form = CapacityForm()
    if not form.validate_on_submit():
        return _render_workspace(event, form, 422)
    try:
        promoted = services.change_capacity(event, form.capacity.data)
    except services.RegistrationError as error:
        db.session.rollback()
        put_form_error(form, error, default_field="capacity")
        return _render_workspace(managed_event_or_abort(slug), form, 422)
    record(current_user, "event.capacity", event, capacity=form.capacity.data,
           promoted=len(promoted) or None)
    db.session.commit()
    flash(_("The number of places is changed."), "success")
    if promoted:
        flash(ngettext("%(num)d person moved up from the waiting list.",
                       "%(num)d people moved up from the waiting list.", len(promoted)), "success")
    return redirect(url_for(".workspace", slug=slug))


@bp.post("/registration/pause")
@role_required(Role.ORGANISER)
def pause(slug: str):
    """Close registration early."""
    event = managed_event_or_abort(slug)
    ws.pause_registration(event, by=current_user)
    db.session.commit()
    flash(_("Registration is closed. Reopen it whenever you like."), "success")
    return redirect(url_for(".workspace", slug=slug))


@bp.post("/registration/reopen")
@role_required(Role.ORGANISER)
def reopen(slug: str):
    """Reopen registration that was closed early."""
    event = managed_event_or_abort(slug)
    ws.reopen_registration(event, by=current_user)
    db.session.commit()
    flash(_("Registration is open again."), "success")
    return redirect(url_for(".workspace", slug=slug))


@bp.route("/message", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def message(slug: str):
    """Write a message to all confirmed or all waiting registrants, preview it, then send it."""
    event = managed_event_or_abort(slug)
    form = MessageForm()
    preview = None
    count = None
    if form.validate_on_submit():
        group = messages.MessageGroup(form.group.data)
        try:
            if request.form.get("action") == "send":
                sent = messages.send_organiser_message(
                    event, group, form.subject.data, form.body.data, by=current_user,
                    subject_en=form.subject_en.data, body_en=form.body_en.data,
                )
                db.session.commit()
                flash(ngettext("Your message is on its way to %(num)d person.",
                               "Your message is on its way to %(num)d people.", sent), "success")
                return redirect(url_for(".workspace", slug=slug))
            preview = messages.preview_organiser_message(
                event, form.subject.data, form.body.data,
                subject_en=form.subject_en.data, body_en=form.body_en.data)
            count = len(messages.recipients(event, group))
        except messages.MessageError as error:
            db.session.rollback()
            put_form_error(form, error, flash_otherwise=True)
    status = 422 if form.errors else 200
    return render_template("manage/message.html", event=event, form=form, preview=preview,
                           count=count), status


# --- questions of the registration form ------------------------------------------------------


def _question_or_404(event, question_id: int):
    question = db.session.get(questions.RegistrationQuestion, question_id)
    if question is None or question.event_id != event.id:
        abort(404)
    return question


@bp.route("/questions", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def question_list(slug: str):
    """The questions of the registration form, in order, and a form to add one."""
    event = managed_event_or_abort(slug)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            question = questions.add_question(event, form.to_details())
        except questions.QuestionError as error:
            db.session.rollback()
            put_form_error(form, error, flash_otherwise=True)
        else:
            record(current_user, "question.add", event, question_id=question.id)
            db.session.commit()
            flash(_("The question is added to the registration form."), "success")
            return redirect(url_for(".question_list", slug=slug))
    status = 422 if form.errors else 200
    kind_labels = {choice.value: choice.label for choice in form.kind.choices}
    return render_template("manage/questions.html", event=event, form=form,
                           questions=questions.questions_of(event),
                           kind_labels=kind_labels), status


@bp.route("/questions/<int:question_id>", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def question_edit(slug: str, question_id: int):
    """Change a question; earlier answers keep the wording they were given to."""
    event = managed_event_or_abort(slug)
    question = _question_or_404(event, question_id)
    form = QuestionForm(data=None if request.method == "POST" else question_form_data(question))
    if form.validate_on_submit():
        try:
            questions.update_question(question, form.to_details())
        except questions.QuestionError as error:
            db.session.rollback()
            put_form_error(form, error, flash_otherwise=True)
        else:
            record(current_user, "question.edit", event, question_id=question.id)
            db.session.commit()
            flash(_("The question is changed."), "success")
            return redirect(url_for(".question_list", slug=slug))
    status = 422 if form.errors else 200
    return render_template("manage/question_edit.html", event=event, form=form,
                           question=question), status


@bp.post("/questions/<int:question_id>/move")
@role_required(Role.ORGANISER)
def question_move(slug: str, question_id: int):
    """Move a question one place up or down."""
    event = managed_event_or_abort(slug)
    question = _question_or_404(event, question_id)
    questions.move_question(question, -1 if request.form.get("direction") == "up" else 1)
    db.session.commit()
    return redirect(url_for(".question_list", slug=slug))


@bp.post("/questions/<int:question_id>/remove")
@role_required(Role.ORGANISER)
def question_remove(slug: str, question_id: int):
    """Take a question off the form; answers given before stay with the registrations."""
    event = managed_event_or_abort(slug)
    question = _question_or_404(event, question_id)
    questions.remove_question(question)
    record(current_user, "question.remove", event, question_id=question_id)
    db.session.commit()
    flash(_("The question is removed from the form. Answers given before are kept."), "success")
    return redirect(url_for(".question_list", slug=slug))
#: Check-in at the door: find a registrant by name, e-mail, code or QR scan; walk-ins.
checkin_bp = Blueprint("checkin", __name__, url_prefix="/manage/events/<slug>/check-in")


def _render_check_in(event, walk_in: WalkInForm | None = None, status: int = 200):
    q = (request.values.get("q") or "").strip()[:200]
    if q:  # the search is audited: write transaction first (see _render_workspace)
        begin_write(db.session())
    results = ws.find_for_check_in(event, q) if q else []
    if q:
        record(current_user, "registrations.check_in_search", event, found=len(results))
        db.session.commit()
    return render_template(
        "manage/check_in.html",
        event=event,
        q=q,
        results=results,
        counts=ws.workspace_counts(event),
        walk_in=walk_in or WalkInForm(formdata=None),
    ), status


def _back_to_check_in(slug: str):
    q = (request.form.get("q") or "").strip()
    return redirect(url_for(".page", slug=slug, q=q or None))


@checkin_bp.get("", endpoint="page")
@role_required(Role.ORGANISER)
@logs_personal_data_view
def check_in_page(slug: str):
    """The check-in page: a search box, the people found, and the counts."""
    return _render_check_in(managed_event_or_abort(slug))


@checkin_bp.post("/<int:registration_id>", endpoint="check_in")
@role_required(Role.ORGANISER)
def check_in_registration(slug: str, registration_id: int):
    """Mark someone as present."""
    event = managed_event_or_abort(slug)
    registration = _registration_or_404(event, registration_id)
    try:
        services.check_in(registration)
    except services.RegistrationError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _back_to_check_in(slug)
    db.session.commit()
    flash(_("%(name)s is checked in.", name=registration.name or registration.code), "success")
    return _back_to_check_in(slug)


@checkin_bp.post("/<int:registration_id>/undo", endpoint="undo")
@role_required(Role.ORGANISER)
def undo_check_in(slug: str, registration_id: int):
    """Take back a check-in made by mistake."""
    event = managed_event_or_abort(slug)
    registration = _registration_or_404(event, registration_id)
    services.undo_check_in(registration)
    db.session.commit()
    flash(_("The check-in of %(name)s is undone.", name=registration.name or registration.code),
          "success")
    return _back_to_check_in(slug)


@checkin_bp.post("/walk-in", endpoint="walk_in")
@role_required(Role.ORGANISER)
def walk_in(slug: str):
    """Add someone who came without registering, and check them in at once."""
    event = managed_event_or_abort(slug)
    form = WalkInForm()
    if not form.validate_on_submit():
        return _render_check_in(event, form, 422)
    try:
        result = services.register(
            event,
            name=form.name.data or None,
            email=form.email.data or None,
            source=RegistrationSource.WALK_IN,
            consent=False,
        )
    except services.RegistrationError as error:
        db.session.rollback()
        # A full event is about the walk-in as a whole, not about the name typed.
        put_form_error(form, error)
        return _render_check_in(managed_event_or_abort(slug), form, 422)
    registration = result.registration
    if not result.created:
        # Already registered under this address: check that registration in instead.
        try:
            services.check_in(registration)
        except services.RegistrationError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return redirect(url_for(".page", slug=slug, q=registration.code))
    record(current_user, "registration.walk_in", registration, event_id=event.id)
    db.session.commit()
    flash(_("%(name)s is added and checked in.", name=registration.name or _("The walk-in")),
          "success")
    return redirect(url_for(".page", slug=slug))
