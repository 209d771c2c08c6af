"""Figures for the staff dashboard: opinions over time, stance split, event funnels."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from participation.database import utcnow
from participation.events.models import Event, EventStatus
from participation.extensions import db
from participation.feedback.models import Opinion, OpinionSource, Stance
from participation.feedback.services import stance_counts_for
from participation.policy.models import PolicyAction, PolicyDocument, Priority
from participation.registrations.models import Registration, RegistrationStatus


def week_start(day: date) -> date:
    """Return the Monday of the (UTC) week a day falls in."""
    return day - timedelta(days=day.weekday())


def week_bucket(column, dialect: str):
    """SQL expression for the Monday of the UTC week of a timestamp column."""
    if dialect == "postgresql":
        return sa.cast(sa.func.date_trunc("week", sa.func.timezone("UTC", column)), sa.Date)
    return sa.func.date(column, "weekday 0", "-6 days")


def opinions_per_week(weeks: int = 12, now: datetime | None = None) -> tuple[list[date],
                                                                            dict[int, list[int]]]:
    """Count every opinion (published or hidden) per action per week over the last weeks."""
    now = now or utcnow()
    first = week_start(now.date()) - timedelta(weeks=weeks - 1)
    starts = [first + timedelta(weeks=i) for i in range(weeks)]
    dialect = db.session.get_bind().dialect.name
    bucket = week_bucket(Opinion.created_at, dialect).label("week")
    rows = db.session.execute(
        sa.select(Opinion.action_id, bucket, sa.func.count(Opinion.id))
        .where(Opinion.created_at >= datetime.combine(first, datetime.min.time(), now.tzinfo))
        .group_by(Opinion.action_id, bucket)
    )
    index = {start: i for i, start in enumerate(starts)}
    series: dict[int, list[int]] = defaultdict(lambda: [0] * weeks)
    for action_id, week, number in rows:
        week = week if isinstance(week, date) else date.fromisoformat(str(week)[:10])
        if week in index:
            series[action_id][index[week]] += number
    return starts, dict(series)


@dataclass
class ActionFigures:
    action: PolicyAction
    weekly: list[int]
    stances: dict[Stance, int]

    @property
    def total(self) -> int:
        return sum(self.stances.values())


@dataclass
class PriorityFigures:
    priority: Priority
    actions: list[ActionFigures] = field(default_factory=list)

    @property
    def weekly(self) -> list[int]:
        return [sum(values) for values in zip(*(a.weekly for a in self.actions), strict=True)]

    @property
    def stances(self) -> dict[Stance, int]:
        return {s: sum(a.stances[s] for a in self.actions) for s in Stance}


def priority_figures(weeks: int = 12, now: datetime | None = None
                     ) -> tuple[list[date], list[PriorityFigures]]:
    """Return, per priority and action, the weekly opinions and the published stance split."""
    starts, series = opinions_per_week(weeks, now)
    priorities = db.session.scalars(
        sa.select(Priority)
        .join(Priority.document)
        .options(selectinload(Priority.actions))
        .order_by(PolicyDocument.position, Priority.position, Priority.id)
    ).all()
    action_ids = [a.id for p in priorities for a in p.actions]
    stances = stance_counts_for(action_ids)
    result = []
    for priority in priorities:
        if not priority.actions:
            continue
        figures = PriorityFigures(priority=priority)
        for action in priority.actions:
            figures.actions.append(ActionFigures(
                action=action, weekly=series.get(action.id, [0] * weeks),
                stances=stances[action.id],
            ))
        result.append(figures)
    return starts, result


@dataclass
class EventFunnel:
    event: Event
    registered: int
    attended: int
    gave_feedback: int
    recorded: int


def event_funnels(limit: int = 20, now: datetime | None = None) -> list[EventFunnel]:
    """Return, for the latest events that have started, registered → attended → gave feedback."""
    now = now or utcnow()
    events = db.session.scalars(
        sa.select(Event)
        .where(Event.status == EventStatus.PUBLISHED, Event.starts_at <= now)
        .order_by(Event.starts_at.desc(), Event.id.desc())
        .limit(limit)
    ).all()
    ids = [e.id for e in events]
    if not ids:
        return []
    registration_rows = db.session.execute(
        sa.select(
            Registration.event_id,
            sa.func.count(Registration.id),
            sa.func.count(Registration.checked_in_at),
        )
        .where(Registration.event_id.in_(ids),
               Registration.status == RegistrationStatus.CONFIRMED)
        .group_by(Registration.event_id)
    )
    registered = {event_id: (total, attended) for event_id, total, attended in registration_rows}
    feedback_rows = db.session.execute(
        sa.select(
            Opinion.event_id,
            sa.func.count(sa.distinct(Opinion.user_id)).filter(
                Opinion.source == OpinionSource.AFTER_EVENT
            ),
            sa.func.count(Opinion.id).filter(Opinion.source == OpinionSource.AT_EVENT),
        )
        .where(Opinion.event_id.in_(ids))
        .group_by(Opinion.event_id)
    )
    feedback = {event_id: (people, recorded) for event_id, people, recorded in feedback_rows}
    return [
        EventFunnel(
            event=event,
            registered=registered.get(event.id, (0, 0))[0],
            attended=registered.get(event.id, (0, 0))[1],
            gave_feedback=feedback.get(event.id, (0, 0))[0],
            recorded=feedback.get(event.id, (0, 0))[1],
        )
        for event in events
    ]


# --- at a glance: trends since last week and last month ----------------------------------


@dataclass
class Trend:
    """Opinions given in a recent period, and in the period of the same length before it."""

    days: int
    current: int
    previous: int

    @property
    def change(self) -> int:
        return self.current - self.previous


def _windows(now: datetime, days: int):
    return now - timedelta(days=days), now - timedelta(days=2 * days)


def recent_counts(now: datetime | None = None) -> tuple[list[Trend], dict[int, Trend]]:
    """Count opinions (published or hidden) given in the last 7 and 30 days and the periods
    before, over all actions, and the last 7 days per action."""
    now = now or utcnow()
    week, fortnight = _windows(now, 7)
    month, two_months = _windows(now, 30)
    since_week = sa.func.count(Opinion.id).filter(Opinion.created_at >= week)
    week_before = sa.func.count(Opinion.id).filter(Opinion.created_at >= fortnight,
                                                   Opinion.created_at < week)
    since_month = sa.func.count(Opinion.id).filter(Opinion.created_at >= month)
    month_before = sa.func.count(Opinion.id).filter(Opinion.created_at >= two_months,
                                                    Opinion.created_at < month)
    rows = db.session.execute(
        sa.select(Opinion.action_id, since_week, week_before, since_month, month_before)
        .where(Opinion.created_at >= two_months, Opinion.created_at <= now)
        .group_by(Opinion.action_id)
    ).all()
    per_action = {row[0]: Trend(7, row[1], row[2]) for row in rows}
    overall = [Trend(7, sum(r[1] for r in rows), sum(r[2] for r in rows)),
               Trend(30, sum(r[3] for r in rows), sum(r[4] for r in rows))]
    return overall, per_action


@dataclass
class Totals:
    """Counts for the top of the dashboard."""

    published: int
    hidden: int
    open_reports: int
    coded: int


def totals() -> Totals:
    """Count published and hidden opinions, unresolved reports and coded opinions."""
    from participation.feedback.models import OpinionReport, OpinionStatus, OpinionTheme

    by_status = dict(db.session.execute(
        sa.select(Opinion.status, sa.func.count()).group_by(Opinion.status)).all())
    open_reports = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(OpinionReport.opinion_id)))
        .where(OpinionReport.resolved_at.is_(None))) or 0
    coded = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(OpinionTheme.opinion_id)))) or 0
    return Totals(published=by_status.get(OpinionStatus.PUBLISHED, 0),
                  hidden=by_status.get(OpinionStatus.HIDDEN, 0),
                  open_reports=open_reports, coded=coded)
