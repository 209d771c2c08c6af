"""Closing reports: what came of an event, written by its organisers after it took place."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from participation.accounts.models import User
from participation.audit.services import record as audit
from participation.core.errors import DomainError
from participation.database import begin_write, utcnow
from participation.events.models import Event, EventStatus
from participation.extensions import db
from participation.feedback.mails import queue_closing_report_reminder
from participation.feedback.models import (
    CLOSING_SAID_MAX_LENGTH,
    CLOSING_SUMMARY_MAX_LENGTH,
    ClosingOutcome,
    ClosingReport,
    Opinion,
    OpinionStatus,
)
from participation.feedback.services import can_record_for
from participation.registrations.models import Registration


class ClosingReportError(DomainError, ValueError):
    """A rule about closing reports was broken; ``field`` names the form field concerned."""


@dataclass
class Said:
    """What was said about one policy action, in Dutch and (optionally) in English."""

    nl: str | None = None
    en: str | None = None


@dataclass
class ClosingReportDetails:
    """What organisers fill in about their event once it took place."""

    summary_nl: str
    summary_en: str | None = None
    participants: int | None = None
    #: Per policy action id of the event: what was said about it (empty: nothing noted).
    said: dict[int, Said] = field(default_factory=dict)


def checked_in_count(event: Event) -> int:
    """Count the people checked in at the event (the report's proposed number of participants)."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Registration)
        .where(Registration.event_id == event.id, Registration.checked_in_at.is_not(None))
    ) or 0


def can_write_report(user: User, event: Event, now: datetime | None = None) -> bool:
    """Tell whether the user may write the event's closing report now."""
    return (can_record_for(user, event) and event.status == EventStatus.PUBLISHED
            and event.ends_at <= (now or utcnow()))


def _clean(text: str | None, limit: int, field_name: str) -> str | None:
    text = (text or "").strip()
    if len(text) > limit:
        raise ClosingReportError(
            _l("Keep it under %(limit)d characters.", limit=limit), field=field_name)
    return text or None


def save_closing_report(event: Event, details: ClosingReportDetails, *, by: User,
                        now: datetime | None = None) -> ClosingReport:
    """Write or rewrite the event's closing report; it shows on the event's page at once."""
    if not can_record_for(by, event):
        raise ClosingReportError(_l("Only the event's organisers can write its report."))
    if event.status != EventStatus.PUBLISHED:
        raise ClosingReportError(_l("Only an event that took place can have a report."))
    if event.ends_at > (now or utcnow()):
        raise ClosingReportError(_l("You can write the report once the event has ended."))
    summary_nl = _clean(details.summary_nl, CLOSING_SUMMARY_MAX_LENGTH, "summary_nl")
    if summary_nl is None:
        raise ClosingReportError(_l("Summarise in Dutch what came of the event."),
                                 field="summary_nl")
    summary_en = _clean(details.summary_en, CLOSING_SUMMARY_MAX_LENGTH, "summary_en")
    if details.participants is not None and details.participants < 0:
        raise ClosingReportError(_l("The number of participants cannot be negative."),
                                 field="participants")
    discussed = {action.id: position for position, action in enumerate(event.actions)}
    if set(details.said) - set(discussed):
        raise ClosingReportError(_l("This event does not discuss that action."))

    report = event.closing_report
    created = report is None
    if created:
        report = ClosingReport(event=event, created_at=now or utcnow())
        db.session.add(report)
    report.summary_nl, report.summary_en = summary_nl, summary_en
    report.participants = details.participants
    outcomes = []
    for action_id, said in details.said.items():
        said_nl = _clean(said.nl, CLOSING_SAID_MAX_LENGTH, f"said_nl_{action_id}")
        said_en = _clean(said.en, CLOSING_SAID_MAX_LENGTH, f"said_en_{action_id}")
        if said_nl is None and said_en is not None:
            raise ClosingReportError(_l("Write it in Dutch too."), field=f"said_nl_{action_id}")
        if said_nl is not None:
            outcomes.append(ClosingOutcome(action_id=action_id, position=discussed[action_id],
                                           said_nl=said_nl, said_en=said_en))
    # Replace the notes on each action: flush the removals first (same primary keys).
    report.outcomes = []
    db.session.flush()
    report.outcomes = outcomes
    report.updated_at = now or utcnow()
    audit(by, "event.closing_report_written" if created else "event.closing_report_changed",
          event)
    db.session.flush()
    return report


def opinions_from_event(event: Event) -> dict[int, int]:
    """Count, per policy action, the published opinions given at the event or after it
    (recorded there by the organisers, or given by participants who name the event)."""
    rows = db.session.execute(
        sa.select(Opinion.action_id, sa.func.count())
        .where(Opinion.event_id == event.id, Opinion.status == OpinionStatus.PUBLISHED)
        .group_by(Opinion.action_id)
    )
    return dict(rows.all())


#: Organisers are reminded once the event is this long over (the morning after an evening)...
REMINDER_AFTER = timedelta(hours=12)
#: ...and not for events that ended longer ago than this (no flood when the job starts).
REMINDER_WINDOW = timedelta(days=14)


def events_due_for_reminders(now: datetime) -> list[int]:
    """Return the ids of events that took place, lack a report and whose organisers were not
    reminded yet."""
    return list(db.session.scalars(
        sa.select(Event.id)
        .where(
            Event.status == EventStatus.PUBLISHED,
            Event.ends_at <= now - REMINDER_AFTER,
            Event.ends_at > now - REMINDER_WINDOW,
            Event.closing_reminder_sent_at.is_(None),
            ~sa.exists().where(ClosingReport.event_id == Event.id),
        )
        .order_by(Event.ends_at, Event.id)
    ))


def send_closing_report_reminders(now: datetime | None = None) -> int:
    """Remind the organisers of recently ended events to write the closing report, once per
    event; return the number of mails queued."""
    now = now or utcnow()
    queued = 0
    begin_write(db.session())  # the Session itself: the scoped proxy lacks in_transaction()
    for event_id in events_due_for_reminders(now):
        event = db.session.scalar(
            sa.select(Event).where(Event.id == event_id).with_for_update(of=Event)
        )
        if event is None or event.closing_reminder_sent_at is not None:
            continue
        event.closing_reminder_sent_at = now
        for user in sorted(event.organisers, key=lambda u: u.id):
            if user.active and user.email:
                queue_closing_report_reminder(user, event)
                queued += 1
        db.session.flush()
    return queued
