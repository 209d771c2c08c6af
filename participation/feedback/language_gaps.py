"""What residents cannot yet read in their own language (issue 13): the published events and
the policy actions (with their updates) that have a text in Dutch or English but not in both.

Staff see the list on /staff/translations; organisers see their own event's gaps on its
overview page (``templates/_macros/languages.html``).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from participation.events.models import Event, EventStatus
from participation.extensions import db
from participation.policy.models import ActionUpdate, PolicyAction


def _one_language_only(model) -> sa.ColumnElement[bool]:
    """SQL: some bilingual field of ``model`` has a text in exactly one of the languages."""

    def empty(column):
        return sa.func.coalesce(sa.func.trim(column), "") == ""

    return sa.or_(*(
        empty(getattr(model, f"{field}_nl")) != empty(getattr(model, f"{field}_en"))
        for field in model.BILINGUAL_FIELDS
    ))


def events_in_one_language() -> list[Event]:
    """Published events with a text in only one language, soonest first."""
    return list(db.session.scalars(
        sa.select(Event)
        .where(Event.status == EventStatus.PUBLISHED, _one_language_only(Event))
        .options(selectinload(Event.organisers))
        .order_by(Event.starts_at, Event.id)
    ))


@dataclass(frozen=True)
class ActionGaps:
    action: PolicyAction
    #: The action's updates with a text in only one language, newest first.
    updates: list[ActionUpdate]


def actions_in_one_language() -> list[ActionGaps]:
    """Policy actions whose own texts or whose updates are in only one language, by code."""
    updates: dict[int, list[ActionUpdate]] = {}
    for update in db.session.scalars(
        sa.select(ActionUpdate).where(_one_language_only(ActionUpdate))
        .order_by(ActionUpdate.created_at.desc(), ActionUpdate.id.desc())
    ):
        updates.setdefault(update.action_id, []).append(update)
    actions = db.session.scalars(
        sa.select(PolicyAction)
        .where(sa.or_(_one_language_only(PolicyAction), PolicyAction.id.in_(list(updates))))
        .order_by(PolicyAction.code)
    )
    return [ActionGaps(action, updates.get(action.id, [])) for action in actions]
