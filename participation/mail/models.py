"""The mail outbox: mails queued in the same transaction as the change that causes them.

Most mails are written (rendered) when they are queued. Registration mails are queued
*unwritten*, with only a recipe (``render``) saying how to write them: they are queued while
the event's row lock is held, and writing them (two templates, a calendar file, a QR code)
would make every other registration for the event wait. The worker writes them in its own
short transaction before sending (``participation.mail.services.render_pending``).
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from participation.database import utcnow, value_enum
from participation.extensions import db


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    #: Gave up after the maximum number of attempts; kept for inspection and resend.
    FAILED = "failed"


class OutboxMessage(db.Model):
    """One mail waiting to be delivered, delivered, or given up on."""

    __tablename__ = "mail_outbox"
    __table_args__ = (
        sa.Index("ix_mail_outbox_status_next_attempt_at", "status", "next_attempt_at"),
        # A mail the worker could neither send nor write would wait forever.
        sa.CheckConstraint(
            "(subject IS NOT NULL AND body_text IS NOT NULL) OR render IS NOT NULL",
            name="written_or_recipe",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Which builder wrote it: ``registration_confirmed``, ``promoted``, ...
    kind: Mapped[str] = mapped_column(sa.String(40))
    recipient: Mapped[str] = mapped_column(sa.String(254))
    #: Subject and bodies are empty while the mail is not written yet (see ``render``).
    subject: Mapped[str | None] = mapped_column(sa.String(300))
    body_text: Mapped[str | None] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    #: List of {"filename", "content_type", "data" (base64)}.
    attachments: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: How to write a mail queued unwritten, e.g. ``{"builder": "registration",
    #: "registration_id": 123, "args": {"position": 4}}``; emptied once it is written.
    render: Mapped[dict | None] = mapped_column(sa.JSON(none_as_null=True))
    #: Extra headers, e.g. List-Unsubscribe and List-Unsubscribe-Post (RFC 8058).
    headers: Mapped[dict | None] = mapped_column(sa.JSON)
    status: Mapped[OutboxStatus] = mapped_column(
        value_enum(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    @property
    def written(self) -> bool:
        """Whether subject and bodies are there (else the worker writes them from ``render``)."""
        return self.render is None
