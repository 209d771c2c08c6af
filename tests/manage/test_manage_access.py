"""Only the event's own organisers and admins reach its management pages."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from participation.accounts.models import Role
from participation.events.models import Event
from participation.extensions import db
from participation.registrations.models import RegistrationStatus

GET_PATHS = [
    "/manage/events/{slug}",
    "/manage/events/{slug}/edit",
    "/manage/events/{slug}/cancel",
    "/manage/events/{slug}/registrations",
    "/manage/events/{slug}/registrations/new",
    "/manage/events/{slug}/message",
    "/manage/events/{slug}/check-in",
    "/manage/events/{slug}/attendees.csv",
    "/manage/events/{slug}/attendees.xlsx",
    "/manage/events/{slug}/sign-in-sheet",
]
POST_PATHS = [
    "/manage/events/{slug}/edit",
    "/manage/events/{slug}/publish",
    "/manage/events/{slug}/unpublish",
    "/manage/events/{slug}/duplicate",
    "/manage/events/{slug}/cancel",
    "/manage/events/{slug}/registrations/new",
    "/manage/events/{slug}/registrations/{rid}/cancel",
    "/manage/events/{slug}/registrations/{rid}/promote",
    "/manage/events/{slug}/capacity",
    "/manage/events/{slug}/registration/pause",
    "/manage/events/{slug}/registration/reopen",
    "/manage/events/{slug}/message",
    "/manage/events/{slug}/check-in/{rid}",
    "/manage/events/{slug}/check-in/{rid}/undo",
    "/manage/events/{slug}/check-in/walk-in",
]


@pytest.fixture
def setting(make_event, organiser, add_registration):
    event = make_event(organisers=[organiser], slug="olgas-evening", capacity=1)
    add_registration(event)
    waiting = add_registration(event, status=RegistrationStatus.WAITING)
    return {"slug": event.slug, "rid": waiting.id}


@pytest.mark.parametrize("path", GET_PATHS)
def test_organiser_of_the_event_and_admin_may_open(client, login, organiser, admin, setting,
                                                   path):
    url = path.format(**setting)
    login(organiser)
    assert client.get(url).status_code == 200
    login(admin)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("path", GET_PATHS)
def test_organiser_of_another_event_gets_403_on_every_page(client, login, other_organiser,
                                                           setting, path):
    login(other_organiser)
    assert client.get(path.format(**setting)).status_code == 403


@pytest.mark.parametrize("path", POST_PATHS)
def test_organiser_of_another_event_gets_403_on_every_change(client, login, other_organiser,
                                                             setting, path):
    login(other_organiser)
    assert client.post(path.format(**setting), data={"capacity": "9", "name": "x",
                                                     "group": "confirmed", "subject": "s",
                                                     "body": "b", "action": "send"}
                       ).status_code == 403


@pytest.mark.parametrize("path", GET_PATHS[:4] + ["/manage/events"])
def test_residents_and_staff_get_403(client, login, make_user, setting, path):
    login(make_user(roles=(Role.RESIDENT,)))
    assert client.get(path.format(**setting)).status_code == 403
    login(make_user(roles=(Role.STAFF,)))
    assert client.get(path.format(**setting)).status_code == 403


@pytest.mark.parametrize("path", GET_PATHS + ["/manage/events", "/manage/events/new"])
def test_anonymous_visitors_are_sent_to_sign_in(client, setting, path):
    response = client.get(path.format(**setting))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/sign-in?next=")


@pytest.mark.parametrize("path", POST_PATHS)
def test_anonymous_changes_are_sent_to_sign_in_and_change_nothing(client, setting, path):
    # A successful change also answers 302: check where it goes, and that nothing changed.
    event = db.session.scalar(sa.select(Event).where(Event.slug == setting["slug"]))
    before = (event.status, event.capacity, event.confirmed_count, event.waiting_count,
              event.registration_paused)
    response = client.post(path.format(**setting), data={"capacity": "9"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/sign-in?next=")
    db.session.expire_all()
    assert (event.status, event.capacity, event.confirmed_count, event.waiting_count,
            event.registration_paused) == before
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 1
