"""Finding events for the catalogue, the API and the calendars."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from participation.core.errors import NotFound
from participation.core.i18n import brussels_day_start
from participation.core.pagination import Page
from participation.database import utcnow
from participation.events import search
from participation.events.models import Event, EventLanguage, EventStatus, Topic
from participation.extensions import db
from participation.places.models import Venue
from participation.policy.models import PolicyAction

MAX_PER_PAGE = 100
#: Dates outside this range are refused in filters: no event is that far away.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2199, 12, 31)


class EventNotFound(NotFound):
    """No published event has this slug."""


@dataclass
class EventFilter:
    """What a visitor asked the catalogue for."""

    topic: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    language: EventLanguage | None = None
    free_places: bool = False
    q: str | None = None
    #: Include events that have already ended (default: only upcoming and running).
    include_past: bool = False
    action_id: int | None = None
    priority_id: int | None = None
    #: Short name of a Ghent district (``places.models.DISTRICTS``).
    district: str | None = None
    errors: dict[str, str] = field(default_factory=dict)


def published_events_query(flt: EventFilter, now: datetime | None = None) -> sa.Select:
    """Build the query for published (and cancelled, still listed) events matching a filter."""
    now = now or utcnow()
    query = sa.select(Event).where(Event.status.in_([EventStatus.PUBLISHED, EventStatus.CANCELLED]))
    if not flt.include_past and flt.date_from is None:
        query = query.where(Event.ends_at >= now)
    if flt.topic:
        query = query.join(Event.topic).where(Topic.slug == flt.topic)
    for day in (flt.date_from, flt.date_to):
        if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
            raise ValueError(f"date {day} is outside {EARLIEST_DATE}..{LATEST_DATE}")
    if flt.date_from:
        query = query.where(Event.starts_at >= brussels_day_start(flt.date_from))
    if flt.date_to:
        query = query.where(Event.starts_at < brussels_day_start(flt.date_to + timedelta(days=1)))
    if flt.language:
        query = query.where(Event.language.in_(_languages_matching(flt.language)))
    if flt.free_places:
        query = query.where(
            Event.status == EventStatus.PUBLISHED,
            sa.or_(Event.capacity.is_(None), Event.confirmed_count < Event.capacity),
        )
    for word in search.query_words(flt.q):
        query = query.where(Event.search_text.like(_contains(word), escape="\\"))
    if flt.district:
        query = query.where(
            Event.venue_id.in_(sa.select(Venue.id).where(Venue.district == flt.district))
        )
    if flt.action_id is not None:
        query = query.where(Event.actions.any(PolicyAction.id == flt.action_id))
    if flt.priority_id is not None:
        query = query.where(Event.actions.any(PolicyAction.priority_id == flt.priority_id))
    return query


def _languages_matching(language: EventLanguage) -> list[EventLanguage]:
    """A bilingual event suits both Dutch and English speakers."""
    if language == EventLanguage.BILINGUAL:
        return [EventLanguage.BILINGUAL]
    return [language, EventLanguage.BILINGUAL]


def _contains(word: str) -> str:
    """A LIKE pattern for a folded word anywhere in the text."""
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _order(flt: EventFilter) -> list:
    """Soonest first; with a query, events whose title holds every word come first."""
    words = search.query_words(flt.q)
    if not words:
        return [Event.starts_at, Event.id]
    in_title = sa.and_(*(Event.search_title.like(_contains(w), escape="\\") for w in words))
    return [sa.case((in_title, 0), else_=1), Event.starts_at, Event.id]


def find_events(flt: EventFilter, page: int = 1, per_page: int = 12) -> Page:
    """Return one page of published events matching the filter, soonest first."""
    page = max(page, 1)
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    query = published_events_query(flt)
    # One statement: the page's events, ranked and counted among all matches in a subquery of
    # their ids alone, then read with their joins. Counting and ordering every match with all
    # its columns and joins (texts of kilobytes each) spilled thousands of rows to disk for a
    # word that most events hold (issue 16: "climate", 3,000 matches, 49 ms against 25).
    ranked = (
        query.with_only_columns(Event.id, sa.func.count().over().label("total"),
                                sa.func.row_number().over(order_by=_order(flt)).label("rank"))
        .order_by(*_order(flt))
        .limit(per_page)
        .offset((page - 1) * per_page)
        .subquery("ranked")
    )
    rows = db.session.execute(
        sa.select(Event, ranked.c.total).join(ranked, Event.id == ranked.c.id)
        .order_by(ranked.c.rank)
    ).all()
    if rows:
        total = rows[0].total
    elif page == 1:
        total = 0
    else:  # past the last page: count separately
        total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    return Page(items=[row[0] for row in rows], page=page, per_page=per_page, total=total or 0)


def upcoming_events(limit: int = 6) -> list[Event]:
    """Return the next published events that still take registrations or are running."""
    return list(
        db.session.scalars(
            sa.select(Event)
            .where(Event.status == EventStatus.PUBLISHED, Event.ends_at >= utcnow())
            .order_by(Event.starts_at, Event.id)
            .limit(limit)
        )
    )


def get_public_event(slug: str, with_actions: bool = True) -> Event:
    """Return a published or cancelled event by slug, with its actions loaded (unless the
    page does not show them: two queries less on every registration)."""
    query = sa.select(Event).where(Event.slug == slug, Event.status != EventStatus.DRAFT)
    if with_actions:
        query = query.options(selectinload(Event.actions).joinedload(PolicyAction.priority))
    event = db.session.scalar(query)
    if event is None:
        raise EventNotFound(slug)
    return event


def all_topics() -> list[Topic]:
    """Return every topic in display order."""
    return list(db.session.scalars(sa.select(Topic).order_by(Topic.position, Topic.id)))


def calendar_events(topic: Topic | None = None, limit: int = 500) -> list[Event]:
    """Return published events for a calendar feed: the recent past and the future."""
    query = sa.select(Event).where(
        Event.status.in_([EventStatus.PUBLISHED, EventStatus.CANCELLED]),
        Event.ends_at >= utcnow() - timedelta(days=90),
    )
    if topic is not None:
        query = query.where(Event.topic_id == topic.id)
    return list(db.session.scalars(query.order_by(Event.starts_at, Event.id).limit(limit)))


def past_events(limit: int = 1000) -> list[Event]:
    """Return published events that have ended, latest first (the archive)."""
    return list(db.session.scalars(
        sa.select(Event)
        .where(Event.status == EventStatus.PUBLISHED, Event.ends_at < utcnow())
        .order_by(Event.starts_at.desc(), Event.id.desc())
        .limit(limit)
    ))
