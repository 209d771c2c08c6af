"""Fixtures of the feedback tests."""

from __future__ import annotations

import itertools
import secrets

import pytest

from participation.accounts.models import Role
from participation.database import utcnow
from participation.extensions import db
from participation.registrations.models import Registration, RegistrationStatus

_codes = itertools.count(1)


@pytest.fixture
def add_registration(app):
    """Register someone for an event directly (the registration service lives elsewhere)."""

    def add(event, user=None, email=None, name="Participant", checked_in=False,
            status=RegistrationStatus.CONFIRMED, locale="nl"):
        registration = Registration(
            event=event,
            user_id=user.id if user else None,
            name=user.name if user else name,
            email=(user.email if user else email or f"guest{next(_codes)}@example.org"),
            status=status,
            manage_key=secrets.token_urlsafe(24),
            code=f"C{next(_codes):06d}",
            locale=locale,
            checked_in_at=utcnow() if checked_in else None,
        )
        db.session.add(registration)
        db.session.flush()
        return registration

    return add


@pytest.fixture
def staff(make_user):
    return make_user(roles=(Role.STAFF,), name="Sam Staff")


@pytest.fixture
def resident(make_user):
    return make_user(name="Rita Resident", email="rita@example.org")
