"""Demo content of issue 18 (venues, contacts, images, followers): data files in
``participation/demo/`` loaded through the services."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import sqlalchemy as sa
from PIL import Image as PILImage
from PIL import ImageDraw

from participation.accounts import services as accounts
from participation.events import images as event_images
from participation.events.models import Event, Topic
from participation.events.venues import copy_onto
from participation.extensions import db
from participation.images.services import AltText
from participation.places import services as places
from participation.places.models import Venue
from participation.policy import follows
from participation.policy.models import PolicyAction, Priority

DATA = Path(__file__).resolve().parents[1] / "demo"


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


def draw_demo_picture(colours: list[str], shape: str, size=(960, 540)) -> bytes:
    """Draw a simple abstract picture (PNG) for demo topics and events."""
    background, accent, light = colours
    picture = PILImage.new("RGB", size, light)
    draw = ImageDraw.Draw(picture)
    width, height = size
    draw.rectangle((0, height * 2 // 3, width, height), fill=background)
    for n in range(12):
        x, y = (n * 89) % width, (n * 53) % (height * 2 // 3)
        if shape == "stars":
            cx, cy = width / 2 + 180 * math.cos(n * math.pi / 6), height / 2.6 + 180 * math.sin(
                n * math.pi / 6)
            points = [(cx + 22 * math.cos(k * 4 * math.pi / 5 - math.pi / 2),
                       cy + 22 * math.sin(k * 4 * math.pi / 5 - math.pi / 2)) for k in range(5)]
            draw.polygon(points, fill=accent)
        elif shape == "waves":
            draw.arc((x - 120, y + 40 - n * 12, x + 120, y + 160 - n * 12), 180, 360,
                     fill=background, width=10)
        elif shape == "leaves":
            draw.ellipse((x, y, x + 110, y + 50), fill=accent if n % 2 else background)
        else:
            draw.ellipse((x, y, x + 140, y + 140), outline=accent, width=12)
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


def load_demo_images() -> int:
    """Give the demo topics their default image and a few demo events their own; return how
    many images were added (through the same checks and re-encoding as uploads)."""
    data = json.loads((DATA / "images.json").read_text(encoding="utf-8"))
    added = 0
    for topic in db.session.scalars(sa.select(Topic).where(Topic.image_id.is_(None))):
        spec = data["topics"].get(topic.slug)
        if spec:
            event_images.set_topic_image(topic, draw_demo_picture(spec["colours"], spec["shape"]),
                                         AltText(spec["alt_nl"], spec["alt_en"]))
            added += 1
    events = db.session.scalars(sa.select(Event).where(
        Event.slug.in_(data["events"]), Event.image_id.is_(None)))
    for event in events:
        spec = data["events"][event.slug]
        event_images.set_event_image(event, draw_demo_picture(spec["colours"], spec["shape"]),
                                     AltText(spec["alt_nl"], spec["alt_en"]), by=None)
        added += 1
    return added
