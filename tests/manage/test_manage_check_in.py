"""Check-in at the door: by code, QR scan, name or e-mail; undo; walk-ins."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from participation.extensions import db
from participation.registrations import services
from participation.registrations.models import (
    Registration,
    RegistrationSource,
    RegistrationStatus,
)
from participation.registrations.workspace import code_from_scan

EN = {"Accept-Language": "en"}


@pytest.fixture
def event(make_event, organiser):
    return make_event(organisers=[organiser], slug="evening", capacity=3)


def _reload(registration: Registration) -> Registration:
    db.session.expire_all()
    return db.session.get(Registration, registration.id)


@pytest.mark.parametrize(
    ("scanned", "code"),
    [
        ("ABC234", "ABC234"),
        (" abc 234 ", "ABC234"),
        ("abc-234", "ABC234"),
        ("https://participatie.gent/manage/events/x/check-in?code=ABC234", "ABC234"),
        ("https://participatie.gent/checkin/ABC234", "ABC234"),
        ("Anna Peeters", None),
        ("", None),
    ],
)
def test_a_code_is_read_from_what_was_typed_or_scanned(scanned, code):
    assert code_from_scan(scanned) == code


def test_check_in_by_code_then_undo(client, login, organiser, event, add_registration):
    person = add_registration(event, name="Anna Peeters", code="ANN234")
    add_registration(event, name="Bert", code="BER234")
    login(organiser)
    page = client.get("/manage/events/evening/check-in?q=ann234", headers=EN).get_data(
        as_text=True)
    assert "Anna Peeters" in page and "Bert" not in page
    assert 'id="checked-in-count">0<' in page
    response = client.post(f"/manage/events/evening/check-in/{person.id}",
                           data={"q": "ann234"})
    assert response.status_code == 302
    assert "q=ann234" in response.headers["Location"]
    assert _reload(person).checked_in_at is not None
    page = client.get("/manage/events/evening/check-in?q=ann234", headers=EN).get_data(
        as_text=True)
    assert 'id="checked-in-count">1<' in page and "Undo check-in" in page
    client.post(f"/manage/events/evening/check-in/{person.id}/undo", data={"q": "ann234"})
    assert _reload(person).checked_in_at is None


def test_check_in_by_scanned_qr_url(client, login, organiser, event, add_registration):
    add_registration(event, name="Scanned Sam", code="SAM234")
    login(organiser)
    page = client.get("/manage/events/evening/check-in",
                      query_string={"q": "https://example.org/c/SAM234"}).get_data(as_text=True)
    assert "Scanned Sam" in page


def test_check_in_finds_people_by_name_or_email(client, login, organiser, event,
                                                add_registration):
    add_registration(event, name="Anna Peeters", email="anna@example.org")
    add_registration(event, name="Anneke Smet", email="smet@example.org")
    add_registration(event, name="Bert", email="bert@example.org")
    login(organiser)
    page = client.get("/manage/events/evening/check-in?q=ann").get_data(as_text=True)
    assert "Anna Peeters" in page and "Anneke Smet" in page and "Bert" not in page
    page = client.get("/manage/events/evening/check-in?q=smet@exa").get_data(as_text=True)
    assert "Anneke Smet" in page and "Anna Peeters" not in page


def test_people_on_the_waiting_list_cannot_be_checked_in(client, login, organiser, event,
                                                         add_registration):
    services.change_capacity(event, 0)
    waiting = add_registration(event, status=RegistrationStatus.WAITING)
    login(organiser)
    client.post(f"/manage/events/evening/check-in/{waiting.id}")
    assert _reload(waiting).checked_in_at is None


def test_a_walk_in_is_added_and_checked_in_at_once(client, login, organiser, event):
    login(organiser)
    response = client.post("/manage/events/evening/check-in/walk-in",
                           data={"name": "Walk In", "email": ""})
    assert response.status_code == 302
    walk_in = db.session.scalar(sa.select(Registration))
    assert walk_in.source == RegistrationSource.WALK_IN
    assert walk_in.status == RegistrationStatus.CONFIRMED
    assert walk_in.checked_in_at is not None
    page = client.get("/manage/events/evening/check-in").get_data(as_text=True)
    assert 'id="checked-in-count">1<' in page


def test_a_walk_in_is_refused_when_the_event_is_full(client, login, organiser, make_event,
                                                     add_registration):
    full = make_event(organisers=[organiser], slug="full", capacity=1)
    add_registration(full)
    login(organiser)
    response = client.post("/manage/events/full/check-in/walk-in", data={"name": "Late"},
                           headers=EN)
    assert response.status_code == 422
    assert "The event is full" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 1


def test_check_in_page_fits_a_phone(client, login, organiser, event):
    login(organiser)
    page = client.get("/manage/events/evening/check-in").get_data(as_text=True)
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page
    assert 'type="search"' in page
    assert "<script" not in page.split("</head>")[1]
