"""The sign-up workspace: counts, lists, changes by hand, capacity, pausing and messages."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from participation.audit.models import AuditEntry
from participation.extensions import db
from participation.mail.models import OutboxMessage
from participation.registrations import services
from participation.registrations.models import (
    Registration,
    RegistrationSource,
    RegistrationStatus,
)

EN = {"Accept-Language": "en"}


def _status(registration: Registration) -> RegistrationStatus:
    db.session.expire_all()
    return db.session.get(Registration, registration.id).status


def _outbox(kind: str | None = None) -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query))


@pytest.fixture
def event(make_event, organiser):
    return make_event(organisers=[organiser], slug="evening", capacity=3)


def test_workspace_shows_counts_and_access_needs_at_a_glance(client, login, organiser, event,
                                                            add_registration):
    add_registration(event, needs_step_free=True, needs_sign_language=True, checked_in=True)
    add_registration(event, needs_step_free=True, needs_other="Needs a chair near the door")
    add_registration(event, needs_hearing_loop=True)
    add_registration(event, status=RegistrationStatus.WAITING, needs_sign_language=True)
    add_registration(event, status=RegistrationStatus.CANCELLED, needs_step_free=True)
    login(organiser)
    page = client.get("/manage/events/evening/registrations", headers=EN).get_data(as_text=True)
    assert 'id="count-confirmed">3<' in page
    assert 'id="count-waiting">1<' in page
    assert 'id="count-cancelled">1<' in page
    assert 'id="count-checked-in">1<' in page
    assert 'id="count-places-left">0<' in page
    assert "Step-free access: 2" in page  # the cancelled registration does not count
    assert "Hearing loop: 1" in page
    assert "Flemish Sign Language: 2" in page
    assert "Needs a chair near the door" in page


def test_workspace_searches_by_name_email_and_code(client, login, organiser, event,
                                                    add_registration):
    add_registration(event, name="Anna Peeters", email="anna@example.org", code="ANN234")
    add_registration(event, name="Bert Janssens", email="bert@example.org", code="BER234")
    login(organiser)
    url = "/manage/events/evening/registrations?q="
    assert "Bert" not in client.get(url + "peeters").get_data(as_text=True)
    page = client.get(url + "bert@example").get_data(as_text=True)
    assert "Bert Janssens" in page and "Anna Peeters" not in page
    page = client.get(url + "ann234").get_data(as_text=True)
    assert "Anna Peeters" in page and "Bert Janssens" not in page


def test_workspace_sorts_and_filters(client, login, organiser, event, add_registration):
    services.change_capacity(event, 1)
    add_registration(event, name="Charlie")
    add_registration(event, name="alice", status=RegistrationStatus.WAITING)
    add_registration(event, name="Bob", status=RegistrationStatus.WAITING)
    login(organiser)
    base = "/manage/events/evening/registrations"
    page = client.get(base + "?sort=name").get_data(as_text=True)
    assert page.index("alice") < page.index("Bob") < page.index("Charlie")
    page = client.get(base + "?sort=registered").get_data(as_text=True)
    assert page.index("Charlie") < page.index("alice") < page.index("Bob")
    page = client.get(base + "?sort=status").get_data(as_text=True)
    assert page.index("alice") < page.index("Charlie")
    page = client.get(base + "?status=waiting").get_data(as_text=True)
    assert "alice" in page and "Charlie" not in page


def test_viewing_the_workspace_is_written_to_the_audit_log(client, login, organiser, event):
    login(organiser)
    client.get("/manage/events/evening/registrations?q=anna")
    [entry] = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "registrations.view")
    ).all()
    assert entry.actor_id == organiser.id and entry.details["q"] == "anna"


def test_organiser_adds_a_registration_by_hand(client, login, organiser, event):
    login(organiser)
    response = client.post("/manage/events/evening/registrations/new", data={
        "name": "Phoned Person", "email": "Phone@Example.org", "locale": "en",
        "needs_hearing_loop": "y", "needs_other": "",
    })
    assert response.status_code == 302
    registration = db.session.scalar(sa.select(Registration))
    assert registration.name == "Phoned Person"
    assert registration.email == "phone@example.org"
    assert registration.source == RegistrationSource.MANUAL
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.needs_hearing_loop
    assert [m.recipient for m in _outbox()] == ["phone@example.org"]


def test_a_registration_by_hand_needs_a_name_and_keeps_the_input(client, login, organiser,
                                                                event):
    login(organiser)
    response = client.post("/manage/events/evening/registrations/new",
                           data={"name": "", "email": "kept@example.org", "locale": "nl"},
                           headers=EN)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Enter the person" in page and "kept@example.org" in page
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0


def test_a_registration_by_hand_goes_on_the_waiting_list_when_full(client, login, organiser,
                                                                  make_event):
    full = make_event(organisers=[organiser], slug="full", capacity=0)
    login(organiser)
    client.post("/manage/events/full/registrations/new",
                data={"name": "Late Caller", "locale": "nl"})
    registration = db.session.scalar(sa.select(Registration))
    assert registration.status == RegistrationStatus.WAITING
    assert registration.email is None
    assert full.id == registration.event_id


def test_removing_a_confirmed_registration_promotes_the_next_in_line(client, login, organiser,
                                                                    make_event,
                                                                    add_registration):
    event = make_event(organisers=[organiser], slug="small", capacity=1)
    leaving = add_registration(event, name="Leaving")
    first = add_registration(event, name="First waiting", status=RegistrationStatus.WAITING)
    second = add_registration(event, name="Second waiting", status=RegistrationStatus.WAITING)
    login(organiser)
    response = client.post(f"/manage/events/small/registrations/{leaving.id}/cancel",
                           data={"message": "The hall is smaller than planned."})
    assert response.status_code == 302
    assert _status(leaving) == RegistrationStatus.CANCELLED
    assert _status(first) == RegistrationStatus.CONFIRMED
    assert _status(second) == RegistrationStatus.WAITING
    assert first.email in [m.recipient for m in _outbox()]


def test_promoting_by_hand_gives_a_free_place(client, login, organiser, event,
                                              add_registration):
    services.change_capacity(event, 0)
    waiting = add_registration(event, status=RegistrationStatus.WAITING)
    # A place the service has not handed out yet (it promotes at once when it frees one).
    event.capacity = 1
    db.session.flush()
    login(organiser)
    client.post(f"/manage/events/evening/registrations/{waiting.id}/promote")
    assert _status(waiting) == RegistrationStatus.CONFIRMED


def test_promoting_by_hand_is_refused_when_no_place_is_free(client, login, organiser,
                                                            make_event, add_registration):
    event = make_event(organisers=[organiser], slug="full", capacity=1)
    add_registration(event)
    waiting = add_registration(event, status=RegistrationStatus.WAITING)
    login(organiser)
    response = client.post(f"/manage/events/full/registrations/{waiting.id}/promote",
                           follow_redirects=True, headers=EN)
    assert "No place is free" in response.get_data(as_text=True)
    assert _status(waiting) == RegistrationStatus.WAITING


def test_a_registration_of_another_event_cannot_be_touched_through_this_one(
    client, login, organiser, event, make_event, add_registration
):
    other = make_event(slug="other")
    theirs = add_registration(other)
    login(organiser)
    assert client.post(
        f"/manage/events/evening/registrations/{theirs.id}/cancel").status_code == 404
    assert _status(theirs) == RegistrationStatus.CONFIRMED


def test_raising_the_capacity_promotes_the_waiting_list(client, login, organiser, make_event,
                                                        add_registration):
    event = make_event(organisers=[organiser], slug="small", capacity=1)
    add_registration(event)
    first = add_registration(event, status=RegistrationStatus.WAITING)
    second = add_registration(event, status=RegistrationStatus.WAITING)
    login(organiser)
    response = client.post("/manage/events/small/capacity", data={"capacity": "2"})
    assert response.status_code == 302
    db.session.expire_all()
    assert event.capacity == 2
    assert _status(first) == RegistrationStatus.CONFIRMED
    assert _status(second) == RegistrationStatus.WAITING


def test_capacity_below_the_confirmed_places_is_refused_on_the_field(client, login, organiser,
                                                                   event, add_registration):
    add_registration(event)
    add_registration(event)
    login(organiser)
    response = client.post("/manage/events/evening/capacity", data={"capacity": "1"},
                           headers=EN)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "2 people are already confirmed" in page and 'href="#capacity"' in page
    db.session.expire_all()
    assert event.capacity == 3


def test_closing_registration_early_refuses_new_registrations_until_reopened(
    client, login, organiser, event
):
    login(organiser)
    client.post("/manage/events/evening/registration/pause")
    db.session.expire_all()
    assert event.registration_paused
    with pytest.raises(services.RegistrationClosed):
        services.register(event, name="Too Late", email="late@example.org")
    db.session.rollback()
    page = client.get("/events/evening", headers=EN).get_data(as_text=True)
    assert "Registration is closed." in page
    client.post("/manage/events/evening/registration/reopen")
    db.session.expire_all()
    result = services.register(event, name="On Time", email="ontime@example.org")
    assert result.registration.status == RegistrationStatus.CONFIRMED


def test_message_is_previewed_before_it_is_sent(client, login, organiser, event,
                                                add_registration):
    add_registration(event, email="one@example.org")
    login(organiser)
    response = client.post("/manage/events/evening/message", data={
        "group": "confirmed", "subject": "Room change", "body": "We moved to room 2.",
        "action": "preview",
    }, headers=EN)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Preview" in page and "We moved to room 2." in page
    assert "This message goes to 1 person." in page
    assert _outbox("organiser_message") == []


def test_message_goes_only_to_the_chosen_group_with_the_body_escaped(
    client, login, organiser, event, add_registration
):
    add_registration(event, name="Conny", email="conny@example.org")
    add_registration(event, name="Cas", email="cas@example.org", locale="en")
    add_registration(event, name="No Mail", email=None, source=RegistrationSource.WALK_IN)
    add_registration(event, name="Walt", email="walt@example.org",
                     status=RegistrationStatus.WAITING)
    add_registration(event, name="Cleo", email="cleo@example.org",
                     status=RegistrationStatus.CANCELLED)
    login(organiser)
    response = client.post("/manage/events/evening/message", data={
        "group": "confirmed", "subject": "Room change",
        "body": "We moved to <b>room 2</b>.\n\nSee you!", "action": "send",
    })
    assert response.status_code == 302
    mails = _outbox("organiser_message")
    assert sorted(m.recipient for m in mails) == ["cas@example.org", "conny@example.org"]
    mail = next(m for m in mails if m.recipient == "conny@example.org")
    assert mail.subject == "Room change"
    assert "We moved to <b>room 2</b>." in mail.body_text
    assert "Conny" in mail.body_text
    assert "&lt;b&gt;room 2&lt;/b&gt;" in mail.body_html and "<b>room 2</b>" not in mail.body_html
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "registrations.message"))
    assert entry.details["recipients"] == 2


def test_message_to_the_waiting_list_reaches_only_the_waiting(client, login, organiser, event,
                                                              add_registration):
    services.change_capacity(event, 1)
    add_registration(event, email="in@example.org")
    add_registration(event, email="wait@example.org", status=RegistrationStatus.WAITING)
    login(organiser)
    client.post("/manage/events/evening/message", data={
        "group": "waiting", "subject": "Hang on", "body": "A place may come free.",
        "action": "send",
    })
    assert [m.recipient for m in _outbox("organiser_message")] == ["wait@example.org"]


def test_message_without_subject_is_refused_keeping_the_body(client, login, organiser, event):
    login(organiser)
    response = client.post("/manage/events/evening/message", data={
        "group": "confirmed", "subject": "", "body": "Typed body", "action": "send",
    }, headers=EN)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Enter a subject." in page and "Typed body" in page
    assert _outbox() == []
