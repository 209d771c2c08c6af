"""Reading the audit log, for administrators: every entry with the account that acted."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from participation.accounts.models import User
from participation.audit.models import AuditEntry
from participation.core.i18n import brussels_day_start
from participation.core.pagination import Page
from participation.extensions import db


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
