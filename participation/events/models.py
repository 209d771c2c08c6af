"""Event topics and the small-scale public events."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.database import flag, utcnow, value_enum
from participation.extensions import db
from participation.images.models import Image
from participation.localized import Bilingual, localized_field
from participation.places.models import Venue


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class EventLanguage(enum.StrEnum):
    DUTCH = "nl"
    ENGLISH = "en"
    BILINGUAL = "nl_en"


event_actions = sa.Table(
    "event_actions",
    db.metadata,
    sa.Column("event_id", sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "action_id", sa.ForeignKey("policy_actions.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Index("ix_event_actions_action_id", "action_id"),
)

event_organisers = sa.Table(
    "event_organisers",
    db.metadata,
    sa.Column("event_id", sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_event_organisers_user_id", "user_id"),
)


class Topic(Bilingual, db.Model):
    """What an event is about: the European Green Deal, the EU climate plan, ..."""

    __tablename__ = "topics"
    BILINGUAL_FIELDS = ("name", "description")
    cache_query_tags = ("reference",)  # changes rarely; any change drops every page

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    name_nl: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str | None] = mapped_column(sa.String(120))
    description_nl: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str | None] = mapped_column(sa.Text)
    #: Shown for the topic's events that have no image of their own.
    image_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("images.id", ondelete="SET NULL")
    )

    image: Mapped[Image | None] = relationship(lazy="joined")


def _in_a_language(field: str) -> sa.CheckConstraint:
    """A text that must be written in at least one of the two languages."""
    return sa.CheckConstraint(
        f"coalesce({field}_nl, '') <> '' OR coalesce({field}_en, '') <> ''",
        name=f"{field}_in_a_language",
    )


class Event(Bilingual, db.Model):
    """A small-scale public event where residents get a say."""

    #: What residents read, each in Dutch and/or English (``title_nl``, ``title_en``, ...).
    BILINGUAL_FIELDS = (
        "title", "summary", "description", "public_transport", "bike", "accessibility_notes",
    )

    __tablename__ = "events"
    #: Page cache (see participation/core/page_cache.py): a query on events shows which events
    #: there are; each event shown is a dependency of its own.
    cache_query_tags = ("events",)
    #: Columns that change with every registration: they show only where the event does.
    CACHE_QUIET_COLUMNS = frozenset({"confirmed_count", "waiting_count", "updated_at"})

    def cache_row_tags(self) -> set[str]:
        return {f"event:{self.id}"}

    def cache_tags(self, changed: set[str] | None) -> set[str]:
        """A registration changes this event only; any other change may move it in lists."""
        if changed is not None and changed <= self.CACHE_QUIET_COLUMNS:
            return {f"event:{self.id}"}
        return {f"event:{self.id}", "events"}

    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        sa.CheckConstraint("confirmed_count >= 0 AND waiting_count >= 0", name="counts_positive"),
        # The database's own guard against overbooking: never more confirmed than places.
        sa.CheckConstraint(
            "capacity IS NULL OR confirmed_count <= capacity", name="not_overbooked"
        ),
        sa.CheckConstraint(
            "companions_allowed >= 0 AND companions_allowed <= 20", name="companions_allowed_range"
        ),
        sa.CheckConstraint(
            "places_per_organisation IS NULL OR places_per_organisation >= 1",
            name="places_per_organisation_positive",
        ),
        sa.CheckConstraint(
            "registration_closes_at IS NULL OR registration_opens_at IS NULL "
            "OR registration_closes_at > registration_opens_at",
            name="registration_window",
        ),
        _in_a_language("title"),
        _in_a_language("summary"),
        sa.CheckConstraint(
            "confirm_within_hours IS NULL OR confirm_within_hours BETWEEN 1 AND 168",
            name="confirm_within_hours_range",
        ),
        sa.Index("ix_events_status_starts_at", "status", "starts_at"),
        sa.Index("ix_events_topic_id_starts_at", "topic_id", "starts_at"),
        # Search looks for words anywhere in the text: trigrams make that fast on PostgreSQL
        # (the pg_trgm extension is created by the migration and before create_all).
        sa.Index(
            "ix_events_search_text_trgm", "search_text",
            postgresql_using="gin", postgresql_ops={"search_text": "gin_trgm_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    # Organisers write each text in Dutch, English or both; readers get theirs or the other
    # one, marked with ``lang`` (see participation.localized).
    title_nl: Mapped[str | None] = mapped_column(sa.String(200))
    title_en: Mapped[str | None] = mapped_column(sa.String(200))
    summary_nl: Mapped[str | None] = mapped_column(sa.String(500))
    summary_en: Mapped[str | None] = mapped_column(sa.String(500))
    #: Markdown; rendered and sanitised on display.
    description_nl: Mapped[str | None] = mapped_column(sa.Text)
    description_en: Mapped[str | None] = mapped_column(sa.Text)
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("topics.id", ondelete="RESTRICT"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    #: The venue record, when the organiser picked one: its name, address and access facts
    #: are copied onto the event by the service and kept in step when the venue changes.
    venue_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("venues.id", ondelete="RESTRICT"), index=True
    )
    venue_name: Mapped[str | None] = mapped_column(sa.String(200))
    image_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("images.id", ondelete="SET NULL"), index=True
    )
    address: Mapped[str | None] = mapped_column(sa.String(300))
    #: Link for online events (or a hybrid stream).
    online_url: Mapped[str | None] = mapped_column(sa.String(500))
    public_transport_nl: Mapped[str | None] = mapped_column(sa.Text)
    public_transport_en: Mapped[str | None] = mapped_column(sa.Text)
    bike_nl: Mapped[str | None] = mapped_column(sa.Text)
    bike_en: Mapped[str | None] = mapped_column(sa.Text)
    step_free: Mapped[bool] = flag()
    hearing_loop: Mapped[bool] = flag()
    sign_language_on_request: Mapped[bool] = flag()
    accessibility_notes_nl: Mapped[str | None] = mapped_column(sa.Text)
    accessibility_notes_en: Mapped[str | None] = mapped_column(sa.Text)
    #: The language spoken at the event: a fact of its own, apart from the texts' languages.
    language: Mapped[EventLanguage] = mapped_column(
        value_enum(EventLanguage, "event_language"), default=EventLanguage.DUTCH, index=True
    )
    #: Who to contact: the organising service (both languages), its e-mail and phone.
    contact_service_nl: Mapped[str | None] = mapped_column(sa.String(200))
    contact_service_en: Mapped[str | None] = mapped_column(sa.String(200))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(40))
    #: Number of places; NULL means unlimited.
    capacity: Mapped[int | None]
    registration_opens_at: Mapped[datetime | None]
    registration_closes_at: Mapped[datetime | None]
    #: Organisers can close registration early and reopen it.
    registration_paused: Mapped[bool] = flag()
    #: When set, people who register online must confirm their place with the link in their
    #: mail within this many hours, or the place goes to the waiting list (against sign-up spam).
    confirm_within_hours: Mapped[int | None]
    status: Mapped[EventStatus] = mapped_column(
        value_enum(EventStatus, "event_status"), default=EventStatus.DRAFT
    )
    #: How many companions one registration may bring along (0 = each person registers alone).
    companions_allowed: Mapped[int] = mapped_column(default=0, server_default="0")
    #: The most places (companions included) registrations on behalf of one organisation
    #: may hold; NULL means no limit.
    places_per_organisation: Mapped[int | None]
    #: Places (people, companions included) taken by confirmed and by waiting registrations;
    #: kept by the registration service under the event's row lock.
    confirmed_count: Mapped[int] = mapped_column(default=0, server_default="0")
    waiting_count: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None]
    #: When participants were invited to give feedback after the event (sent once).
    feedback_invites_sent_at: Mapped[datetime | None]
    #: When the organisers were reminded to write the closing report (sent once).
    closing_reminder_sent_at: Mapped[datetime | None]
    #: Kept by participation.events.search on every flush: titles, and every word search
    #: looks at (texts in both languages, venue, topic names, titles of the actions
    #: discussed), lowercased and without accents.
    search_title: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    search_text: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    # Read-only: the text in the reader's language (else the other), for code that displays.
    title = localized_field()
    summary = localized_field()
    description = localized_field()
    public_transport = localized_field()
    bike = localized_field()
    accessibility_notes = localized_field()

    topic: Mapped[Topic] = relationship(lazy="joined", innerjoin=True)
    venue: Mapped[Venue | None] = relationship(lazy="joined")
    image: Mapped[Image | None] = relationship(lazy="joined")
    actions: Mapped[list[PolicyAction]] = relationship(  # noqa: F821
        "PolicyAction", secondary=event_actions, order_by="PolicyAction.code", backref="events"
    )
    organisers: Mapped[list[User]] = relationship(secondary=event_organisers)  # noqa: F821

    @property
    def places_left(self) -> int | None:
        """Free places, or None when the event has no limit."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.confirmed_count, 0)

    @property
    def picture(self) -> Image | None:
        """The event's own image, or else its topic's."""
        return self.image or self.topic.image

    @property
    def has_ended(self) -> bool:
        """Whether the event is over: it has no places to offer any more."""
        return self.ends_at <= utcnow()

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.confirmed_count >= self.capacity

    @property
    def is_online(self) -> bool:
        return bool(self.online_url) and not self.address

    def registration_state(self, now: datetime) -> str:
        """Say whether registration is 'open', 'not_yet_open', 'closed', 'past' or 'cancelled'."""
        if self.status == EventStatus.CANCELLED:
            return "cancelled"
        if self.status != EventStatus.PUBLISHED:
            return "closed"
        if self.starts_at <= now:
            return "past"
        if self.registration_opens_at and now < self.registration_opens_at:
            return "not_yet_open"
        if self.registration_paused:
            return "closed"
        if self.registration_closes_at and now >= self.registration_closes_at:
            return "closed"
        return "open"


# The trigram index on ``search_text`` needs pg_trgm; migrations create it too.
sa.event.listen(
    Event.__table__, "before_create",
    sa.DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
)
