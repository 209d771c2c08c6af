"""Fixtures of the feedback tests."""

from __future__ import annotations

import itertools

import pytest

from participation.accounts.models import Role
from participation.registrations.models import RegistrationStatus

_codes = itertools.count(1)


@pytest.fixture
def add_registration(make_registration):
    """Register someone through the service (see ``make_registration``)."""

    def add(event, user=None, email=None, name="Participant", checked_in=False,
            status=RegistrationStatus.CONFIRMED, locale="nl"):
        return make_registration(event, user=user, name=None if user else name,
                                 email=... if user or email is None else email,
                                 checked_in=checked_in, status=status, locale=locale)

    return add


@pytest.fixture
def staff(make_user):
    return make_user(roles=(Role.STAFF,), name="Sam Staff")


@pytest.fixture
def resident(make_user):
    return make_user(name="Rita Resident", email="rita@example.org")
