"""Venues: adding and changing them, and keeping the events held there in step."""

from __future__ import annotations

from dataclasses import dataclass, fields

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from participation.core.errors import DomainError
from participation.database import utcnow
from participation.extensions import db
from participation.places.models import DISTRICTS, Venue


class VenueError(DomainError):
    """A rule about venues was broken; ``field`` names the form field it concerns."""


@dataclass
class VenueDetails:
    """What an organiser fills in about a venue."""

    name: str
    address: str
    latitude: float | None = None
    longitude: float | None = None
    district: str | None = None
    step_free: bool = False
    hearing_loop: bool = False
    accessible_toilet: bool = False
    accessibility_nl: str | None = None
    accessibility_en: str | None = None
    getting_there_nl: str | None = None
    getting_there_en: str | None = None


def all_venues() -> list[Venue]:
    """Return every venue by name."""
    return list(db.session.scalars(sa.select(Venue).order_by(Venue.name, Venue.id)))


def _check(details: VenueDetails, venue: Venue | None) -> None:
    if details.district is not None and details.district not in DISTRICTS:
        raise VenueError(_l("Choose a district of Ghent from the list."), field="district")
    if (details.latitude is None) != (details.longitude is None):
        field = "longitude" if details.longitude is None else "latitude"
        raise VenueError(_l("Give both the latitude and the longitude, or neither."), field=field)
    taken = sa.select(Venue.id).where(sa.func.lower(Venue.name) == details.name.lower())
    if venue is not None and venue.id is not None:
        taken = taken.where(Venue.id != venue.id)
    if db.session.scalar(taken) is not None:
        raise VenueError(_l("A venue with this name already exists: pick it instead."),
                         field="name")


def create_venue(details: VenueDetails) -> Venue:
    """Add a venue organisers can pick for their events."""
    _check(details, None)
    venue = Venue(**{f.name: getattr(details, f.name) for f in fields(details)})
    db.session.add(venue)
    db.session.flush()
    return venue


def update_venue(venue: Venue, details: VenueDetails) -> Venue:
    """Change a venue (the events service keeps the events held there in step)."""
    _check(details, venue)
    for f in fields(details):
        setattr(venue, f.name, getattr(details, f.name))
    venue.updated_at = utcnow()
    db.session.flush()
    return venue
