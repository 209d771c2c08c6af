"""Kept fragments shared by many visitors never mix them up (issue 16).

The layout's header is kept per menu place and per set of roles, the blank registration and
opinion forms per event and per choice of events; each visitor still gets their own CSRF
token in them. These run with the page cache on, where a wrong key would show one person's
menu or form to another.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from participation.accounts.models import Role
from participation.database import utcnow
from participation.extensions import db
from participation.registrations import services as registrations
from participation.registrations.models import RegistrationSource
from tests.core.other_process import signed_in_client

EN = {"Accept-Language": "en"}
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


@pytest.fixture
def app_config():
    return {"PAGE_CACHE_ENABLED": True, "PAGE_CACHE_LISTEN": False, "PAGE_CACHE_SECONDS": 3600,
            "WTF_CSRF_ENABLED": True}


def _tokens(html: str) -> set[str]:
    return {a or b for a, b in TOKEN.findall(html)}


def test_the_kept_header_follows_the_visitors_roles_and_place(app, make_user):
    staff = signed_in_client(app, make_user(roles=(Role.RESIDENT, Role.STAFF)))
    resident = signed_in_client(app, make_user())
    anonymous = app.test_client()

    staff_page = staff.get("/events", headers=EN).text
    resident_page = resident.get("/events", headers=EN).text
    assert "Policy staff" in staff_page and "Sign out" in staff_page
    assert "Policy staff" not in resident_page and "My registrations" in resident_page
    assert "Sign in" in anonymous.get("/events", headers=EN).text
    # Each signed-in visitor's sign-out form carries their own token.
    assert _tokens(staff_page) and _tokens(resident_page)
    assert _tokens(staff_page).isdisjoint(_tokens(resident_page))
    # The menu marks the place the visitor is at, page by page.
    current = re.compile(r'<a href="([^"]+)" aria-current="page">')
    assert current.findall(resident_page) == ["/events"]
    assert current.findall(resident.get("/priorities", headers=EN).text) == ["/priorities"]


def test_the_kept_registration_form_carries_each_visitors_token_and_the_events_state(
    app, make_event
):
    event = make_event(capacity=1)
    db.session.commit()
    path = f"/events/{event.slug}/register"
    first, second = app.test_client(), app.test_client()
    first_token = _tokens(first.get(path, headers=EN).text)
    second_page = second.get(path, headers=EN).text
    assert first_token and _tokens(second_page) and first_token != _tokens(second_page)
    assert ">Register</button>" in second_page

    answer = second.post(path, headers=EN, data={
        "name": "Ann Peeters", "email": "ann@example.org", "consent": "y",
        "csrf_token": _tokens(second_page).pop()})
    assert answer.status_code == 303
    # The one place is taken: the next visitor is offered the waiting list.
    assert "Join the waiting list" in app.test_client().get(path, headers=EN).text


def test_the_kept_opinion_form_offers_each_resident_their_own_events(
    app, make_user, make_action, make_event
):
    action = make_action(feedback_open=True)
    went = make_event(title="Klimaatcafé in de Krook", actions=[action],
                      starts_at=utcnow() - timedelta(days=3))
    with_event, without = make_user(), make_user()
    registrations.register(went, name="Ann", email=with_event.email, user=with_event,
                           source=RegistrationSource.MANUAL)
    db.session.commit()
    page_without = signed_in_client(app, without).get(f"/actions/{action.code}", headers=EN).text
    page_with = signed_in_client(app, with_event).get(f"/actions/{action.code}", headers=EN).text
    assert "Klimaatcafé in de Krook (" in page_with
    assert "Klimaatcafé in de Krook (" not in page_without
    assert "Give my opinion" in page_without and "Give my opinion" in page_with


def test_the_form_says_how_many_places_are_left_now(app, client, make_event, count_queries):
    # The form's event is kept (registrations.services.event_to_register_for); a sign-up does
    # not drop it, so the counters of a kept event are read afresh on every view, in one
    # small query.
    event = make_event(capacity=3)
    db.session.commit()
    path = f"/events/{event.slug}/register"
    assert "3 places left." in client.get(path, headers=EN).text
    other = app.test_client()
    token = _tokens(other.get(path).text).pop()
    answer = other.post(path, data={"name": "Ann", "email": "ann@example.org", "consent": "y",
                                    "csrf_token": token})
    assert answer.status_code == 303
    db.session.expunge_all()  # as a new request's session: nothing loaded yet
    with count_queries() as statements:
        page = client.get(path, headers=EN).text
    assert "2 places left." in page
    (read,) = [s for s in statements if "FROM events" in s or "FROM registration_questions" in s]
    assert read.startswith("SELECT events.confirmed_count, events.waiting_count"), read
