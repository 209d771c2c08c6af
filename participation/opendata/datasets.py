"""The public datasets: what each holds, and a generator of its rows.

Nothing here is personal data: events as published, policy actions, and counts of published
opinions per action in which small groups are suppressed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from participation.events.models import Event, EventStatus
from participation.exports.opinions import OpinionFilter, summary_rows
from participation.exports.writers import Column, Sheet
from participation.extensions import db
from participation.feedback.small_groups import SMALL_GROUP, SMALL_GROUP_LABEL
from participation.mail.services import public_url
from participation.policy.models import PolicyAction, Priority

#: Breakdowns published elsewhere exactly (the API gives counts per stance).
_EXACT_BREAKDOWNS = {"total", "stance"}
#: Breakdowns of the staff exports left out of open data: themes are staff's working coding
#: (not published anywhere else), and an opinion counts in each of its themes, so they do not
#: add up to the total that secondary suppression relies on.
_UNPUBLISHED_BREAKDOWNS = {"theme"}


@dataclass(frozen=True)
class Dataset:
    """One downloadable dataset."""

    slug: str
    title: object
    description: object
    columns: list[Column]
    keywords: tuple[str, ...]


EVENT_COLUMNS = [
    Column("slug", _l("Short name of the event, part of its web address")),
    Column("title_nl", _l("Title of the event in Dutch (empty when only in English)")),
    Column("title_en", _l("Title of the event in English (empty when only in Dutch)")),
    Column("summary_nl", _l("Summary of the event in Dutch")),
    Column("summary_en", _l("Summary of the event in English")),
    Column("topic", _l("Topic of the event, as its short name")),
    Column("starts_at", _l("Start, in UTC (ISO 8601)")),
    Column("ends_at", _l("End, in UTC (ISO 8601)")),
    Column("status", _l("published or cancelled")),
    Column("language", _l("Language of the event: nl, en or nl_en (both)")),
    Column("venue_name", _l("Name of the venue")),
    Column("address", _l("Address of the venue")),
    Column("online", _l("Whether the event can be followed online")),
    Column("capacity", _l("Number of places; empty means no limit")),
    Column("registered", _l("Number of confirmed registrations")),
    Column("actions", _l("Codes of the policy actions discussed, separated by spaces")),
    Column("url", _l("Web page of the event")),
]

ACTION_COLUMNS = [
    Column("code", _l("Code of the policy action, e.g. A07")),
    Column("title_nl", _l("Title in Dutch")),
    Column("title_en", _l("Title in English")),
    Column("priority", _l("Priority (or chapter) the action belongs to, as its short name")),
    Column("status", _l("planned, in_progress or done")),
    Column("progress", _l("Progress in percent, 0 to 100")),
    Column("feedback_open", _l("Whether residents can give their opinion")),
    Column("url", _l("Web page of the action")),
]

OPINION_COUNT_COLUMNS = [
    Column("action_code", _l("Code of the policy action")),
    Column("action_title", _l("Title of the policy action, in Dutch")),
    Column("breakdown", _l("What the counts are grouped by: total, stance, postcode or age_band")),
    Column("group", _l("The group: a stance, a postcode, an age band (unknown when not given)")),
    Column("opinions", _l("Number of published opinions in the group; groups of fewer than 5 "
                          "are shown as <5 so nobody can be singled out")),
]

DATASETS = {
    "events": Dataset(
        "events", _l("Participation events"),
        _l("Every public event of the City of Ghent's participation platform on its "
           "international policy, past and upcoming, with place, time, capacity and the policy "
           "actions discussed."),
        EVENT_COLUMNS, ("participation", "events", "Ghent"),
    ),
    "policy-actions": Dataset(
        "policy-actions", _l("Policy actions of the international policy note"),
        _l("The actions of Ghent's policy note on internationalisation and of the European "
           "plans residents are consulted on, with their status and progress."),
        ACTION_COLUMNS, ("policy", "internationalisation", "Ghent"),
    ),
    "opinion-counts": Dataset(
        "opinion-counts", _l("Residents' opinions per policy action (counts)"),
        _l("How many published opinions residents gave on each policy action, in total, per "
           "stance, per postcode and per age band. Groups of fewer than five people are shown "
           "as <5."),
        OPINION_COUNT_COLUMNS, ("participation", "opinions", "policy"),
    ),
}


def event_rows() -> Iterator[dict]:
    """Yield every published or cancelled event, soonest first."""
    events = db.session.scalars(
        sa.select(Event)
        .where(Event.status.in_([EventStatus.PUBLISHED, EventStatus.CANCELLED]))
        .order_by(Event.starts_at, Event.id)
    )
    for event in events:
        yield {
            "slug": event.slug,
            "title_nl": event.title_nl,
            "title_en": event.title_en,
            "summary_nl": event.summary_nl,
            "summary_en": event.summary_en,
            "topic": event.topic.slug,
            "starts_at": event.starts_at,
            "ends_at": event.ends_at,
            "status": event.status,
            "language": event.language,
            "venue_name": event.venue_name,
            "address": event.address,
            "online": bool(event.online_url),
            "capacity": event.capacity,
            "registered": event.confirmed_count,
            "actions": " ".join(a.code for a in event.actions),
            "url": public_url("events.event_detail", slug=event.slug),
        }


def action_rows() -> Iterator[dict]:
    """Yield every policy action by code."""
    rows = db.session.execute(
        sa.select(PolicyAction, Priority.slug)
        .join(Priority, Priority.id == PolicyAction.priority_id)
        .order_by(PolicyAction.code)
    )
    for action, priority in rows:
        yield {
            "code": action.code,
            "title_nl": action.title_nl,
            "title_en": action.title_en,
            "priority": priority,
            "status": action.status,
            "progress": action.progress,
            "feedback_open": action.feedback_open,
            "url": public_url("feedback.action_detail", code=action.code),
        }


def suppress_small_groups(groups: list[dict]) -> list[dict]:
    """Show groups under five as '<5'; when one group alone would be hidden, hide the next one.

    A breakdown's groups add up to the published total, so a single hidden group could be
    worked out by subtraction: the smallest shown group is hidden with it (secondary
    suppression, as statistics offices do).
    """
    small = [g for g in groups if 0 < g["opinions"] < SMALL_GROUP]
    if len(small) == 1:
        others = sorted((g for g in groups if g["opinions"] >= SMALL_GROUP),
                        key=lambda g: g["opinions"])
        small += others[:1]
    hidden = {id(g) for g in small}
    return [{**g, "opinions": SMALL_GROUP_LABEL} if id(g) in hidden else g for g in groups]


def opinion_count_rows() -> Iterator[dict]:
    """Yield the published opinions' counts per action and group, small groups suppressed."""
    batch: list[dict] = []
    key = None
    for row in summary_rows(OpinionFilter(status="published"), exact=True, language="nl"):
        if row["breakdown"] in _UNPUBLISHED_BREAKDOWNS:
            continue
        row_key = (row["action_code"], row["breakdown"])
        if row_key != key and batch:
            yield from _released(batch)
            batch = []
        key = row_key
        batch.append(row)
    if batch:
        yield from _released(batch)


def _released(groups: list[dict]) -> list[dict]:
    if groups[0]["breakdown"] in _EXACT_BREAKDOWNS:
        return groups
    return suppress_small_groups(groups)


ROWS = {
    "events": event_rows,
    "policy-actions": action_rows,
    "opinion-counts": opinion_count_rows,
}


def sheet(slug: str) -> Sheet:
    """Return a dataset as a sheet for the export writers."""
    dataset = DATASETS[slug]
    return Sheet(slug, dataset.columns, ROWS[slug]())
