"""Organisers' page for an event's image: upload one (with alt text) or remove it."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participation.accounts.access import role_required
from participation.accounts.models import Role
from participation.events import images as event_images
from participation.events.forms_manage import EventImageForm
from participation.events.manage_access import managed_event_or_abort
from participation.extensions import db
from participation.images.services import MAX_BYTES, AltText, ImageError

bp = Blueprint("manage_event_images", __name__, url_prefix="/manage/events")


@bp.url_value_preprocessor
def _allow_large_uploads(endpoint, values) -> None:
    # Runs before every before_request hook (the CSRF check reads the form): lift the
    # site-wide request size limit for image uploads only.
    if endpoint == "manage_event_images.upload" and request.method == "POST":
        request.max_content_length = max(
            MAX_BYTES + 256 * 1024, current_app.config.get("MAX_CONTENT_LENGTH") or 0)


def _render(event, form, status=200):
    return render_template("manage/event_image.html", event=event, form=form,
                           languages=event_images.alt_languages(event)), status


@bp.route("/<slug>/image", methods=["GET", "POST"])
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
            getattr(form, error.field).errors.append(str(error.message))
            return _render(event, form, 422)
        db.session.commit()
        flash(_("The image was saved."), "success")
        return redirect(url_for("manage_events.overview", slug=event.slug))
    return _render(event, form, 422 if form.errors else 200)


@bp.post("/<slug>/image/remove")
@role_required(Role.ORGANISER)
def remove(slug: str):
    """Remove the event's own image (its topic's image shows again)."""
    event = managed_event_or_abort(slug)
    event_images.remove_event_image(event, by=current_user)
    db.session.commit()
    flash(_("The image was removed."), "success")
    return redirect(url_for("manage_events.overview", slug=event.slug))
