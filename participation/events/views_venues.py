"""Organisers' pages for venues: the list, adding one, changing one."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from participation.accounts.access import role_required
from participation.accounts.models import Role
from participation.events import venues as event_venues
from participation.extensions import db
from participation.places import services as places
from participation.places.forms import VenueForm, venue_data
from participation.places.models import Venue

bp = Blueprint("manage_venues", __name__, url_prefix="/manage/venues")


def _render(form: VenueForm, venue: Venue | None = None, status: int = 200):
    return render_template("manage/venue_form.html", form=form, venue=venue), status


def _service_error(form: VenueForm, error: places.VenueError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    if field is None:
        flash(str(error.message), "error")
    else:
        field.errors = [*field.errors, str(error.message)]


@bp.get("")
@role_required(Role.ORGANISER)
def venue_list():
    """Every venue, to pick from when creating an event."""
    return render_template("manage/venues.html", venues=places.all_venues())


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def create():
    """Add a venue once; organisers then pick it for their events."""
    form = VenueForm()
    if form.validate_on_submit():
        try:
            places.create_venue(form.to_details())
        except places.VenueError as error:
            db.session.rollback()
            _service_error(form, error)
            return _render(form, status=422)
        db.session.commit()
        flash(_("The venue was added. You can now pick it for your events."), "success")
        return redirect(url_for(".venue_list"))
    return _render(form, status=422 if form.errors else 200)


@bp.route("/<int:venue_id>/edit", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def edit(venue_id: int):
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
            _service_error(form, error)
            return _render(form, db.session.get(Venue, venue_id), status=422)
        db.session.commit()
        flash(_("Your changes were saved; every event at this venue shows them."), "success")
        return redirect(url_for(".venue_list"))
    return _render(form, venue, status=422 if form.errors else 200)
