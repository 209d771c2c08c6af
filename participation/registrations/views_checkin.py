"""Check-in at the door: find a registrant by name, e-mail, code or QR scan; walk-ins."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participation.accounts.access import role_required
from participation.accounts.models import Role
from participation.audit.services import record
from participation.events.manage_access import managed_event_or_abort
from participation.extensions import db
from participation.registrations import services
from participation.registrations import workspace as ws
from participation.registrations.forms_manage import WalkInForm
from participation.registrations.models import RegistrationSource

bp = Blueprint("checkin", __name__, url_prefix="/manage/events/<slug>/check-in")


def _render(event, walk_in: WalkInForm | None = None, status: int = 200):
    q = (request.values.get("q") or "").strip()[:200]
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


def _back(slug: str):
    q = (request.form.get("q") or "").strip()
    return redirect(url_for(".page", slug=slug, q=q or None))


@bp.get("")
@role_required(Role.ORGANISER)
def page(slug: str):
    """The check-in page: a search box, the people found, and the counts."""
    return _render(managed_event_or_abort(slug))


def _registration(event, registration_id: int):
    registration = ws.get_registration(event, registration_id)
    if registration is None:
        abort(404)
    return registration


@bp.post("/<int:registration_id>")
@role_required(Role.ORGANISER)
def check_in(slug: str, registration_id: int):
    """Mark someone as present."""
    event = managed_event_or_abort(slug)
    registration = _registration(event, registration_id)
    try:
        services.check_in(registration)
    except services.RegistrationError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _back(slug)
    db.session.commit()
    flash(_("%(name)s is checked in.", name=registration.name or registration.code), "success")
    return _back(slug)


@bp.post("/<int:registration_id>/undo")
@role_required(Role.ORGANISER)
def undo(slug: str, registration_id: int):
    """Take back a check-in made by mistake."""
    event = managed_event_or_abort(slug)
    registration = _registration(event, registration_id)
    services.undo_check_in(registration)
    db.session.commit()
    flash(_("The check-in of %(name)s is undone.", name=registration.name or registration.code),
          "success")
    return _back(slug)


@bp.post("/walk-in")
@role_required(Role.ORGANISER)
def walk_in(slug: str):
    """Add someone who came without registering, and check them in at once."""
    event = managed_event_or_abort(slug)
    form = WalkInForm()
    if not form.validate_on_submit():
        return _render(event, form, 422)
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
        target = getattr(form, error.field, None) if error.field else None
        if target is not None:
            target.errors = [*target.errors, str(error.message)]
        else:
            form.name.errors = [*form.name.errors, str(error.message)]
        return _render(managed_event_or_abort(slug), form, 422)
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
