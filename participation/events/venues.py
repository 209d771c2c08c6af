"""Events held at a venue: the venue's facts copied onto each event, and kept in step."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from participation.database import utcnow
from participation.events.models import Event
from participation.extensions import db
from participation.places import services as places
from participation.places.models import Venue

#: Event columns holding a copy of the venue's facts (shown, searched, exported, in the API).
COPIED = {"venue_name": "name", "address": "address", "step_free": "step_free",
          "hearing_loop": "hearing_loop"}


def copy_onto(event: Event, venue: Venue | None) -> None:
    """Hold an event at a venue, with its facts (or take the venue away, keeping the text)."""
    event.venue = venue
    if venue is not None:
        for column, attribute in COPIED.items():
            setattr(event, column, getattr(venue, attribute))


def update_venue(venue: Venue, details: places.VenueDetails) -> Venue:
    """Change a venue; every event held there shows the new facts (and calendars update)."""
    places.update_venue(venue, details)
    # Through the ORM, one event at a time: the search texts (events.search) are refreshed on
    # flush, so the catalogue search finds an event by its venue's new name.
    now = utcnow()
    for event in db.session.scalars(sa.select(Event).where(Event.venue_id == venue.id)):
        for column, attribute in COPIED.items():
            setattr(event, column, getattr(venue, attribute))
        event.updated_at = now
    return venue


@dataclass
class Place:
    """A venue and the events of a listing held there (the catalogue's list of places)."""

    venue: Venue
    events: list[Event]


def places_of(events: list[Event]) -> list[Place]:
    """Group the events held at a venue with coordinates by venue, in the listing's order."""
    places: dict[int, Place] = {}
    for event in events:
        venue = event.venue
        if venue is None or not venue.has_coordinates:
            continue
        places.setdefault(venue.id, Place(venue, [])).events.append(event)
    return list(places.values())
