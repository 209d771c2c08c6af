"""Demo content of issue 18 (venues, ...), kept as data and loaded through the services."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from participation.events.models import Event
from participation.events.venues import copy_onto
from participation.extensions import db
from participation.places import services as places
from participation.places.models import Venue

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
    for event in db.session.scalars(sa.select(Event).where(Event.venue_id.is_(None))):
        venue: Venue | None = venues.get(event.venue_name or "")
        if venue is not None:
            copy_onto(event, venue)
    db.session.flush()
    return added
