"""Following an action or a priority, and the one-click unsubscribe links of update mails.

An unsubscribe link carries a signed (not expiring) token naming the user and what to stop:
``action:<id>``, ``priority:<id>`` or ``opinions`` (the mails about actions one gave an
opinion on). It works without signing in, and using it twice does no harm.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from participation.accounts.models import User
from participation.core.page_cache import personal_memo
from participation.extensions import db
from participation.policy.models import Follow, PolicyAction, Priority


class FollowError(Exception):
    """Following is not possible (for example: the account's address is not verified)."""


class BadUnsubscribeLink(Exception):
    """The unsubscribe link was altered or belongs to nobody."""


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="policy.unsubscribe")


def _target(subject: PolicyAction | Priority) -> dict:
    if isinstance(subject, PolicyAction):
        return {"action_id": subject.id}
    return {"priority_id": subject.id}


def followed(user_id: int) -> tuple[frozenset[int], frozenset[str]]:
    """The ids of the actions and the slugs of the priorities a person follows.

    Kept per person until they follow or stop following something (tag ``follows:<id>``):
    the signed-in action and priority pages ask on every view.
    """
    def load() -> tuple[frozenset[int], frozenset[str]]:
        rows = db.session.execute(
            sa.select(Follow.action_id, Priority.slug)
            .outerjoin(Priority, Priority.id == Follow.priority_id)
            .where(Follow.user_id == user_id)
        ).all()
        return (frozenset(a for a, _ in rows if a is not None),
                frozenset(p for _, p in rows if p is not None))

    return personal_memo(("follows", user_id), load, deps=(f"follows:{user_id}",))


def is_following(user, subject: PolicyAction | Priority) -> bool:
    """Tell whether the (signed-in) user follows the action or priority."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    actions, priorities = followed(user.id)
    if isinstance(subject, PolicyAction):
        return subject.id in actions
    return subject.slug in priorities


def follows_priority(user, slug: str) -> bool:
    """Tell whether the (signed-in) user follows the priority with this slug.

    The priority page keeps its content for everyone and does not load the priority for a
    signed-in visitor.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return slug in followed(user.id)[1]


def follow(user: User, subject: PolicyAction | Priority) -> Follow:
    """Follow an action or a priority (again following is harmless)."""
    if not user.email_verified:
        raise FollowError("verify your address first")
    existing = db.session.scalar(sa.select(Follow).filter_by(user_id=user.id, **_target(subject)))
    if existing is not None:
        return existing
    row = Follow(user_id=user.id, **_target(subject))
    db.session.add(row)
    db.session.flush()
    return row


def unfollow(user_id: int, subject: PolicyAction | Priority) -> bool:
    """Stop following; return whether there was anything to stop."""
    # Through the session, not a bulk delete: the change then names what it changes (this
    # person's follows) instead of changing every kept page.
    rows = db.session.scalars(sa.select(Follow).filter_by(user_id=user_id, **_target(subject)))
    found = False
    for row in rows:
        db.session.delete(row)
        found = True
    db.session.flush()
    return found


def followers(action: PolicyAction) -> dict[int, str]:
    """Map each follower of the action, or of its priority, to the scope of their follow."""
    rows = db.session.execute(
        sa.select(Follow.user_id, Follow.action_id).where(
            sa.or_(Follow.action_id == action.id, Follow.priority_id == action.priority_id)
        )
    )
    found: dict[int, str] = {}
    for user_id, action_id in rows:
        # Following the action itself wins: that is what its link then stops.
        if action_id is not None or user_id not in found:
            found[user_id] = (f"action:{action.id}" if action_id
                              else f"priority:{action.priority_id}")
    return found


def followed_by(user: User) -> list[PolicyAction | Priority]:
    """Return what the user follows: actions by code, then priorities."""
    actions = db.session.scalars(
        sa.select(PolicyAction).join(Follow, Follow.action_id == PolicyAction.id)
        .where(Follow.user_id == user.id).order_by(PolicyAction.code)
    )
    priorities = db.session.scalars(
        sa.select(Priority).join(Follow, Follow.priority_id == Priority.id)
        .where(Follow.user_id == user.id).order_by(Priority.position)
    )
    return [*actions, *priorities]


def unsubscribe_token(user: User, scope: str) -> str:
    """Sign what an unsubscribe link stops, for one user."""
    return _serializer().dumps([user.id, scope])


@dataclass
class Unsubscription:
    """What a link stops, read back from its token."""

    user: User
    scope: str
    subject: PolicyAction | Priority | None


def read_unsubscribe_token(token: str) -> Unsubscription:
    """Read an unsubscribe link; raise BadUnsubscribeLink when altered or stale."""
    try:
        user_id, scope = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        raise BadUnsubscribeLink(token) from None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not isinstance(scope, str):
        raise BadUnsubscribeLink(token)
    kind, _, key = scope.partition(":")
    subject = None
    if kind in ("action", "priority") and key.isdigit():
        subject = db.session.get(PolicyAction if kind == "action" else Priority, int(key))
        if subject is None:
            raise BadUnsubscribeLink(token)
    elif scope != "opinions":
        raise BadUnsubscribeLink(token)
    return Unsubscription(user, scope, subject)


def unsubscribe(unsubscription: Unsubscription) -> None:
    """Stop the mails a link names."""
    if unsubscription.subject is not None:
        unfollow(unsubscription.user.id, unsubscription.subject)
    else:
        unsubscription.user.notify_updates = False
    db.session.flush()
