"""Reading the policy documents, their priorities and actions."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from participation.accounts.models import Role
from participation.audit.models import AuditEntry
from participation.audit.services import record as audit
from participation.core import snapshots
from participation.core.errors import DomainError, NotFound
from participation.core.page_cache import keeping, memo
from participation.extensions import db
from participation.policy.models import (
    ActionStatus,
    ActionUpdate,
    PolicyAction,
    PolicyDocument,
    Priority,
)


class PolicyNotFound(NotFound):
    """No priority or action with this reference."""


def documents_with_priorities() -> list[PolicyDocument]:
    """Return every policy document with its priorities and their actions."""
    return list(
        db.session.scalars(
            sa.select(PolicyDocument)
            .options(selectinload(PolicyDocument.priorities).selectinload(Priority.actions))
            .order_by(PolicyDocument.position, PolicyDocument.id)
        )
    )


def top_priorities() -> list[Priority]:
    """Return the policy note's top priorities."""
    return list(
        db.session.scalars(
            sa.select(Priority).where(Priority.is_top_priority).order_by(Priority.position)
        )
    )


def get_priority(slug: str) -> Priority:
    """Return a priority with its document and actions."""
    priority = db.session.scalar(
        sa.select(Priority)
        .where(Priority.slug == slug)
        .options(selectinload(Priority.actions), selectinload(Priority.document))
    )
    if priority is None:
        raise PolicyNotFound(slug)
    return priority


def get_action(code: str) -> PolicyAction:
    """Return a policy action by its code (case-insensitive)."""
    action = db.session.scalar(
        sa.select(PolicyAction)
        .where(PolicyAction.code == code.upper()[:12])
        # One query: an action has one priority, a priority one document.
        .options(joinedload(PolicyAction.priority).joinedload(Priority.document))
    )
    if action is None:
        raise PolicyNotFound(code)
    return action


def kept_action(code: str) -> PolicyAction:
    """``get_action`` for pages: the action's row is kept in memory until it changes.

    Every view of an action page needs the action (its code, title, whether it is open for
    feedback) around the kept fragments; the row is kept as plain data (tags ``actions`` and
    ``action:<id>``: any change to it drops it) and put into the request's session without a
    query. Its priority and document load lazily, only when a fragment is built.
    """
    if not keeping():
        return get_action(code)  # one query, with its priority and document
    code = code.upper()[:12]

    def load() -> dict | None:
        action = db.session.scalar(
            sa.select(PolicyAction).where(PolicyAction.code == code)
            .options(sa.orm.lazyload("*")))
        return None if action is None else snapshots.columns(action)

    values = memo(("policy.action", code), load)
    if values is None:
        raise PolicyNotFound(code)
    return snapshots.materialise(PolicyAction, values)


def all_actions() -> list[PolicyAction]:
    """Return every action with its priority, ordered by code."""
    return list(
        db.session.scalars(
            sa.select(PolicyAction)
            .options(selectinload(PolicyAction.priority))
            .order_by(PolicyAction.code)
        )
    )


# --- closing the loop: staff report back on an action -------------------------------------


class PolicyError(DomainError, ValueError):
    """A rule about policy actions was broken; ``field`` names the form field it belongs to."""


UPDATE_MAX_LENGTH = 5000


def _require_staff(user) -> None:
    if not user.has_role(Role.STAFF):
        raise PolicyError(_("Only policy staff can change policy actions."))


def add_update(staff, action: PolicyAction, body_nl: str | None, status, progress: int,
               *, body_en: str | None = None) -> ActionUpdate:
    """Report back on an action and set its status and progress.

    The text may be written in Dutch, English or both; each resident reads their language
    when it is there. ``participation.feedback.services.post_update`` also tells the
    residents who spoke.
    """
    _require_staff(staff)
    texts = {}
    for name, body in (("body", body_nl), ("body_en", body_en)):
        text = (body or "").replace("\r\n", "\n").strip()
        if len(text) > UPDATE_MAX_LENGTH:
            raise PolicyError(_("Write at most %(max)d characters.", max=UPDATE_MAX_LENGTH), name)
        texts[name] = text or None
    if not texts["body"] and not texts["body_en"]:
        raise PolicyError(_("Write what the city did, in Dutch, English or both."), "body")
    try:
        status = ActionStatus(status)
    except ValueError:
        raise PolicyError(_("Choose a status."), "status") from None
    if progress is None or not 0 <= int(progress) <= 100:
        raise PolicyError(_("Give the progress as a number from 0 to 100."), "progress")
    update = ActionUpdate(
        action=action, author_id=staff.id, body_nl=texts["body"], body_en=texts["body_en"],
        status=status, progress=int(progress),
    )
    db.session.add(update)
    action.status = status
    action.progress = int(progress)
    db.session.flush()
    return update


def set_feedback_open(staff, action: PolicyAction, open_: bool) -> PolicyAction:
    """Open or close an action for residents' feedback."""
    _require_staff(staff)
    if action.feedback_open != open_:
        action.feedback_open = open_
        db.session.flush()
        audit(staff, "action.feedback_open" if open_ else "action.feedback_close", action)
    return action


def action_updates(action: PolicyAction) -> list[ActionUpdate]:
    """Return the updates on an action, newest first."""
    return list(
        db.session.scalars(
            sa.select(ActionUpdate)
            .where(ActionUpdate.action_id == action.id)
            .order_by(ActionUpdate.created_at.desc(), ActionUpdate.id.desc())
        )
    )


# --- staff edit an action ----------------------------------------------------------------

TITLE_MAX_LENGTH = 200
SUMMARY_MAX_LENGTH = 10_000
#: Audit verbs that make up an action's public history.
HISTORY_ACTIONS = ("action.edit", "action.update", "action.feedback_open",
                   "action.feedback_close")


def _text(value: str | None, field: str, maximum: int, required: bool) -> str | None:
    text = (value or "").replace("\r\n", "\n").strip()
    if not text:
        if required:
            raise PolicyError(_("Write the title in Dutch."), field)
        return None
    if len(text) > maximum:
        raise PolicyError(_("Write at most %(max)d characters.", max=maximum), field)
    return text


def edit_action(staff, action: PolicyAction, *, title_nl: str, title_en: str | None,
                summary_nl: str | None, summary_en: str | None, status, progress,
                priority: Priority, feedback_open: bool) -> dict[str, list]:
    """Change an action's texts (both languages), status, progress, priority and feedback.

    Returns the changes as ``{field: [before, after]}``; they are audited and make up the
    action's public history.
    """
    _require_staff(staff)
    wanted = {
        "title_nl": _text(title_nl, "title_nl", TITLE_MAX_LENGTH, required=True),
        "title_en": _text(title_en, "title_en", TITLE_MAX_LENGTH, required=False),
        "summary_nl": _text(summary_nl, "summary_nl", SUMMARY_MAX_LENGTH, False) or "",
        "summary_en": _text(summary_en, "summary_en", SUMMARY_MAX_LENGTH, required=False),
    }
    try:
        wanted["status"] = ActionStatus(status)
    except ValueError:
        raise PolicyError(_("Choose a status."), "status") from None
    if progress is None or not 0 <= int(progress) <= 100:
        raise PolicyError(_("Give the progress as a number from 0 to 100."), "progress")
    wanted["progress"] = int(progress)
    wanted["feedback_open"] = bool(feedback_open)
    changes: dict[str, list] = {}
    for name, value in wanted.items():
        before = getattr(action, name)
        if before != value:
            changes[name] = [getattr(before, "value", before), getattr(value, "value", value)]
            setattr(action, name, value)
    if priority.id != action.priority_id:
        changes["priority"] = [action.priority.slug, priority.slug]
        action.priority = priority
    if changes:
        db.session.flush()
        audit(staff, "action.edit", action, changes=changes)
    return changes


def all_priorities() -> list[Priority]:
    """Return every priority with its document, in the documents' order."""
    return list(db.session.scalars(
        sa.select(Priority).join(Priority.document)
        .options(selectinload(Priority.document))
        .order_by(PolicyDocument.position, Priority.position, Priority.id)
    ))


def get_priority_by_id(priority_id: int) -> Priority | None:
    """Return a priority by id."""
    return db.session.get(Priority, priority_id)


def action_history(action: PolicyAction, limit: int = 50) -> list:
    """Return what changed on an action, newest first (the audit entries, without who)."""
    return list(db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.target_type == "PolicyAction", AuditEntry.target_id == action.id,
               AuditEntry.action.in_(HISTORY_ACTIONS))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    ))
