"""Organisers' pages for their events: list, create, edit, publish, duplicate, cancel."""

from __future__ import annotations

from itertools import groupby

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from participation.accounts.access import role_required
from participation.accounts.models import Role
from participation.events import services_manage as manage
from participation.events.forms_manage import EventForm, form_data
from participation.events.manage_access import managed_event_or_abort
from participation.events.services import all_topics
from participation.extensions import db
from participation.places.services import all_venues
from participation.policy.models import PolicyAction, Priority

bp = Blueprint("manage_events", __name__, url_prefix="/manage/events")


def _prepare(form: EventForm) -> list[tuple[Priority, list[PolicyAction]]]:
    """Fill the form's choices; return the policy actions grouped by priority."""
    form.topic_id.choices = [SelectChoice("", _("Choose a topic"))] + [
        SelectChoice(t.id, t.t("name")) for t in all_topics()
    ]
    form.venue_id.choices = [SelectChoice("", _("Another place (type it below)"))] + [
        SelectChoice(v.id, f"{v.name}, {v.address}") for v in all_venues()
    ]
    actions = list(
        db.session.scalars(
            sa.select(PolicyAction)
            .join(PolicyAction.priority)
            .options(selectinload(PolicyAction.priority))
            .order_by(Priority.document_id, Priority.position, Priority.id, PolicyAction.code)
        )
    )
    form.actions.choices = [SelectChoice(a.id, f"{a.code} {a.t('title')}") for a in actions]
    return [(priority, list(group)) for priority, group in groupby(actions, lambda a: a.priority)]


def _render_form(form: EventForm, groups, event=None, status: int = 200):
    return render_template("manage/event_form.html", form=form, groups=groups, event=event), status


def _service_error(form: EventForm, error: manage.EventError) -> None:
    """Put a service error back on its form field (or flash it when it has none)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error.message)]
    else:
        flash(str(error.message), "error")


@bp.get("")
@role_required(Role.ORGANISER)
def event_list():
    """The events this organiser runs (every event for admins)."""
    return render_template("manage/events.html", events=manage.managed_events(current_user))


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def create():
    """Create a new event as a draft."""
    form = EventForm()
    groups = _prepare(form)
    if request.method == "GET":
        form.organiser_emails.data = current_user.email
        form.language.data = "nl"
    if form.validate_on_submit():
        try:
            event = manage.create_event(form.to_details(), by=current_user)
        except manage.EventError as error:
            db.session.rollback()
            _service_error(form, error)
            return _render_form(form, groups, status=422)
        db.session.commit()
        flash(_("The event was saved as a draft. Publish it when it is ready."), "success")
        return redirect(url_for(".overview", slug=event.slug))
    return _render_form(form, groups, status=422 if form.errors else 200)


@bp.get("/<slug>")
@role_required(Role.ORGANISER)
def overview(slug: str):
    """One event at a glance, with everything an organiser can do with it."""
    event = managed_event_or_abort(slug)
    return render_template("manage/event.html", event=event)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def edit(slug: str):
    """Change an event's details."""
    event = managed_event_or_abort(slug)
    form = EventForm(data=form_data(event)) if request.method == "GET" else EventForm()
    groups = _prepare(form)
    if form.validate_on_submit():
        try:
            manage.update_event(event, form.to_details(), by=current_user)
        except manage.EventError as error:
            db.session.rollback()
            _service_error(form, error)
            event = managed_event_or_abort(slug)
            return _render_form(form, groups, event, status=422)
        db.session.commit()
        flash(_("Your changes were saved."), "success")
        return redirect(url_for(".overview", slug=event.slug))
    return _render_form(form, groups, event, status=422 if form.errors else 200)


def _state_change(slug: str, change, message: str):
    event = managed_event_or_abort(slug)
    try:
        change(event, by=current_user)
    except manage.EventError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for(".overview", slug=slug))
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".overview", slug=event.slug))


@bp.post("/<slug>/publish")
@role_required(Role.ORGANISER)
def publish(slug: str):
    """Publish a draft event."""
    return _state_change(slug, manage.publish_event, _("The event is published."))


@bp.post("/<slug>/unpublish")
@role_required(Role.ORGANISER)
def unpublish(slug: str):
    """Take an event back to draft."""
    return _state_change(slug, manage.unpublish_event,
                         _("The event is back to draft and no longer public."))


@bp.post("/<slug>/duplicate")
@role_required(Role.ORGANISER)
def duplicate(slug: str):
    """Copy an event as a new draft."""
    event = managed_event_or_abort(slug)
    copy = manage.duplicate_event(event, by=current_user)
    db.session.commit()
    flash(_("This is a copy, saved as a draft. Change the dates before publishing."), "success")
    return redirect(url_for(".edit", slug=copy.slug))


@bp.route("/<slug>/cancel", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def cancel(slug: str):
    """Ask for confirmation, then cancel the event and tell every registrant."""
    event = managed_event_or_abort(slug)
    if request.method == "GET":
        return render_template("manage/cancel.html", event=event)
    return _state_change(slug, manage.cancel_event,
                         _("The event is cancelled. Every registrant will get a mail."))
