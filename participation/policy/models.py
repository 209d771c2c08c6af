"""Policy documents, their priorities or chapters, their actions, and updates on actions."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.database import flag, utcnow, value_enum
from participation.extensions import db
from participation.localized import Bilingual, localized_field


class ActionStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class PolicyDocument(Bilingual, db.Model):
    """A plan residents are asked about: Ghent's policy note, the Green Deal, ..."""

    __tablename__ = "policy_documents"
    BILINGUAL_FIELDS = ("issuer", "title", "summary")
    cache_query_tags = ("reference",)  # changes rarely; any change drops every page

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    #: Who wrote the plan: the City of Ghent, the European Commission, ...
    issuer_nl: Mapped[str] = mapped_column(sa.String(120))
    issuer_en: Mapped[str | None] = mapped_column(sa.String(120))
    title_nl: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str | None] = mapped_column(sa.String(200))
    summary_nl: Mapped[str] = mapped_column(sa.Text, default="")
    summary_en: Mapped[str | None] = mapped_column(sa.Text)
    url: Mapped[str | None] = mapped_column(sa.String(500))
    position: Mapped[int] = mapped_column(default=0)

    priorities: Mapped[list[Priority]] = relationship(
        back_populates="document", order_by="Priority.position"
    )


class Priority(Bilingual, db.Model):
    """A top priority of the city's note, or a chapter of another plan."""

    __tablename__ = "priorities"
    BILINGUAL_FIELDS = ("title", "summary")
    cache_query_tags = ("reference",)  # changes rarely; any change drops every page

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        sa.ForeignKey("policy_documents.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    #: One of the policy note's four top priorities (shown on the home page).
    is_top_priority: Mapped[bool] = flag()
    title_nl: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str | None] = mapped_column(sa.String(200))
    summary_nl: Mapped[str] = mapped_column(sa.Text, default="")
    summary_en: Mapped[str | None] = mapped_column(sa.Text)

    document: Mapped[PolicyDocument] = relationship(back_populates="priorities")
    actions: Mapped[list[PolicyAction]] = relationship(
        back_populates="priority", order_by="PolicyAction.code"
    )


class PolicyAction(Bilingual, db.Model):
    """One concrete action of a plan; residents give their opinion on it."""

    BILINGUAL_FIELDS = ("title", "summary")
    __tablename__ = "policy_actions"
    cache_query_tags = ("actions",)

    def cache_row_tags(self) -> set[str]:
        return {f"action:{self.id}"}

    def cache_tags(self, changed: set[str] | None) -> set[str]:
        return {f"action:{self.id}", "actions"}

    __table_args__ = (
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name="progress_percent"),
        sa.CheckConstraint("length(code) >= 2", name="code_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short, stable reference such as ``A07`` or ``GD03``.
    code: Mapped[str] = mapped_column(sa.String(12), unique=True)
    priority_id: Mapped[int] = mapped_column(
        sa.ForeignKey("priorities.id", ondelete="RESTRICT"), index=True
    )
    title_nl: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str | None] = mapped_column(sa.String(200))
    summary_nl: Mapped[str] = mapped_column(sa.Text, default="")
    summary_en: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[ActionStatus] = mapped_column(
        value_enum(ActionStatus, "action_status"), default=ActionStatus.PLANNED
    )
    #: Progress in percent, 0 to 100.
    progress: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Residents may give or change their opinion while this is true.
    feedback_open: Mapped[bool] = flag(True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    priority: Mapped[Priority] = relationship(back_populates="actions")
    updates: Mapped[list[ActionUpdate]] = relationship(
        back_populates="action", order_by="ActionUpdate.created_at.desc()"
    )


class ActionUpdate(Bilingual, db.Model):
    """What the city reports back on an action: closing the loop."""

    __tablename__ = "action_updates"
    __table_args__ = (
        sa.CheckConstraint(
            "coalesce(body_nl, '') <> '' OR coalesce(body_en, '') <> ''",
            name="body_in_a_language",
        ),
    )
    BILINGUAL_FIELDS = ("body",)
    cache_query_tags = ("actions",)

    def cache_tags(self, changed: set[str] | None) -> set[str]:
        return {f"action:{self.action_id}", "actions"}


    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(
        sa.ForeignKey("policy_actions.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: Staff write what the city did in Dutch, English or both.
    body_nl: Mapped[str | None] = mapped_column(sa.Text)
    body_en: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[ActionStatus] = mapped_column(value_enum(ActionStatus, "update_status"))
    progress: Mapped[int] = mapped_column(
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name="update_progress_percent")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    action: Mapped[PolicyAction] = relationship(back_populates="updates")

    #: Read-only: the text in the reader's language, else the other one.
    body = localized_field()


class Follow(db.Model):
    """A signed-in resident follows an action or a priority: a mail for each update."""

    __tablename__ = "follows"
    cache_query_tags = ("follows",)

    def cache_tags(self, changed: set[str] | None) -> set[str]:
        # ``follows:<user id>``: the person's follows kept in memory (policy.follows).
        return {"follows", f"follows:{self.user_id}"}

    __table_args__ = (
        sa.CheckConstraint("(action_id IS NULL) <> (priority_id IS NULL)",
                           name="action_or_priority"),
        sa.UniqueConstraint("user_id", "action_id", name="one_follow_per_action"),
        sa.UniqueConstraint("user_id", "priority_id", name="one_follow_per_priority"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    action_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("policy_actions.id", ondelete="CASCADE"), index=True
    )
    priority_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("priorities.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
