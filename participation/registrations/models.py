"""Registrations: one person's place at an event, or their place on its waiting list."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.database import flag, utcnow, value_enum
from participation.extensions import db


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CANCELLED = "cancelled"


class RegistrationSource(enum.StrEnum):
    ONLINE = "online"
    #: Added by an organiser for someone who phoned or mailed.
    MANUAL = "manual"
    WALK_IN = "walk_in"


class Registration(db.Model):
    """One person's registration for one event."""

    __tablename__ = "registrations"
    cache_query_tags = ("registrations",)

    def cache_tags(self, changed: set[str] | None) -> set[str]:
        return {f"event:{self.event_id}", "registrations"}

    __table_args__ = (
        # The database's backstop: one active registration per e-mail address per event.
        sa.Index(
            "uq_registrations_active_email",
            "event_id",
            "email",
            unique=True,
            sqlite_where=sa.text("status != 'cancelled' AND email IS NOT NULL"),
            postgresql_where=sa.text("status != 'cancelled' AND email IS NOT NULL"),
        ),
        sa.UniqueConstraint("event_id", "code"),
        sa.Index("ix_registrations_event_id_status_id", "event_id", "status", "id"),
        sa.Index("ix_registrations_confirm_by", "confirm_by"),
        sa.CheckConstraint("email IS NULL OR email = lower(email)", name="email_lowercase"),
        sa.CheckConstraint(
            "checked_in_at IS NULL OR status = 'confirmed'", name="checked_in_confirmed"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: NULL once personal data is purged after the retention period.
    name: Mapped[str | None] = mapped_column(sa.String(120))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    needs_step_free: Mapped[bool] = flag()
    needs_hearing_loop: Mapped[bool] = flag()
    needs_sign_language: Mapped[bool] = flag()
    #: Free text: other access needs, dietary needs.
    needs_other: Mapped[str | None] = mapped_column(sa.String(500))
    locale: Mapped[str] = mapped_column(sa.String(2), default="nl")
    status: Mapped[RegistrationStatus] = mapped_column(
        value_enum(RegistrationStatus, "registration_status")
    )
    source: Mapped[RegistrationSource] = mapped_column(
        value_enum(RegistrationSource, "registration_source"), default=RegistrationSource.ONLINE
    )
    #: Secret part of the manage link (the link itself is signed as well).
    manage_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: Short code printed in the confirmation mail and its QR code, for check-in.
    code: Mapped[str] = mapped_column(sa.String(8))
    consent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    checked_in_at: Mapped[datetime | None]
    reminder_sent_at: Mapped[datetime | None]
    purged_at: Mapped[datetime | None]
    #: The place must be confirmed with the mailed link before this moment, or it is released;
    #: NULL when the event asks for no confirmation (or once confirmed).
    confirm_by: Mapped[datetime | None]
    #: When the registrant followed the confirmation link in their mail.
    email_confirmed_at: Mapped[datetime | None]
    #: The network the registration came from (IPv4 /24, IPv6 /48), to spot bursts of sign-ups.
    client_network: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    #: The address with case, and for known providers dots and +tags, taken out: one mailbox.
    mailbox: Mapped[str | None] = mapped_column(sa.String(254), index=True)

    event: Mapped[Event] = relationship("Event")  # noqa: F821
    user: Mapped[User | None] = relationship("User")  # noqa: F821

    @property
    def needs_any(self) -> bool:
        return (
            self.needs_step_free
            or self.needs_hearing_loop
            or self.needs_sign_language
            or bool(self.needs_other)
        )
