"""Organisers' pages for their events: list, create, edit, publish, duplicate, cancel."""

from __future__ import annotations

from itertools import groupby

import sqlalchemy as sa
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
from flask_login import current_user
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from participation.accounts.access import role_required
from participation.accounts.models import Role
from participation.core.forms import put_form_error
from participation.events import images as event_images
from participation.events import services_manage as manage
from participation.events import venues as event_venues
from participation.events.forms_manage import EventForm, EventImageForm, form_data
from participation.events.manage_access import managed_event_or_abort
from participation.events.services import all_topics
from participation.extensions import db
from participation.images.services import MAX_BYTES, AltText, ImageError
from participation.places import services as places
from participation.places.forms import VenueForm, venue_data
from participation.places.models import Venue
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
            put_form_error(form, error, flash_otherwise=True)
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
            put_form_error(form, error, flash_otherwise=True)
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


# --- venues: typed once, picked for each event ----------------------------------------

venues_bp = Blueprint("manage_venues", __name__, url_prefix="/manage/venues")


def _render_venue(form: VenueForm, venue: Venue | None = None, status: int = 200):
    return render_template("manage/venue_form.html", form=form, venue=venue), status


@venues_bp.get("")
@role_required(Role.ORGANISER)
def venue_list():
    """Every venue, to pick from when creating an event."""
    return render_template("manage/venues.html", venues=places.all_venues())


@venues_bp.route("/new", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def new_venue():
    """Add a venue once; organisers then pick it for their events."""
    form = VenueForm()
    if form.validate_on_submit():
        try:
            places.create_venue(form.to_details())
        except places.VenueError as error:
            db.session.rollback()
            put_form_error(form, error, flash_otherwise=True)
            return _render_venue(form, status=422)
        db.session.commit()
        flash(_("The venue was added. You can now pick it for your events."), "success")
        return redirect(url_for(".venue_list"))
    return _render_venue(form, status=422 if form.errors else 200)


@venues_bp.route("/<int:venue_id>/edit", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def edit_venue(venue_id: int):
    """Change a venue: every event held there shows the new facts."""
    venue = db.session.get(Venue, venue_id)
    if venue is None:
        abort(404)
    form = VenueForm(data=venue_data(venue)) if request.method == "GET" else VenueForm()
    if form.validate_on_submit():
        try:
            event_venues.update_venue(venue, form.to_details())
        except places.VenueError as error:
            db.session.rollback()
            put_form_error(form, error, flash_otherwise=True)
            return _render_venue(form, db.session.get(Venue, venue_id), status=422)
        db.session.commit()
        flash(_("Your changes were saved; every event at this venue shows them."), "success")
        return redirect(url_for(".venue_list"))
    return _render_venue(form, venue, status=422 if form.errors else 200)


# --- the event's image ---------------------------------------------------------------

images_bp = Blueprint("manage_event_images", __name__, url_prefix="/manage/events")


@images_bp.url_value_preprocessor
def _allow_large_uploads(endpoint, values) -> None:
    # Runs before every before_request hook (the CSRF check reads the form): lift the
    # site-wide request size limit for image uploads only.
    if endpoint == "manage_event_images.upload" and request.method == "POST":
        request.max_content_length = max(
            MAX_BYTES + 256 * 1024, current_app.config.get("MAX_CONTENT_LENGTH") or 0)


def _render_image(event, form, status=200):
    return render_template("manage/event_image.html", event=event, form=form,
                           languages=event_images.alt_languages(event)), status


@images_bp.route("/<slug>/image", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def upload(slug: str):
    """Upload or replace the event's image."""
    event = managed_event_or_abort(slug)
    form = EventImageForm()
    if request.method == "GET" and event.image is not None:
        form.alt_nl.data, form.alt_en.data = event.image.alt_nl, event.image.alt_en
    if form.validate_on_submit():
        try:
            event_images.set_event_image(event, form.image.data.read(),
                                         AltText(form.alt_nl.data, form.alt_en.data),
                                         by=current_user)
        except ImageError as error:
            db.session.rollback()
            event = managed_event_or_abort(slug)
            put_form_error(form, error, "image")
            return _render_image(event, form, 422)
        db.session.commit()
        flash(_("The image was saved."), "success")
        return redirect(url_for("manage_events.overview", slug=event.slug))
    return _render_image(event, form, 422 if form.errors else 200)


@images_bp.post("/<slug>/image/remove")
@role_required(Role.ORGANISER)
def remove(slug: str):
    """Remove the event's own image (its topic's image shows again)."""
    event = managed_event_or_abort(slug)
    event_images.remove_event_image(event, by=current_user)
    db.session.commit()
    flash(_("The image was removed."), "success")
    return redirect(url_for("manage_events.overview", slug=event.slug))
