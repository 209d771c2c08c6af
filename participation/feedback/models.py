"""Residents' opinions on policy actions, and reports about them."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from participation.accounts.models import AgeBand
from participation.core.page_cache import old_and_new
from participation.core.text import FORMULA_CHARACTERS, FORMULA_ONLY_AT_START
from participation.database import flag, utcnow, value_enum
from participation.extensions import db
from participation.localized import Bilingual

OPINION_MAX_LENGTH = 2000
THEME_NAME_MAX_LENGTH = 120


class Stance(enum.StrEnum):
    SUPPORT = "support"
    MIXED = "mixed"
    OPPOSE = "oppose"


class OpinionSource(enum.StrEnum):
    ONLINE = "online"
    #: Given online by a participant after the event, in answer to the invitation.
    AFTER_EVENT = "after_event"
    #: Recorded by an organiser at the event (a table discussion, post-its).
    AT_EVENT = "at_event"


class OpinionStatus(enum.StrEnum):
    PUBLISHED = "published"
    HIDDEN = "hidden"


#: ``Opinion.body_may_be_formula`` in SQL both databases compute (LIKE and substr): a
#: formula character anywhere, or a hidden formula's at the start (``core.text``).
BODY_MAY_BE_FORMULA = " OR ".join(
    [f"body LIKE '%{char}%'" for char in FORMULA_CHARACTERS]
    + ["substr(body, 1, 1) IN ({})".format(", ".join(f"'{c}'" for c in FORMULA_ONLY_AT_START))]
)


class Opinion(db.Model):
    """A stance and text on one policy action."""

    __tablename__ = "opinions"
    cache_query_tags = ("opinions",)

    def cache_tags(self, changed: set[str] | None) -> set[str]:
        # ``opinions-of:<user id>``: a resident's own opinions kept in memory
        # (``feedback.services.kept_own_opinion``).
        return {f"action:{self.action_id}", "opinions",
                *(f"opinions-of:{user_id}" for user_id in old_and_new(self, "user_id"))}

    __table_args__ = (
        sa.UniqueConstraint("action_id", "user_id"),
        sa.CheckConstraint(f"length(body) <= {OPINION_MAX_LENGTH}", name="body_length"),
        sa.CheckConstraint(
            "source != 'at_event' OR event_id IS NOT NULL", name="recorded_has_event"
        ),
        sa.Index("ix_opinions_action_id_status_created_at", "action_id", "status", "created_at"),
        sa.Index("ix_opinions_created_at", "created_at"),
        # Small groups (``feedback.small_groups``): the people sharing a postcode or an age
        # band are counted from these alone (an index-only scan in the group's order),
        # rather than by reading and sorting every opinion at the start of each export.
        sa.Index("ix_opinions_postcode_people", "postcode", "user_id", "id"),
        sa.Index("ix_opinions_age_band_people", "age_band", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(
        sa.ForeignKey("policy_actions.id", ondelete="CASCADE")
    )
    #: NULL for feedback recorded at an event, or after the author's account was deleted.
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("events.id", ondelete="SET NULL"), index=True
    )
    #: The organiser who recorded feedback at an event.
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    stance: Mapped[Stance] = mapped_column(value_enum(Stance, "stance"))
    body: Mapped[str] = mapped_column(sa.Text)
    #: Whether the text holds a character a spreadsheet could read as the start of a
    #: formula (anywhere in it), or starts with a tab or carriage return. The database
    #: computes it whenever the text is written; exports written by PostgreSQL neutralise
    #: only the texts that have one (``exports.copy``), most have none.
    body_may_be_formula: Mapped[bool] = mapped_column(
        sa.Computed(BODY_MAY_BE_FORMULA, persisted=True))
    show_name: Mapped[bool] = flag()
    source: Mapped[OpinionSource] = mapped_column(
        value_enum(OpinionSource, "opinion_source"), default=OpinionSource.ONLINE
    )
    locale: Mapped[str] = mapped_column(sa.String(2), default="nl")
    status: Mapped[OpinionStatus] = mapped_column(
        value_enum(OpinionStatus, "opinion_status"), default=OpinionStatus.PUBLISHED
    )
    hidden_reason: Mapped[str | None] = mapped_column(sa.String(500))
    #: Snapshot of the author's consented profile facts when the opinion was given.
    postcode: Mapped[str | None] = mapped_column(sa.String(10))
    age_band: Mapped[AgeBand | None] = mapped_column(value_enum(AgeBand, "opinion_age_band"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    action: Mapped[PolicyAction] = relationship("PolicyAction")  # noqa: F821
    user: Mapped[User | None] = relationship("User", foreign_keys=[user_id])  # noqa: F821
    event: Mapped[Event | None] = relationship("Event")  # noqa: F821
    reports: Mapped[list[OpinionReport]] = relationship(
        back_populates="opinion", cascade="all, delete-orphan", passive_deletes=True,
        order_by="OpinionReport.created_at",
    )
    codings: Mapped[list[OpinionTheme]] = relationship(
        back_populates="opinion", cascade="all, delete-orphan", passive_deletes=True,
    )

    @property
    def open_reports(self) -> list[OpinionReport]:
        return [r for r in self.reports if r.resolved_at is None]


class OpinionReport(db.Model):
    """Someone signed in reported an opinion to the moderators."""

    __tablename__ = "opinion_reports"
    cache_query_tags = ("opinions",)

    def cache_tags(self, changed: set[str] | None) -> set[str]:
        return {"opinions"}

    __table_args__ = (sa.UniqueConstraint("opinion_id", "reporter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("opinions.id", ondelete="CASCADE"), index=True
    )
    reporter_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    reason: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]

    opinion: Mapped[Opinion] = relationship(back_populates="reports")


CLOSING_SUMMARY_MAX_LENGTH = 5000
CLOSING_SAID_MAX_LENGTH = 2000


class ClosingReport(Bilingual, db.Model):
    """What came of an event: written by its organisers afterwards, shown on its page."""

    __tablename__ = "closing_reports"
    cache_query_tags = ("closing_reports",)

    def cache_tags(self, changed: set[str] | None) -> set[str]:
        return {f"event:{self.event_id}", "closing_reports"}

    __table_args__ = (
        sa.CheckConstraint("length(summary_nl) > 0", name="summary_not_empty"),
        sa.CheckConstraint("participants IS NULL OR participants >= 0",
                           name="participants_not_negative"),
    )

    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    summary_nl: Mapped[str] = mapped_column(sa.Text)
    summary_en: Mapped[str | None] = mapped_column(sa.Text)
    #: How many took part: proposed from the check-ins, the organisers may correct it
    #: (walk-ins nobody checked in); NULL when they do not know.
    participants: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship(  # noqa: F821
        "Event", backref=backref("closing_report", uselist=False, passive_deletes=True)
    )
    outcomes: Mapped[list[ClosingOutcome]] = relationship(
        back_populates="report", cascade="all, delete-orphan", passive_deletes=True,
        lazy="selectin", order_by="ClosingOutcome.position",
    )


class ClosingOutcome(Bilingual, db.Model):
    """What was said at the event about one of the policy actions it discussed."""

    __tablename__ = "closing_outcomes"
    cache_query_tags = ("closing_reports",)

    def cache_tags(self, changed: set[str] | None) -> set[str]:
        return {f"event:{self.event_id}", "closing_reports"}

    __table_args__ = (sa.CheckConstraint("length(said_nl) > 0", name="said_not_empty"),)

    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("closing_reports.event_id", ondelete="CASCADE"), primary_key=True
    )
    action_id: Mapped[int] = mapped_column(
        sa.ForeignKey("policy_actions.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    #: Order on the page: the order of the event's actions (by code).
    position: Mapped[int] = mapped_column(default=0)
    said_nl: Mapped[str] = mapped_column(sa.Text)
    said_en: Mapped[str | None] = mapped_column(sa.Text)

    report: Mapped[ClosingReport] = relationship(back_populates="outcomes")
    action: Mapped[PolicyAction] = relationship("PolicyAction", lazy="joined")  # noqa: F821


class Theme(Bilingual, db.Model):
    """A theme staff code opinions with: for one action, or shared across actions."""

    __tablename__ = "themes"
    __table_args__ = (
        sa.UniqueConstraint("action_id", "name_nl"),
        sa.CheckConstraint("length(name_nl) >= 1", name="name_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The action the theme belongs to; NULL for a theme shared by every action.
    action_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("policy_actions.id", ondelete="CASCADE"), index=True
    )
    name_nl: Mapped[str] = mapped_column(sa.String(THEME_NAME_MAX_LENGTH))
    name_en: Mapped[str | None] = mapped_column(sa.String(THEME_NAME_MAX_LENGTH))
    #: The suggested phrase the theme was accepted from, if any.
    suggested_phrase: Mapped[str | None] = mapped_column(sa.String(THEME_NAME_MAX_LENGTH))
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    action: Mapped[PolicyAction | None] = relationship("PolicyAction")  # noqa: F821
    codings: Mapped[list[OpinionTheme]] = relationship(
        back_populates="theme", cascade="all, delete-orphan", passive_deletes=True,
    )


class OpinionTheme(db.Model):
    """Staff coded an opinion with a theme."""

    __tablename__ = "opinion_themes"

    opinion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("opinions.id", ondelete="CASCADE"), primary_key=True
    )
    theme_id: Mapped[int] = mapped_column(
        sa.ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    tagged_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    tagged_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Staff chose this opinion as a representative quote for the theme in reports.
    is_quote: Mapped[bool] = flag()

    opinion: Mapped[Opinion] = relationship(back_populates="codings")
    theme: Mapped[Theme] = relationship(back_populates="codings")


class RejectedSuggestion(db.Model):
    """A suggested theme staff rejected for an action: it is not proposed again."""

    __tablename__ = "rejected_theme_suggestions"
    __table_args__ = (sa.UniqueConstraint("action_id", "phrase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(
        sa.ForeignKey("policy_actions.id", ondelete="CASCADE")
    )
    phrase: Mapped[str] = mapped_column(sa.String(THEME_NAME_MAX_LENGTH))
    rejected_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    rejected_at: Mapped[datetime] = mapped_column(default=utcnow)
