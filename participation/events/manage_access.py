"""Loading an event for its organisers: 404 when it does not exist, 403 when not theirs."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from participation.events.models import Event
from participation.events.services_manage import can_manage, get_event_by_slug


def managed_event_or_abort(slug: str) -> Event:
    """Return the event with this slug if the signed-in user manages it; abort otherwise."""
    event = get_event_by_slug(slug)
    if event is None:
        abort(404)
    if not can_manage(current_user, event):
        abort(403)
    return event
