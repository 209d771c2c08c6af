"""The audit log: who did what to which record, and when."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from participation.database import utcnow
from participation.extensions import db


class AuditEntry(db.Model):
    """One recorded action of staff, organisers or admins."""

    __tablename__ = "audit_log"
    #: The log never changes a page by itself (see ``page_cache.UNSEEN_TABLES``): nothing
    #: sends this tag. What a public page shows of it (an action's history) is written
    #: together with a change to what it is about, and that page declares that as well.
    cache_query_tags = ("audit",)
    __table_args__ = (
        sa.Index("ix_audit_log_action_at", "action", "at"),
        # An action's public history, an event's or a user's entries.
        sa.Index("ix_audit_log_target_type_target_id", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: A dotted verb such as ``role.grant``, ``opinion.hide``, ``export.opinions``.
    action: Mapped[str] = mapped_column(sa.String(60))
    target_type: Mapped[str | None] = mapped_column(sa.String(40))
    target_id: Mapped[int | None]
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
