"""Demo content as data: Ghent's policy note, three European plans, topics, accounts and
events, loaded through the same services people use.

``actions.csv`` goes through the actions importer; ``content.toml`` holds the rest. Events
are created and published by the demo organiser (the organisers' service) and demo residents
register through the registration service, so counters, codes and mails are what they would
be for real. ``load_demo()`` is idempotent: it looks everything up by slug, code or e-mail
address and only creates what is missing; it never changes what is already there. Event
dates are relative to ``now``, so a fresh load always shows upcoming events.
"""

from __future__ import annotations

import csv
import io
import json
import tomllib
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import sqlalchemy as sa

from participation.accounts import services as account_services
from participation.accounts.models import User
from participation.core.i18n import BRUSSELS, LANGUAGES
from participation.database import utcnow
from participation.events import services_manage as event_services
from participation.events.demo_extras import (
    load_demo_followers,
    load_demo_images,
    load_demo_venues,
)
from participation.events.models import Event, EventLanguage, EventStatus, Topic
from participation.extensions import db
from participation.feedback import closing
from participation.feedback.demo import load_demo_opinions
from participation.policy.importer import import_actions_csv
from participation.policy.models import PolicyAction, PolicyDocument, Priority
from participation.registrations import questions as registration_questions
from participation.registrations import services as registration_services
from participation.registrations.models import QuestionKind

DATA = Path(__file__).resolve().parent
ORGANISER_EMAIL = "organiser@example.org"


def read_content() -> dict:
    """Read ``content.toml``: documents, priorities, topics, users, venues and events."""
    return tomllib.loads((DATA / "content.toml").read_text(encoding="utf-8"))


def load_demo(now: datetime | None = None) -> dict[str, int]:
    """Create the demo content that is missing; flush, and return what was created."""
    now = now or utcnow()
    content = read_content()
    counts = dict.fromkeys(
        ("documents", "priorities", "actions", "topics", "users", "events", "registrations",
         "questions"), 0
    )
    for data in content["documents"]:
        counts["documents"] += _create_missing(PolicyDocument, "slug", data)
    db.session.flush()
    documents = _by(PolicyDocument, "slug")
    for data in content["priorities"]:
        counts["priorities"] += _create_missing(
            Priority, "slug", {**data, "document": documents[data["document"]]}
        )
    db.session.flush()
    counts["actions"] = _import_missing_actions()
    for data in content["topics"]:
        counts["topics"] += _create_missing(Topic, "slug", data)
    for data in content["users"]:
        # Demo accounts have no password on purpose: demo data never opens a door.
        _, created = account_services.create_user(data["email"], data["name"], None,
                                                  roles=data["roles"])
        counts["users"] += created
    db.session.flush()

    organiser = account_services.find_user_by_email(ORGANISER_EMAIL)
    topics, actions = _by(Topic, "slug"), _by(PolicyAction, "code")
    existing = set(db.session.scalars(sa.select(Event.slug)))
    for data in content["events"]:
        if data["slug"] in existing:
            continue
        event = _create_event(data, now, content["venues"], topics, actions, organiser)
        counts["events"] += 1
        counts["registrations"] += _register_demo_residents(event, data.get("confirmed", 0), now)
        counts["questions"] += _ask_questions(event, data.get("questions", []))
    db.session.flush()
    # Venues, contacts, images and followers: data files beside this one (issue 18).
    counts.update(venues=load_demo_venues(), follows=load_demo_followers(),
                  images=load_demo_images())
    counts["closing_reports"] = _load_closing_reports(organiser, now)
    for name, number in load_demo_opinions(now).items():
        counts[name] = counts.get(name, 0) + number
    db.session.flush()
    return counts


def _load_closing_reports(organiser: User, now: datetime) -> int:
    """Write the closing reports of ``closing_reports.json`` that are missing, as the
    organiser would once the event took place; return how many."""
    events = _by(Event, "slug")
    written = 0
    for data in json.loads((DATA / "closing_reports.json").read_text(encoding="utf-8")):
        event = events.get(data["event"])
        if event is None or event.closing_report is not None or event.ends_at > now:
            continue
        codes = {action.code: action.id for action in event.actions}
        closing.save_closing_report(event, closing.ClosingReportDetails(
            summary_nl=data["summary_nl"], summary_en=data.get("summary_en"),
            participants=data.get("participants"),
            said={codes[code]: closing.Said(said["nl"], said.get("en"))
                  for code, said in data.get("said", {}).items()},
        ), by=organiser, now=now)
        written += 1
    return written


def _import_missing_actions() -> int:
    """Import the rows of ``actions.csv`` whose code is new (others are left as they are)."""
    with open(DATA / "actions.csv", encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    known = set(db.session.scalars(sa.select(PolicyAction.code)))
    missing = [row for row in rows if row["code"] not in known]
    if not missing:
        return 0
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(missing)
    buffer.seek(0)
    result = import_actions_csv(buffer)
    if result.errors:
        raise ValueError("actions.csv: " + "; ".join(
            f"line {error.line}: {error.message}" for error in result.errors))
    return result.created


def _create_missing(model: type, key: str, data: dict) -> int:
    """Add a row unless one with the same key exists; return 1 if it was added."""
    column = getattr(model, key)
    if db.session.scalar(sa.select(model).where(column == data[key])) is not None:
        return 0
    db.session.add(model(**data))
    return 1


def _by(model: type, key: str) -> dict:
    """Map every row of the model by its key column."""
    return {getattr(row, key): row for row in db.session.scalars(sa.select(model))}


def _brussels(now: datetime, days: int, clock: str) -> datetime:
    """Return the UTC time of ``clock`` (Brussels time), ``days`` after today in Brussels."""
    day = now.astimezone(BRUSSELS).date() + timedelta(days=days)
    hour, minute = (int(part) for part in clock.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=BRUSSELS).astimezone(UTC)


def _field(key: str) -> str:
    """``title_nl`` -> ``title``; other keys stay as they are."""
    name, _, language = key.rpartition("_")
    return name if language in LANGUAGES else key


def _texts(*sources: dict) -> dict:
    """The event's texts as ``<field>_nl`` / ``<field>_en``, from the venue and the event."""
    return {key: value for source in sources for key, value in source.items()
            if _field(key) in Event.BILINGUAL_FIELDS and key not in Event.BILINGUAL_FIELDS}


def _create_event(data: dict, now: datetime, venues: list[dict], topics: dict, actions: dict,
                  organiser: User) -> Event:
    """Create the event as its organiser would, with dates relative to ``now``; publish it
    unless the data says it stays a draft."""
    starts_at = _brussels(now, data["days"], data["starts"])
    venue = next((v for v in venues if v["slug"] == data.get("venue")), {})
    opens_days = data.get("registration_opens_days")
    details = event_services.EventDetails(
        slug=data["slug"],
        **_texts(venue, data),
        topic_id=topics[data["topic"]].id,
        starts_at=starts_at,
        ends_at=_brussels(now, data["days"], data["ends"]),
        online_url=data.get("online_url"),
        language=EventLanguage(data.get("language", EventLanguage.DUTCH.value)),
        capacity=data.get("capacity"),
        companions_allowed=data.get("companions_allowed", 0),
        sign_language_on_request=data.get("sign_language_on_request", False),
        registration_opens_at=now + timedelta(days=opens_days) if opens_days else None,
        registration_closes_at=starts_at if data.get("closes_at_start") else None,
        action_ids=[actions[code].id for code in data["actions"]],
        organiser_emails=[organiser.email],
        **{key: value for key, value in venue.items()
           if key != "slug" and _field(key) not in Event.BILINGUAL_FIELDS},
    )
    event = event_services.create_event(details, by=organiser)
    if EventStatus(data.get("status", EventStatus.PUBLISHED.value)) == EventStatus.PUBLISHED:
        event_services.publish_event(event, by=organiser)
    return event


def _ask_questions(event: Event, questions: list[dict]) -> int:
    """Put the event's own questions on its registration form, as its organiser would (after
    the demo residents registered: they registered before the questions were there)."""
    for data in questions:
        registration_questions.add_question(event, registration_questions.QuestionDetails(
            **{**data, "kind": QuestionKind(data["kind"])}))
    return len(questions)


def _register_demo_residents(event: Event, number: int, now: datetime) -> int:
    """Register ``number`` demo residents online, through the registration service."""
    for n in range(1, number + 1):
        registration_services.register(
            event, name=f"Demo Bewoner {n}", email=f"demo.resident.{n}@example.org",
            locale="nl", consent=True, now=now,
        )
    return number
