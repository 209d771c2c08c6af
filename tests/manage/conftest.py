"""Fixtures for the organisers' workspace: organisers, an admin, and a valid event form."""

from __future__ import annotations

import pytest

from participation.accounts.models import Role


@pytest.fixture
def organiser(make_user):
    return make_user(email="olga@example.org", name="Olga Organiser", roles=(Role.ORGANISER,))


@pytest.fixture
def other_organiser(make_user):
    return make_user(email="otto@example.org", name="Otto Other", roles=(Role.ORGANISER,))


@pytest.fixture
def admin(make_user):
    return make_user(email="ada@example.org", name="Ada Admin", roles=(Role.ADMIN,))


@pytest.fixture
def event_form(make_topic):
    """Return a function building the POST data of a valid event form, with overrides."""

    def build(**overrides) -> dict:
        topic = overrides.pop("topic", None) or make_topic()
        data = {
            "title_nl": "Green Deal evening",
            "slug": "",
            "summary_nl": "Talk with us about the European Green Deal.",
            "description_nl": "We **listen**.",
            "topic_id": str(topic.id),
            "language": "nl",
            "starts_at": "2030-05-14T19:30",
            "ends_at": "2030-05-14T21:30",
            "venue_name": "De Krook",
            "address": "Miriam Makebaplein 1, 9000 Gent",
            "online_url": "",
            "public_transport_nl": "Tram 1 to Zuid",
            "bike_nl": "Bike parking at the door",
            "accessibility_notes_nl": "",
            "capacity": "30",
            "registration_opens_at": "",
            "registration_closes_at": "",
            "organiser_emails": "olga@example.org",
        }
        for name in ("title", "summary", "description", "public_transport", "bike",
                     "accessibility_notes"):  # without a language: Dutch
            if name in overrides:
                overrides[f"{name}_nl"] = overrides.pop(name)
        data.update(overrides)
        return {k: v for k, v in data.items() if v is not None}

    return build


@pytest.fixture
def add_registration(make_registration):
    """Register someone through the service (see ``make_registration``)."""
    return make_registration
