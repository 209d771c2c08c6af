"""Reports for the city council: what residents think of an action (or a priority), and why.

A report gathers the stance split and its evolution, the themes with counts and quotes, the
events where the action was discussed, the registered -> attended -> gave an opinion funnel,
who took part (with small groups suppressed, as in the exports) and what the city did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from participation.accounts.models import AgeBand
from participation.database import utcnow
from participation.events.models import Event, EventStatus, event_actions
from participation.extensions import db
from participation.feedback.dashboard import week_bucket, week_start
from participation.feedback.models import (
    Opinion,
    OpinionSource,
    OpinionStatus,
    OpinionTheme,
    Stance,
    Theme,
)
from participation.feedback.services import stance_counts_for
from participation.feedback.small_groups import people_per_group, shown_count
from participation.feedback.suggestions import representative
from participation.policy.models import ActionUpdate, PolicyAction, Priority
from participation.registrations.models import Registration, RegistrationStatus

#: The evolution of the stance split covers at most this many weeks.
EVOLUTION_WEEKS = 26
QUOTES_PER_THEME = 2


@dataclass
class ThemeLine:
    """A theme in a report: how many published opinions it codes, and quotes from them."""

    theme: Theme
    count: int
    stances: dict[Stance, int]
    quotes: list[Opinion]
    #: True when staff chose no quote and the report proposes the most typical opinions.
    proposed: bool


@dataclass
class EventLine:
    """An event where the action was discussed."""

    event: Event
    registered: int
    attended: int
    gave_opinion: int
    recorded: int


@dataclass
class Report:
    """Everything a report shows, for one action or for every action of a priority."""

    actions: list[PolicyAction]
    priority: Priority | None
    stances: dict[Stance, int]
    hidden: int
    weeks: list[date]
    evolution: list[dict[Stance, int]]
    themes: list[ThemeLine]
    uncoded: int
    events: list[EventLine]
    demographics: dict[str, list[tuple[str, int | str]]]
    updates: list[ActionUpdate]
    #: Published opinions per stance for each action of the report.
    per_action: dict[int, dict[Stance, int]]
    generated_at: datetime = field(default_factory=utcnow)

    @property
    def total(self) -> int:
        return sum(self.stances.values())

    @property
    def funnel(self) -> tuple[int, int, int]:
        """Registered, attended and gave an opinion, over all the report's events."""
        return (sum(e.registered for e in self.events), sum(e.attended for e in self.events),
                sum(e.gave_opinion for e in self.events))


def _published(action_ids: list[int]):
    return (Opinion.action_id.in_(action_ids), Opinion.status == OpinionStatus.PUBLISHED)


def _stances(action_ids: list[int]) -> dict[Stance, int]:
    counts = {s: 0 for s in Stance}
    for stance, number in db.session.execute(
        sa.select(Opinion.stance, sa.func.count()).where(*_published(action_ids))
        .group_by(Opinion.stance)
    ):
        counts[stance] = number
    return counts


def _evolution(action_ids: list[int], now: datetime) -> tuple[list[date], list[dict]]:
    first = db.session.scalar(
        sa.select(sa.func.min(Opinion.created_at)).where(*_published(action_ids)))
    if first is None:
        return [], []
    last_week = week_start(now.date())
    start = max(week_start(first.date()), last_week - timedelta(weeks=EVOLUTION_WEEKS - 1))
    weeks = [start + timedelta(weeks=i) for i in range((last_week - start).days // 7 + 1)]
    index = {w: i for i, w in enumerate(weeks)}
    series = [{s: 0 for s in Stance} for _ in weeks]
    bucket = week_bucket(Opinion.created_at, db.session.get_bind().dialect.name).label("week")
    rows = db.session.execute(
        sa.select(bucket, Opinion.stance, sa.func.count())
        .where(*_published(action_ids))
        .where(Opinion.created_at >= datetime.combine(start, datetime.min.time(), now.tzinfo))
        .group_by(bucket, Opinion.stance)
    )
    for week, stance, number in rows:
        week = week if isinstance(week, date) else date.fromisoformat(str(week)[:10])
        if week in index:
            series[index[week]][stance] += number
    return weeks, series


def _themes(action_ids: list[int]) -> tuple[list[ThemeLine], int]:
    rows = db.session.execute(
        sa.select(OpinionTheme, Opinion)
        .join(Opinion, Opinion.id == OpinionTheme.opinion_id)
        .where(*_published(action_ids))
        .options(joinedload(OpinionTheme.theme))
        .order_by(Opinion.id)
    ).all()
    grouped: dict[int, list[tuple[OpinionTheme, Opinion]]] = {}
    for coding, opinion in rows:
        grouped.setdefault(coding.theme_id, []).append((coding, opinion))
    lines = []
    for pairs in grouped.values():
        opinions = [o for _, o in pairs]
        stances = {s: 0 for s in Stance}
        for opinion in opinions:
            stances[opinion.stance] += 1
        chosen = [o for c, o in pairs if c.is_quote]
        proposed = not chosen
        if proposed:
            chosen = [opinions[i] for i in representative([o.body for o in opinions],
                                                          QUOTES_PER_THEME)]
        lines.append(ThemeLine(theme=pairs[0][0].theme, count=len(opinions), stances=stances,
                               quotes=chosen, proposed=proposed))
    lines.sort(key=lambda line: (-line.count, line.theme.name_nl.lower(), line.theme.id))
    coded = {o.id for _, o in rows}
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(Opinion).where(*_published(action_ids))) or 0
    return lines, total - len(coded)


def _events(action_ids: list[int], now: datetime) -> list[EventLine]:
    events = db.session.scalars(
        sa.select(Event)
        .where(Event.id.in_(sa.select(event_actions.c.event_id)
                            .where(event_actions.c.action_id.in_(action_ids))))
        .where(Event.status == EventStatus.PUBLISHED, Event.starts_at <= now)
        .order_by(Event.starts_at, Event.id)
    ).all()
    ids = [e.id for e in events]
    if not ids:
        return []
    registrations = {
        event_id: (total, attended)
        for event_id, total, attended in db.session.execute(
            sa.select(Registration.event_id, sa.func.count(Registration.id),
                      sa.func.count(Registration.checked_in_at))
            .where(Registration.event_id.in_(ids),
                   Registration.status == RegistrationStatus.CONFIRMED)
            .group_by(Registration.event_id)
        )
    }
    opinions = {
        event_id: (people, recorded)
        for event_id, people, recorded in db.session.execute(
            sa.select(
                Opinion.event_id,
                sa.func.count(sa.distinct(Opinion.user_id)).filter(
                    Opinion.source == OpinionSource.AFTER_EVENT),
                sa.func.count(Opinion.id).filter(Opinion.source == OpinionSource.AT_EVENT),
            )
            .where(Opinion.event_id.in_(ids), Opinion.action_id.in_(action_ids))
            .group_by(Opinion.event_id)
        )
    }
    return [
        EventLine(event=e, registered=registrations.get(e.id, (0, 0))[0],
                  attended=registrations.get(e.id, (0, 0))[1],
                  gave_opinion=opinions.get(e.id, (0, 0))[0],
                  recorded=opinions.get(e.id, (0, 0))[1])
        for e in events
    ]


def _demographics(action_ids: list[int], exact: bool) -> dict[str, list[tuple[str, int | str]]]:
    """Count the people per postcode and age band, small groups suppressed as in exports."""
    published = sa.select(Opinion.id).where(*_published(action_ids))
    order = list(AgeBand)
    result = {}
    for name, column in (("postcode", Opinion.postcode), ("age_band", Opinion.age_band)):
        rows = people_per_group(published, column)
        # Age bands in their natural order (youngest first), postcodes as numbers sort.
        known = sorted(((g, n) for g, n in rows if g is not None),
                       key=lambda item: order.index(item[0]) if item[0] in order else 0)
        lines = [(getattr(g, "value", g), shown_count(n, exact)) for g, n in known]
        unknown = sum(n for g, n in rows if g is None)
        if unknown:
            lines.append(("unknown", shown_count(unknown, exact)))
        result[name] = lines
    return result


def build_report(actions: list[PolicyAction], priority: Priority | None = None,
                 exact: bool = False, now: datetime | None = None) -> Report:
    """Gather the report on some actions (one action, or the actions of a priority)."""
    now = now or utcnow()
    ids = [a.id for a in actions]
    weeks, evolution = _evolution(ids, now)
    theme_lines, uncoded = _themes(ids)
    hidden = db.session.scalar(
        sa.select(sa.func.count()).select_from(Opinion)
        .where(Opinion.action_id.in_(ids), Opinion.status == OpinionStatus.HIDDEN)) or 0
    updates = list(db.session.scalars(
        sa.select(ActionUpdate).where(ActionUpdate.action_id.in_(ids))
        .options(joinedload(ActionUpdate.action))
        .order_by(ActionUpdate.created_at.desc(), ActionUpdate.id.desc())
    ))
    return Report(
        actions=actions, priority=priority, stances=_stances(ids), hidden=hidden, weeks=weeks,
        evolution=evolution, themes=theme_lines, uncoded=uncoded, events=_events(ids, now),
        demographics=_demographics(ids, exact), updates=updates,
        per_action=stance_counts_for(ids), generated_at=now,
    )


def action_report(action: PolicyAction, exact: bool = False,
                  now: datetime | None = None) -> Report:
    """Gather the report on one action."""
    return build_report([action], None, exact, now)


def priority_report(priority: Priority, exact: bool = False,
                    now: datetime | None = None) -> Report:
    """Gather the report on every action of a priority."""
    return build_report(list(priority.actions), priority, exact, now)
