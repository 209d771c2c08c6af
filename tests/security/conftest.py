"""A small world with one object of every kind, and URLs for every route built from it.

Route-walking tests (CSRF, the authorization matrix, form fuzzing) use ``world`` and
``world.url(rule)`` so that every URL points at a real object.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from flask import current_app

from participation.accounts import tokens
from participation.accounts.models import Role, User
from participation.database import utcnow
from participation.events.demo_extras import draw_demo_picture
from participation.extensions import db
from participation.feedback.models import Theme
from participation.images.services import AltText, store_image
from participation.places import services as places
from participation.policy import follows
from participation.registrations import questions
from participation.registrations import services as registration_services
from participation.registrations.models import QuestionKind

PASSWORD = "correct horse battery staple"
_fresh = itertools.count(1)
_password_hash: list[str] = []


def password_hash() -> str:
    """The hash of PASSWORD, computed once: hashing is slow on purpose."""
    if not _password_hash:
        from participation.accounts.services import hash_password

        _password_hash.append(hash_password(PASSWORD))
    return _password_hash[0]

#: The people the matrix tries every route as.
ROLES = ("anonymous", "resident", "organiser", "other_organiser", "staff", "admin")


@dataclass
class World:
    """Real objects to build URLs with, and the people to act as."""

    people: dict[str, User]
    event: object
    other_event: object
    past_event: object
    action: object
    opinion: object
    registration: object
    make_user: object = field(repr=False)

    def values(self, endpoint: str, arguments) -> dict:
        """URL values for a rule's arguments, pointing at this world's objects."""
        manage_token = registration_services.manage_token(self.registration)
        per_name = {
            "slug": lambda: self.event.slug,
            "code": lambda: self.action.code,
            "opinion_id": lambda: self.opinion.id,
            "user_id": lambda: self.people["resident"].id,
            "registration_id": lambda: self.registration.id,
            "role": lambda: Role.RESIDENT.value,
            "language": lambda: "en",
            "kind": lambda: "opinions",
            "fmt": lambda: "csv",
            "filename": lambda: "css/site.css",
            "token": lambda: manage_token,
            "theme_id": self._theme_id,
            "question_id": self._question_id,
            "index": lambda: 0,
        }
        per_endpoint = {
            ("events.topic_calendar_feed", "slug"): lambda: self.event.topic.slug,
            ("policy.follow_priority", "slug"): lambda: self.action.priority.slug,
            ("events.topic_atom_feed", "slug"): lambda: self.event.topic.slug,
            ("opendata.download", "slug"): lambda: "events",
            ("policy.unsubscribe", "token"): self._unsubscribe_token,
            ("policy.unsubscribe_confirmed", "token"): self._unsubscribe_token,
            ("manage_venues.edit_venue", "venue_id"): self._venue_id,
            ("images.rendition", "key"): self._image_key,
            ("images.rendition", "width"): lambda: 480,
            ("images.rendition", "fmt"): lambda: "jpeg",
            ("events.priority_detail", "slug"): lambda: self.action.priority.slug,
            ("feedback_staff.priority_report", "slug"): lambda: self.action.priority.slug,
            ("feedback_staff.priority_report_pdf", "slug"): lambda: self.action.priority.slug,
            ("accounts.verify_email", "token"): self._verification_token,
            ("accounts.reset_password", "token"):
                lambda: tokens.reset_token(self.people["resident"]),
            ("accounts.confirm_email_change", "token"): self._email_change_token,
        }
        values = {}
        for name in arguments:
            make = per_endpoint.get((endpoint, name)) or per_name.get(name)
            if make is None:
                raise AssertionError(
                    f"tests/security/conftest.py does not know how to build <{name}> "
                    f"for {endpoint}: add it to World.values"
                )
            values[name] = make()
        return values

    def _unsubscribe_token(self) -> str:
        return follows.unsubscribe_token(self.people["resident"], f"action:{self.action.id}")

    def _image_key(self) -> str:
        picture = draw_demo_picture(["#003399", "#ffcc00", "#ffffff"], "stars", (600, 400))
        image = store_image(picture, AltText("Sterren", "Stars"))
        db.session.commit()
        return image.key

    def _venue_id(self) -> int:
        venue = places.create_venue(places.VenueDetails(
            name=f"Venue {next(_fresh)}", address="Korenmarkt 1, 9000 Gent"))
        db.session.commit()
        return venue.id

    def _theme_id(self) -> int:
        """A fresh theme of the world's action (a test may delete the one before)."""
        theme = Theme(action_id=self.action.id, name_nl=f"Thema {next(_fresh)}")
        db.session.add(theme)
        db.session.commit()
        return theme.id

    def _question_id(self) -> int:
        """A question of the event's registration form (made again if a test removed it)."""
        existing = questions.questions_of(self.event)
        if existing:
            return existing[0].id
        return questions.add_question(self.event, questions.QuestionDetails(
            kind=QuestionKind.SHORT_TEXT, label_nl="Welke workshop?")).id

    def _verification_token(self) -> str:
        user = self.make_user(verified=False, password_hash=password_hash())
        db.session.commit()
        return tokens.verification_token(user)

    def _email_change_token(self) -> str:
        user = self.make_user(password_hash=password_hash())
        db.session.commit()
        return tokens.email_change_token(user, f"moved{next(_fresh)}@example.org")

    def url(self, rule) -> str:
        """The URL of a rule, filled in with this world's objects."""
        values = self.values(rule.endpoint, rule.arguments)
        db.session.commit()
        return current_app.url_map.bind("localhost").build(rule.endpoint, values)


@pytest.fixture
def world(app, make_user, make_event, make_action, make_opinion) -> World:
    """People in every role, events with organisers, an action, an opinion, a registration."""
    hashed = password_hash()
    people = {
        "resident": make_user(name="Rita Resident", password_hash=hashed),
        "organiser": make_user(name="Otto Organiser", roles=(Role.ORGANISER,),
                               password_hash=hashed),
        "other_organiser": make_user(name="Olga Other", roles=(Role.ORGANISER,),
                                     password_hash=hashed),
        "staff": make_user(name="Stef Staff", roles=(Role.STAFF,), password_hash=hashed),
        "admin": make_user(name="Ada Admin", roles=(Role.ADMIN,), password_hash=hashed),
    }
    action = make_action()
    event = make_event(organisers=[people["organiser"]], actions=[action])
    other_event = make_event(organisers=[people["other_organiser"]], actions=[action])
    start = utcnow() - timedelta(days=3)
    past_event = make_event(organisers=[people["organiser"]], actions=[action],
                            starts_at=start, ends_at=start + timedelta(hours=2))
    opinion = make_opinion(action, body="Someone else's view")
    db.session.commit()
    registration = registration_services.register(
        event, name="Gina Guest", email="gina@example.org", locale="en"
    ).registration
    db.session.commit()
    return World(people=people, event=event, other_event=other_event, past_event=past_event,
                  action=action, opinion=opinion, registration=registration,
                  make_user=make_user)


@pytest.fixture
def sign_in_as(app):
    """Return a new test client signed in as ``world.people[role]`` (or anonymous)."""

    def client_for(world: World, role: str):
        client = app.test_client()
        if role != "anonymous":
            user = world.people[role]
            db.session.commit()
            with client.session_transaction() as session:
                session["_user_id"] = user.get_id()
                session["_fresh"] = True
        return client

    return client_for


def state_changing_rules(app):
    """Every rule that accepts POST, PUT, PATCH or DELETE, with those methods."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        methods = sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"})
        if methods:
            yield rule, methods
