"""Write to the audit log."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from participation.audit.models import AuditEntry
from participation.extensions import db


def record(actor, action: str, target=None, **details) -> AuditEntry:
    """Add an audit entry for ``actor`` doing ``action`` to ``target``."""
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        target_type=type(target).__name__ if target is not None else None,
        target_id=getattr(target, "id", None),
        details={k: v for k, v in details.items() if v is not None},
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def known_actions() -> list[str]:
    """List the actions that occur in the log, for the filter."""
    return list(db.session.scalars(sa.select(AuditEntry.action).distinct()
                                   .order_by(AuditEntry.action)))


def find_entries(
    action: str | None = None,
    actor_email: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    page: int = 1,
    per_page: int = 50,
):
    """Return one page of audit entries, newest first, with their actors.

    Dates are Brussels calendar days; ``date_to`` includes the whole day.
    """
    from participation.accounts.models import User
    from participation.events.services import Page, brussels_day_start

    stmt = sa.select(AuditEntry, User).outerjoin(User, User.id == AuditEntry.actor_id)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if actor_email:
        stmt = stmt.where(User.email == actor_email.strip().lower())
    if date_from:
        stmt = stmt.where(AuditEntry.at >= brussels_day_start(date_from))
    if date_to:
        stmt = stmt.where(AuditEntry.at < brussels_day_start(date_to + timedelta(days=1)))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.execute(
        stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return Page([(entry, actor) for entry, actor in rows], page, per_page, total)


def entries_about(target, limit: int = 20) -> list[AuditEntry]:
    """Return the latest entries whose target is ``target``."""
    return list(db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.target_type == type(target).__name__,
               AuditEntry.target_id == target.id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    ))
