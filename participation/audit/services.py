"""Write to the audit log."""

from __future__ import annotations

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


def entries_about(target, limit: int = 20) -> list[AuditEntry]:
    """Return the latest entries whose target is ``target``."""
    return list(db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.target_type == type(target).__name__,
               AuditEntry.target_id == target.id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    ))
