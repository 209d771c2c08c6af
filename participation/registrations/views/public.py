"""Registering for an event, the manage link pages, and 'My registrations'."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from participation.core.forms import put_form_error
from participation.core.limits import (
    MAILBOX_LIMIT,
    REGISTRATION_LIMIT,
    counts_against_limit,
    mailbox_key,
)
from participation.database import utcnow
from participation.events import calendars
from participation.events import services as event_services
from participation.extensions import db, limiter
from participation.registrations import services
from participation.registrations.forms import (
    CancelForm,
    ConfirmPlaceForm,
    RegistrationForm,
    RemoveCompanionForm,
    answers_from,
    names_from_lines,
    registration_form,
)
from participation.registrations.models import Registration, RegistrationStatus

bp = Blueprint("registrations", __name__)


def _public_event(slug: str):
    # The registration pages do not show the actions the event is about.
    return event_services.get_public_event(slug, with_actions=False)


def _signed_in_user():
    return current_user._get_current_object() if current_user.is_authenticated else None


def _render_form(event, form: RegistrationForm, status: int = 200, blank: bool = False):
    """``blank``: nothing typed or filled in (the form may then come from the page cache)."""
    return render_template("registrations/register.html", event=event, form=form,
                           blank_form=blank), status


def _render_closed(event, reason: str, status: int = 200):
    message = services.CLOSED_MESSAGES.get(reason, services.CLOSED_MESSAGES["closed"])
    return (
        render_template("registrations/closed.html", event=event, reason=reason, message=message),
        status,
    )


@bp.route("/events/<slug>/register", methods=["GET", "POST"])
@limiter.limit(REGISTRATION_LIMIT, methods=["POST"], deduct_when=counts_against_limit)
@limiter.limit(MAILBOX_LIMIT, methods=["POST"], key_func=mailbox_key,
               deduct_when=counts_against_limit)
def register(slug: str):
    """The registration form; a valid form gives a place or a place on the waiting list."""
    if request.method == "POST":
        return _post_registration(slug)
    event, asked = services.event_to_register_for(slug, counters_now=True)
    form = registration_form(asked)
    reason = services.window_reason(event, utcnow())
    if reason:
        return _render_closed(event, reason)
    user = _signed_in_user()
    if user is not None:
        form.name.data = user.name
        form.email.data = user.email
    return _render_form(event, form, blank=user is None)


def _post_registration(slug: str):
    # The event and its questions as kept (the service reads the event again under its lock).
    event, asked = services.event_to_register_for(slug)
    form = registration_form(asked)
    if not form.validate_on_submit():
        db.session.refresh(event)  # the form shows the places left as they are now
        return _render_form(event, form, 422)
    try:
        services.register_and_commit(
            event,
            name=form.name.data,
            email=form.email.data,
            companions=form.companions.data or 0,
            companion_names=names_from_lines(form.companion_names.data),
            answers=answers_from(form),
            organisation=form.organisation_name(),
            needs_step_free=form.needs_step_free.data,
            needs_hearing_loop=form.needs_hearing_loop.data,
            needs_sign_language=form.needs_sign_language.data,
            needs_other=form.needs_other.data,
            # A signed-in resident's mails come in their account's mail language.
            locale=user.locale if (user := _signed_in_user()) else str(get_locale() or "nl"),
            user=user,
            consent=form.consent.data,
            client_address=request.remote_addr,
            asked=asked,
        )
    except services.RegistrationClosed as error:
        db.session.rollback()
        return _render_closed(event, error.reason, 409)
    except services.RegistrationError as error:
        db.session.rollback()
        put_form_error(form, error)
        return _render_form(event, form, 422)
    # The same answer whether the address was new or already registered: only the mail
    # (to that address) says which, so nobody learns who attends what.
    return redirect(url_for("registrations.check_mail", slug=slug), 303)


@bp.get("/events/<slug>/register/check-your-mail")
def check_mail(slug: str):
    """After registering: the details are in the mail, whatever happened."""
    event = _public_event(slug)
    return render_template("registrations/check_mail.html", event=event)


#: Pages reached through a manage link show personal data: never keep them in a cache.
PRIVATE = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"}


def _registration_or_error(token: str) -> Registration | tuple:
    try:
        return services.registration_from_token(token)
    except services.InvalidManageLink as error:
        db.session.rollback()
        return (
            render_template("registrations/invalid_link.html", message=str(error.message),
                            reason=error.reason),
            404,
        )


def _can_cancel(registration: Registration) -> bool:
    return (
        registration.status != RegistrationStatus.CANCELLED
        and registration.event.starts_at > utcnow()
    )


def _manage_context(registration: Registration, token: str) -> dict:
    return {
        "needs_confirmation": services.needs_confirmation(registration),
        "confirm_form": ConfirmPlaceForm(),
        "registration": registration,
        "event": registration.event,
        "token": token,
        "position": services.waiting_list_position(registration),
        "can_cancel": _can_cancel(registration),
        # The same moment as cancelling: until the event starts, while the registration holds.
        "can_change_group": _can_cancel(registration) and registration.companions > 0,
        "status_label": services.status_label(registration.status),
    }


@bp.get("/registrations/<token>")
def manage(token: str):
    """A registration seen through its manage link: details, status, calendar, cancel."""
    registration = _registration_or_error(token)
    if not isinstance(registration, Registration):
        return registration
    response = render_template("registrations/manage.html",
                               **_manage_context(registration, token))
    return response, 200, PRIVATE


@bp.post("/registrations/<token>/confirm")
@limiter.limit(REGISTRATION_LIMIT)
def confirm(token: str):
    """Confirm the place with the button on the page the mailed link opens."""
    registration = _registration_or_error(token)
    if not isinstance(registration, Registration):
        return registration
    if not ConfirmPlaceForm().validate_on_submit():
        return redirect(url_for("registrations.manage", token=token), 303)
    try:
        services.confirm_by_mail(registration)
    except services.RegistrationError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("registrations.manage", token=token), 303)
    db.session.commit()
    flash(_("Thank you: your registration is confirmed."), "success")
    return redirect(url_for("registrations.manage", token=token), 303)


@bp.post("/registrations/<token>/companions/<int:index>/remove")
@limiter.limit(REGISTRATION_LIMIT)
def remove_companion(token: str, index: int):
    """Take one of the people coming along off the registration; their place comes free."""
    registration = _registration_or_error(token)
    if not isinstance(registration, Registration):
        return registration
    if not RemoveCompanionForm().validate_on_submit():
        return redirect(url_for("registrations.manage", token=token), 303)
    try:
        services.remove_companion(registration, index, by_registrant=True)
    except services.RegistrationError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("registrations.manage", token=token), 303)
    db.session.commit()
    flash(_("Done: one person less comes with you. We have sent you a confirmation by mail."),
          "success")
    return redirect(url_for("registrations.manage", token=token), 303)


@bp.get("/registrations/<token>/calendar.ics")
def manage_ics(token: str):
    """The event of a registration as a calendar file."""
    registration = _registration_or_error(token)
    if not isinstance(registration, Registration):
        return registration
    event = registration.event
    url = url_for("events.event_detail", slug=event.slug, _external=True)
    return Response(
        calendars.event_calendar(
            event, url, with_online_link=registration.status == RegistrationStatus.CONFIRMED
        ),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{event.slug}.ics"', **PRIVATE},
    )


@bp.route("/registrations/<token>/cancel", methods=["GET", "POST"])
@limiter.limit(REGISTRATION_LIMIT, methods=["POST"])
def cancel(token: str):
    """Ask for confirmation (GET), then cancel the registration (POST)."""
    registration = _registration_or_error(token)
    if not isinstance(registration, Registration):
        return registration
    form = CancelForm()
    context = _manage_context(registration, token)
    if registration.status == RegistrationStatus.CANCELLED:
        flash(_("This registration was already cancelled."), "info")
        return redirect(url_for("registrations.manage", token=token), 303)
    if request.method == "GET" or not form.validate_on_submit():
        status = 200 if request.method == "GET" else 400
        return render_template("registrations/cancel.html", form=form, **context), status, PRIVATE
    try:
        services.cancel(registration, reason=form.reason.data or None)
    except services.RegistrationError as error:
        db.session.rollback()
        put_form_error(form, error)
        return render_template("registrations/cancel.html", form=form, **context), 422, PRIVATE
    db.session.commit()
    flash(_("Your registration is cancelled. We have sent you a confirmation by mail."), "success")
    return redirect(url_for("registrations.manage", token=token), 303)


@bp.get("/my/registrations")
@login_required
def my_registrations():
    """A signed-in resident's registrations, with a link to manage each."""
    registrations = services.registrations_of_user(current_user)
    now = utcnow()
    rows = [
        {
            "registration": r,
            "token": services.manage_token(r),
            "position": services.waiting_list_position(r),
            "status_label": services.status_label(r.status),
            "past": r.event.ends_at < now,
        }
        for r in registrations
    ]
    return render_template(
        "registrations/my_registrations.html",
        upcoming=[row for row in rows if not row["past"]],
        past=[row for row in rows if row["past"]],
    )
