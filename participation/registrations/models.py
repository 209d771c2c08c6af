"""Registrations: one person's place at an event, or their place on its waiting list."""

from __future__ import annotations

import enum
import hashlib
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.core.page_cache import old_and_new
from participation.database import flag, utcnow, value_enum
from participation.extensions import db
from participation.localized import Bilingual, current_language


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CANCELLED = "cancelled"


class RegistrationSource(enum.StrEnum):
    ONLINE = "online"
    #: Added by an organiser for someone who phoned or mailed.
    MANUAL = "manual"
    WALK_IN = "walk_in"


class CancelReason(enum.StrEnum):
    """Why someone cancelled, when they said; organisers see only the totals."""

    ILL = "ill"
    OTHER_PLANS = "other_plans"
    CANNOT_GET_THERE = "cannot_get_there"
    NOT_INTERESTED = "not_interested"
    OTHER = "other"


def registrant_tag(*, user_id: int | None = None, email: str | None = None) -> str:
    """The cache tag of one person's registrations: by account, or by (lower-case) address.

    The address is hashed: tags travel in PostgreSQL notifications and are kept in memory.
    """
    if user_id is not None:
        return f"registrant:{user_id}"
    digest = hashlib.blake2b((email or "").encode(), digest_size=8).hexdigest()
    return f"registrant-mail:{digest}"


class Registration(db.Model):
    """One person's registration for one event."""

    __tablename__ = "registrations"
    cache_query_tags = ("registrations",)

    def cache_tags(self, changed: set[str] | None) -> set[str]:
        # The person's tags: what a signed-in person registered for is kept in memory
        # (``feedback.services.events_for_opinion``).
        return {f"event:{self.event_id}", "registrations",
                *(registrant_tag(user_id=user_id) for user_id in old_and_new(self, "user_id")),
                *(registrant_tag(email=email) for email in old_and_new(self, "email"))}

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
        # A signed-in person's registrations are theirs by account or by confirmed address
        # (``person_registrations``): without it every signed-in page scanned the table.
        sa.Index("ix_registrations_email", "email"),
        sa.CheckConstraint("email IS NULL OR email = lower(email)", name="email_lowercase"),
        sa.CheckConstraint(
            "checked_in_at IS NULL OR status = 'confirmed'", name="checked_in_confirmed"
        ),
        sa.CheckConstraint("companions >= 0", name="companions_not_negative"),
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
    #: People who come along on this registration; the group takes ``1 + companions`` places.
    companions: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Their names, in order, as far as given ("" when not); NULL once purged.
    companion_names: Mapped[list[str] | None] = mapped_column(sa.JSON(none_as_null=True))
    #: The organisation this person registers on behalf of, if any.
    organisation: Mapped[str | None] = mapped_column(sa.String(200))
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
    #: Why the person cancelled, if they said so (shown to organisers only as totals).
    cancel_reason: Mapped[CancelReason | None] = mapped_column(
        value_enum(CancelReason, "cancel_reason")
    )
    #: What an organiser told the person when cancelling their registration (in the mail);
    #: NULL once purged.
    cancel_message: Mapped[str | None] = mapped_column(sa.String(1000))
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
    answers: Mapped[list[RegistrationAnswer]] = relationship(
        order_by="RegistrationAnswer.id", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def places(self) -> int:
        """The places this registration takes: the person and their companions."""
        return 1 + (self.companions or 0)

    @property
    def companion_labels(self) -> list[str]:
        """One entry per companion: the name given, or "" when none was."""
        names = list(self.companion_names or [])[: self.companions or 0]
        return names + [""] * ((self.companions or 0) - len(names))

    @property
    def needs_any(self) -> bool:
        return (
            self.needs_step_free
            or self.needs_hearing_loop
            or self.needs_sign_language
            or bool(self.needs_other)
        )


class QuestionKind(enum.StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    ONE_CHOICE = "one_choice"
    SEVERAL_CHOICES = "several_choices"
    YES_NO = "yes_no"
    #: A whole number (people, age, ...).
    NUMBER = "number"

    @property
    def has_choices(self) -> bool:
        return self in (QuestionKind.ONE_CHOICE, QuestionKind.SEVERAL_CHOICES)


class RegistrationQuestion(Bilingual, db.Model):
    """A question an event's organisers ask everyone who registers, in Dutch and English."""

    __tablename__ = "registration_questions"
    __table_args__ = (
        sa.Index("ix_registration_questions_event_id_position", "event_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    #: Order on the form, lowest first.
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(value_enum(QuestionKind, "question_kind"))
    label_nl: Mapped[str] = mapped_column(sa.String(300))
    label_en: Mapped[str | None] = mapped_column(sa.String(300))
    help_nl: Mapped[str | None] = mapped_column(sa.String(500))
    help_en: Mapped[str | None] = mapped_column(sa.String(500))
    #: The options of a choice question, in order; ``choices_en`` runs parallel (same length).
    choices_nl: Mapped[list[str] | None] = mapped_column(sa.JSON(none_as_null=True))
    choices_en: Mapped[list[str] | None] = mapped_column(sa.JSON(none_as_null=True))
    required: Mapped[bool] = flag()
    #: Print the answers on the sign-in sheet at the door.
    on_sign_in_sheet: Mapped[bool] = flag()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship("Event")  # noqa: F821

    def choice_labels(self) -> list[str]:
        """The options in the current language (Dutch where no English is given)."""
        english = list(self.choices_en or []) if current_language() == "en" else []
        return [
            (english[n] if n < len(english) and english[n] else label)
            for n, label in enumerate(self.choices_nl or [])
        ]


class RegistrationAnswer(Bilingual, db.Model):
    """One registrant's answer to one question, with the question as it was when answered.

    The label and chosen options are copied, so that an answer stays readable when the
    question is later changed or removed. Personal data: purged with the registration.
    """

    __tablename__ = "registration_answers"
    __table_args__ = (sa.UniqueConstraint("registration_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE")
    )
    #: NULL once the question is removed; the copied label keeps the answer readable.
    question_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registration_questions.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[QuestionKind] = mapped_column(value_enum(QuestionKind, "question_kind"))
    label_nl: Mapped[str] = mapped_column(sa.String(300))
    label_en: Mapped[str | None] = mapped_column(sa.String(300))
    #: The answer of a text or number question.
    text: Mapped[str | None] = mapped_column(sa.Text)
    #: The answer of a yes/no question.
    yes: Mapped[bool | None]
    #: The options chosen, in both languages, as they read when chosen.
    chosen_nl: Mapped[list[str] | None] = mapped_column(sa.JSON(none_as_null=True))
    chosen_en: Mapped[list[str] | None] = mapped_column(sa.JSON(none_as_null=True))

    def display(self) -> str:
        """The answer as text in the current language."""
        if self.kind == QuestionKind.YES_NO:
            if self.yes is None:
                return ""
            return str(_l("yes") if self.yes else _l("no"))
        if self.kind.has_choices:
            english = list(self.chosen_en or []) if current_language() == "en" else []
            chosen = [
                (english[n] if n < len(english) and english[n] else label)
                for n, label in enumerate(self.chosen_nl or [])
            ]
            return ", ".join(chosen)
        return self.text or ""
