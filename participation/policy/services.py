"""Reading the policy documents, their priorities and actions."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from participation.extensions import db
from participation.policy.models import PolicyAction, PolicyDocument, Priority


class PolicyNotFound(LookupError):
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
        .options(selectinload(PolicyAction.priority).selectinload(Priority.document))
    )
    if action is None:
        raise PolicyNotFound(code)
    return action


def all_actions() -> list[PolicyAction]:
    """Return every action with its priority, ordered by code."""
    return list(
        db.session.scalars(
            sa.select(PolicyAction)
            .options(selectinload(PolicyAction.priority))
            .order_by(PolicyAction.code)
        )
    )
