"""Organisers' rules for events: who may manage one, and creating, editing, publishing,
unpublishing, duplicating and cancelling events."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from participation.accounts.models import Role, User
from participation.audit.services import record
from participation.core.errors import DomainError
from participation.core.text import is_single_line
from participation.database import begin_write, utcnow
from participation.events import signals
from participation.events.models import Event, EventLanguage, EventStatus, Topic, event_organisers
from participation.events.venues import copy_onto
from participation.extensions import db
from participation.places.models import Venue
from participation.policy.models import PolicyAction

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 120
#: How residents reach the organisers, shown on the event page.
CONTACT_FIELDS = ("contact_service_nl", "contact_service_en", "contact_email", "contact_phone")


class EventError(DomainError):
    """A rule about events was broken; ``field`` names the form field it concerns."""


@dataclass
class EventDetails:
    """Everything an organiser fills in about an event; datetimes are aware (UTC).

    Texts come in Dutch (``_nl``), English (``_en``) or both; title and summary need at
    least one language.
    """

    topic_id: int
    starts_at: datetime
    ends_at: datetime
    title_nl: str | None = None
    title_en: str | None = None
    summary_nl: str | None = None
    summary_en: str | None = None
    slug: str | None = None
    description_nl: str | None = None
    description_en: str | None = None
    #: A venue record; its name, address and access facts replace the typed ones.
    venue_id: int | None = None
    venue_name: str | None = None
    address: str | None = None
    online_url: str | None = None
    public_transport_nl: str | None = None
    public_transport_en: str | None = None
    bike_nl: str | None = None
    bike_en: str | None = None
    step_free: bool = False
    hearing_loop: bool = False
    sign_language_on_request: bool = False
    accessibility_notes_nl: str | None = None
    accessibility_notes_en: str | None = None
    contact_service_nl: str | None = None
    contact_service_en: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    language: EventLanguage = EventLanguage.DUTCH
    capacity: int | None = None
    #: How many people one registration may bring along (0 = none).
    companions_allowed: int = 0
    #: The most places one organisation may hold (None = no limit).
    places_per_organisation: int | None = None
    #: Hours people have to confirm their place with the link in their mail; None: no need.
    confirm_within_hours: int | None = None
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    action_ids: list[int] = field(default_factory=list)
    #: E-mail addresses of every organiser of the event.
    organiser_emails: list[str] = field(default_factory=list)


def can_manage(user, event: Event) -> bool:
    """Tell whether ``user`` may manage ``event``: admins always, organisers of the event."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_admin:
        return True
    if not user.has_role(Role.ORGANISER):
        return False
    return any(organiser.id == user.id for organiser in event.organisers)


def managed_events(user: User) -> list[Event]:
    """Return the events ``user`` manages (every event for admins), soonest first."""
    query = sa.select(Event).options(selectinload(Event.organisers))
    if not user.is_admin:
        query = query.join(event_organisers, event_organisers.c.event_id == Event.id).where(
            event_organisers.c.user_id == user.id
        )
    return list(db.session.scalars(query.order_by(Event.starts_at.desc(), Event.id)))


def get_event_by_slug(slug: str) -> Event | None:
    """Return any event (draft, published or cancelled) by its slug."""
    return db.session.scalar(
        sa.select(Event)
        .where(Event.slug == slug)
        .options(selectinload(Event.organisers), selectinload(Event.actions))
    )


def slugify(text: str) -> str:
    """Turn a title into a slug: lowercase ASCII words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:SLUG_MAX].rstrip("-") or "event"


def _slug_taken(slug: str, exclude_id: int | None) -> bool:
    query = sa.select(Event.id).where(Event.slug == slug)
    if exclude_id is not None:
        query = query.where(Event.id != exclude_id)
    return db.session.scalar(query) is not None


def unique_slug(base: str, exclude_id: int | None = None) -> str:
    """Return ``base`` or ``base-2``, ``base-3``, ... whichever no other event uses."""
    base = base[: SLUG_MAX - 4].rstrip("-")
    candidate, n = base, 1
    while _slug_taken(candidate, exclude_id):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


#: Every text column of an event, in both languages.
TEXT_COLUMNS = tuple(f"{f}_{lang}" for f in Event.BILINGUAL_FIELDS for lang in ("nl", "en"))


def _check_rules(details: EventDetails) -> None:
    for name in TEXT_COLUMNS:  # an empty text is no text: the other language is shown
        setattr(details, name, (getattr(details, name) or "").strip() or None)
    if not (details.title_nl or details.title_en):
        raise EventError(_l("Enter a title, in Dutch, English or both."), field="title_nl")
    if not (details.summary_nl or details.summary_en):
        raise EventError(_l("Enter a short summary, in Dutch, English or both."),
                         field="summary_nl")
    for name in ("title_nl", "title_en"):
        if getattr(details, name) and not is_single_line(getattr(details, name)):
            raise EventError(
                _l("Write the title on one line, without special control characters."),
                field=name,
            )
    if details.ends_at <= details.starts_at:
        raise EventError(_l("The end must be after the start."), field="ends_at")
    opens, closes = details.registration_opens_at, details.registration_closes_at
    if opens and closes and closes <= opens:
        raise EventError(
            _l("Registration must close after it opens."), field="registration_closes_at"
        )
    if details.confirm_within_hours is not None and not 1 <= details.confirm_within_hours <= 168:
        raise EventError(_l("Give between 1 and 168 hours (a week), or leave it empty."),
                         field="confirm_within_hours")
    if details.capacity is not None and details.capacity < 0:
        raise EventError(_l("The number of places cannot be negative."), field="capacity")
    if details.venue_id is not None and db.session.get(Venue, details.venue_id) is None:
        raise EventError(_l("Choose a venue from the list."), field="venue_id")
    if not (details.venue_id or details.venue_name or details.address or details.online_url):
        raise EventError(_l("Give an address, a venue or an online link."), field="address")
    if db.session.get(Topic, details.topic_id) is None:
        raise EventError(_l("Choose a topic."), field="topic_id")


def _resolve_slug(details: EventDetails, event: Event | None) -> str:
    exclude = event.id if event is not None else None
    if details.slug:
        slug = details.slug.strip().lower()
        if not SLUG_PATTERN.match(slug) or len(slug) > SLUG_MAX:
            raise EventError(
                _l("The web address may only hold lowercase letters, digits and hyphens."),
                field="slug",
            )
        if _slug_taken(slug, exclude):
            raise EventError(_l("Another event already uses this web address."), field="slug")
        return slug
    if event is not None:
        return event.slug
    return unique_slug(slugify(details.title_nl or details.title_en or ""), exclude)


def _resolve_organisers(emails: list[str], by: User) -> list[User]:
    wanted = []
    for email in emails:
        email = email.strip().lower()
        if email and email not in wanted:
            wanted.append(email)
    users = {
        u.email: u for u in db.session.scalars(sa.select(User).where(User.email.in_(wanted)))
    }
    organisers = []
    for email in wanted:
        user = users.get(email)
        if user is None or not user.has_role(Role.ORGANISER):
            # One answer for "no account" and "not an organiser": this field must not tell
            # who has an account. gettext, not lazy_gettext: lazy strings count as safe
            # HTML in templates, and this message carries what the organiser typed.
            raise EventError(
                _("%(email)s is not an organiser on this platform; an admin can give an "
                  "account that role.", email=email),
                field="organiser_emails",
            )
        organisers.append(user)
    if not organisers:
        raise EventError(_l("An event needs at least one organiser."), field="organiser_emails")
    if not by.is_admin and by not in organisers:
        raise EventError(
            _l("You cannot remove yourself; ask another organiser or an admin."),
            field="organiser_emails",
        )
    return organisers


def _apply(event: Event, details: EventDetails, by: User) -> None:
    event.slug = _resolve_slug(details, event if event.id else None)
    event.organisers = _resolve_organisers(details.organiser_emails, by)
    for name in (
        *TEXT_COLUMNS, "topic_id", "starts_at", "ends_at", "venue_name",
        "address", "online_url", "step_free", "hearing_loop",
        "sign_language_on_request", "language",
        "registration_opens_at", "registration_closes_at", "companions_allowed",
        "places_per_organisation", "confirm_within_hours",
        *CONTACT_FIELDS,
    ):
        setattr(event, name, getattr(details, name))
    venue = db.session.get(Venue, details.venue_id) if details.venue_id is not None else None
    copy_onto(event, venue)
    actions = []
    if details.action_ids:
        actions = list(
            db.session.scalars(
                sa.select(PolicyAction)
                .where(PolicyAction.id.in_(details.action_ids))
                .order_by(PolicyAction.code)
            )
        )
    event.actions = actions


def create_event(details: EventDetails, *, by: User) -> Event:
    """Create a draft event; the creator must be among its organisers unless an admin."""
    _check_rules(details)
    event = Event(status=EventStatus.DRAFT, capacity=details.capacity)
    _apply(event, details, by)
    db.session.add(event)
    db.session.flush()
    record(by, "event.create", event, slug=event.slug)
    return event


def update_event(event: Event, details: EventDetails, *, by: User) -> Event:
    """Change an event's details; changing the capacity follows the registration rules."""
    # Open the write transaction before changing anything: the capacity rule locks the event.
    begin_write(db.session())
    if event.status == EventStatus.CANCELLED:
        raise EventError(_l("A cancelled event can no longer be changed."))
    _check_rules(details)
    _apply(event, details, by)
    if details.capacity != event.capacity:
        _change_capacity(event, details.capacity)
    # Calendars replace their copy only when SEQUENCE grows: always bump, even when only
    # the linked actions or organisers changed.
    event.updated_at = utcnow()
    db.session.flush()
    return event


def _change_capacity(event: Event, capacity: int | None) -> None:
    try:
        signals.announce(signals.capacity_changing, event, capacity=capacity)
    except DomainError as error:
        raise EventError(error.message, field="capacity") from error


def publish_event(event: Event, *, by: User) -> Event:
    """Make a draft event public."""
    if event.status == EventStatus.CANCELLED:
        raise EventError(_l("A cancelled event cannot be published."))
    if event.status == EventStatus.PUBLISHED:
        return event
    event.status = EventStatus.PUBLISHED
    event.updated_at = utcnow()
    db.session.flush()
    record(by, "event.publish", event, slug=event.slug)
    return event


def unpublish_event(event: Event, *, by: User) -> Event:
    """Take a published event back to draft: it leaves the public catalogue."""
    if event.status != EventStatus.PUBLISHED:
        raise EventError(_l("Only a published event can be taken back to draft."))
    event.status = EventStatus.DRAFT
    event.updated_at = utcnow()
    db.session.flush()
    record(by, "event.unpublish", event, slug=event.slug)
    return event


def duplicate_event(event: Event, *, by: User) -> Event:
    """Copy an event as a new draft with a new slug and no registrations."""
    copy = Event(
        slug=unique_slug(f"{event.slug}-copy"),
        status=EventStatus.DRAFT,
        confirmed_count=0,
        waiting_count=0,
        registration_paused=False,
    )
    for name in (
        *TEXT_COLUMNS, "topic_id", "starts_at", "ends_at", "venue_name",
        "address", "online_url", "step_free", "hearing_loop",
        "sign_language_on_request", "language", "capacity",
        "registration_opens_at", "registration_closes_at", "companions_allowed",
        "places_per_organisation", "confirm_within_hours",
        *CONTACT_FIELDS,
    ):
        setattr(copy, name, getattr(event, name))
    copy.venue_id = event.venue_id
    copy.actions = list(event.actions)
    organisers = list(event.organisers)
    if not by.is_admin and by not in organisers:
        organisers.append(by)
    copy.organisers = organisers
    db.session.add(copy)
    db.session.flush()
    signals.announce(signals.duplicated, event, copy=copy)
    record(by, "event.duplicate", copy, source_id=event.id, slug=copy.slug)
    return copy


def cancel_event(event: Event, *, by: User, now: datetime | None = None) -> Event:
    """Cancel an event: it stays listed as cancelled and every registrant is told."""
    if event.status == EventStatus.CANCELLED:
        raise EventError(_l("This event has already been cancelled."))
    now = now or utcnow()
    signals.announce(signals.cancelling, event, now=now)
    event.status = EventStatus.CANCELLED
    event.cancelled_at = now
    event.updated_at = now
    db.session.flush()
    record(by, "event.cancel", event, slug=event.slug)
    return event
