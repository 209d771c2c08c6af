"""People and the roles they hold."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participation.database import flag, utcnow, value_enum
from participation.extensions import db


class Role(enum.StrEnum):
    RESIDENT = "resident"
    ORGANISER = "organiser"
    STAFF = "staff"
    ADMIN = "admin"


class AgeBand(enum.StrEnum):
    UNDER_18 = "under_18"
    AGE_18_24 = "18_24"
    AGE_25_34 = "25_34"
    AGE_35_49 = "35_49"
    AGE_50_64 = "50_64"
    AGE_65_PLUS = "65_plus"


class User(UserMixin, db.Model):
    """A person with an account: resident, organiser, policy staff or admin."""

    __tablename__ = "users"
    cache_query_tags = ("users",)

    def cache_tags(self, changed: set[str] | None) -> set[str]:
        # ``user:<id>``: the signed-in user kept in memory (accounts.access).
        return {"users", f"user:{self.id}"}

    __table_args__ = (
        sa.CheckConstraint("email = lower(email)", name="email_lowercase"),
        sa.CheckConstraint("locale IN ('nl', 'en')", name="locale_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    email_verified_at: Mapped[datetime | None]
    #: The language of the site and of mails; None until the person first signs in or chooses
    #: (accounts made on the command line), then the language they were browsing in.
    locale: Mapped[str | None] = mapped_column(sa.String(2))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    active: Mapped[bool] = flag(True)
    #: Bumped on password change or sign-out everywhere; part of the session identifier.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    #: Mail me when the city posts an update on an action I gave my opinion on.
    notify_updates: Mapped[bool] = flag(True)
    #: Optional, consented profile facts used only to judge representativeness.
    postcode: Mapped[str | None] = mapped_column(sa.String(10))
    age_band: Mapped[AgeBand | None] = mapped_column(value_enum(AgeBand, "age_band"))
    profile_consent_at: Mapped[datetime | None]

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    def get_id(self) -> str:
        """Identify the session by user and session version, so old sessions can be revoked."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    @property
    def role_names(self) -> set[Role]:
        return {r.role for r in self.roles}

    def has_role(self, *roles: Role) -> bool:
        """Tell whether the user holds any of the roles (admins hold them all)."""
        names = self.role_names
        return Role.ADMIN in names or any(role in names for role in roles)

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.role_names

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None


class UserRole(db.Model):
    """One role held by one user."""

    __tablename__ = "user_roles"
    cache_query_tags = ("users",)

    def cache_tags(self, changed: set[str] | None) -> set[str]:
        return {"users", f"user:{self.user_id}"}


    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(value_enum(Role, "role"), primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="roles")
