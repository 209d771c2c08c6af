"""Demo content of issue 18 (venues, ...), kept as data and loaded through the services."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from participation.accounts import services as accounts
from participation.events.models import Event
from participation.events.venues import copy_onto
from participation.extensions import db
from participation.places import services as places
from participation.places.models import Venue
from participation.policy import follows
from participation.policy.models import PolicyAction, Priority

DATA = Path(__file__).resolve().parents[1] / "demo_data"


def load_demo_venues() -> int:
    """Add the demo venues that are missing and hold the demo events there; return how many."""
    known = {v.name for v in places.all_venues()}
    added = 0
    for data in json.loads((DATA / "venues.json").read_text(encoding="utf-8")):
        if data["name"] not in known:
            places.create_venue(places.VenueDetails(**data))
            added += 1
    venues = {v.name: v for v in places.all_venues()}
    contact = json.loads((DATA / "contact.json").read_text(encoding="utf-8"))
    for event in db.session.scalars(sa.select(Event).where(Event.venue_id.is_(None))):
        venue: Venue | None = venues.get(event.venue_name or "")
        if venue is not None:
            copy_onto(event, venue)
        if not event.contact_email:
            for name, value in contact.items():
                setattr(event, name, value)
    db.session.flush()
    return added


def load_demo_followers() -> int:
    """Create the demo residents who follow actions and priorities; return the follows added."""
    added = 0
    for data in json.loads((DATA / "followers.json").read_text(encoding="utf-8")):
        user, _created = accounts.create_user(data["email"], data["name"], None)
        user.locale = data["locale"]
        subjects = [
            *db.session.scalars(sa.select(PolicyAction).where(
                PolicyAction.code.in_(data["actions"]))),
            *db.session.scalars(sa.select(Priority).where(Priority.slug.in_(data["priorities"]))),
        ]
        for subject in subjects:
            if not follows.is_following(user, subject):
                follows.follow(user, subject)
                added += 1
    return added
