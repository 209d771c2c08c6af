"""Registering, managing and cancelling through the real HTTP app."""

from __future__ import annotations

import re
from datetime import timedelta

import icalendar
import pytest
import sqlalchemy as sa

from participation.database import utcnow
from participation.events.calendars import event_uid
from participation.extensions import db
from participation.registrations import services
from participation.registrations.models import Registration, RegistrationStatus

EN = {"Accept-Language": "en"}


def form_data(**overrides) -> dict:
    data = {
        "name": "Ann Peeters",
        "email": "ann@example.org",
        "needs_other": "",
        "consent": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_event_page_links_to_the_registration_form(client, make_event):
    event = make_event(capacity=1)
    db.session.commit()
    page = client.get(f"/events/{event.slug}", headers=EN).get_data(as_text=True)
    assert f'href="/events/{event.slug}/register"' in page
    assert ">Register<" in page


def test_the_form_asks_for_name_address_needs_and_consent(client, make_event):
    event = make_event()
    db.session.commit()
    response = client.get(f"/events/{event.slug}/register", headers=EN)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for name in ("name", "email", "needs_step_free", "needs_hearing_loop",
                 "needs_sign_language", "needs_other", "consent"):
        assert f'name="{name}"' in page
    assert 'for="consent"' in page
    assert page.count("<h1") == 1


def test_registering_confirms_the_place_and_says_so(client, make_event, outbox):
    event = make_event(capacity=10)
    db.session.commit()
    response = client.post(
        f"/events/{event.slug}/register",
        data=form_data(needs_step_free="y", needs_other="Vegetarian"),
        headers=EN,
    )
    assert response.status_code == 303
    page = client.get(response.location, headers=EN).get_data(as_text=True)
    assert "Check your mail" in page
    registration = event_registration(event)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.needs_step_free and registration.needs_other == "Vegetarian"
    assert registration.locale == "en"
    assert registration.consent_at is not None
    assert [m.recipient for m in outbox("registration_confirmed")] == ["ann@example.org"]


def test_when_the_event_is_full_the_mail_tells_the_waiting_list_position(
    client, make_event, outbox
):
    event = make_event(capacity=1)
    db.session.commit()
    client.post(f"/events/{event.slug}/register", data=form_data(email="a@example.org"))
    client.post(f"/events/{event.slug}/register", data=form_data(email="b@example.org"))
    client.post(f"/events/{event.slug}/register", data=form_data(email="c@example.org"),
                headers=EN)
    [mail] = outbox("registration_waiting", "c@example.org")
    assert "2" in mail.body_text
    form_page = client.get(f"/events/{event.slug}/register", headers=EN).get_data(as_text=True)
    assert "Join the waiting list" in form_page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "ann-at-example"}, "email", "Enter an e-mail address like name@example.org."),
        ({"name": "N" * 121}, "name", "The name can be at most 120 characters long."),
        ({"consent": None}, "consent", "Agree to the privacy notice to register."),
        ({"name": ""}, "name", "Enter your name."),
        ({"needs_other": "z" * 501}, "needs_other",
         "Describe your needs in at most 500 characters."),
    ],
)
def test_bad_input_is_named_on_the_form_which_keeps_what_was_typed(
    client, make_event, outbox, statuses, overrides, field, message
):
    event = make_event()
    db.session.commit()
    data = form_data(**{"needs_other": "Wheelchair space", **overrides})
    response = client.post(f"/events/{event.slug}/register", data=data, headers=EN)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'href="#{field}"' in page  # the error summary links to the field
    assert message in page
    assert f'id="{field}-error"' in page
    for key in ("name", "email"):
        if data.get(key) and key != field:
            assert f'value="{data[key]}"' in page
    if field != "needs_other":
        assert "Wheelchair space" in page
    assert statuses(event) == {}
    assert outbox() == []


def test_a_second_registration_with_the_same_address_is_refused_politely(
    client, make_event, outbox, statuses
):
    event = make_event(capacity=5)
    db.session.commit()
    client.post(f"/events/{event.slug}/register", data=form_data())
    response = client.post(f"/events/{event.slug}/register",
                           data=form_data(email="ANN@example.org ", name="Someone else"),
                           headers=EN)
    assert response.status_code == 303
    page = client.get(response.location, headers=EN).get_data(as_text=True)
    assert "Check your mail" in page
    assert statuses(event) == {RegistrationStatus.CONFIRMED: 1}
    # The link goes to the address's mailbox only, never to the page.
    assert "/registrations/" not in page
    assert [m.recipient for m in outbox("registration_link")] == ["ann@example.org"]


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({"registration_opens_at": utcnow() + timedelta(days=2)}, "has not opened yet"),
        ({"registration_paused": True}, "paused by the organisers"),
        ({"starts_at": utcnow() - timedelta(hours=1)}, "already taken place"),
    ],
)
def test_outside_the_window_the_form_says_why_and_a_post_writes_nothing(
    client, make_event, statuses, fields, text
):
    event = make_event(**fields)
    db.session.commit()
    page = client.get(f"/events/{event.slug}/register", headers=EN).get_data(as_text=True)
    assert text in page
    assert 'name="email"' not in page
    response = client.post(f"/events/{event.slug}/register", data=form_data(), headers=EN)
    assert response.status_code == 409
    assert text in response.get_data(as_text=True)
    assert statuses(event) == {}


def test_a_signed_in_resident_finds_the_form_filled_in_and_the_registration_on_their_page(
    client, make_event, make_user, login
):
    user = make_user(email="dirk@example.org", name="Dirk Claes", locale="en")
    event = make_event(title="Green Deal evening")
    login(user)
    page = client.get(f"/events/{event.slug}/register", headers=EN).get_data(as_text=True)
    assert 'value="Dirk Claes"' in page and 'value="dirk@example.org"' in page
    client.post(f"/events/{event.slug}/register",
                data=form_data(name="Dirk Claes", email="dirk@example.org"))
    registration = event_registration(event)
    assert registration.user_id == user.id
    mine = client.get("/my/registrations", headers=EN).get_data(as_text=True)
    assert "Green Deal evening" in mine
    assert services.manage_token(registration) in mine
    assert "Confirmed" in mine


def test_my_registrations_needs_a_signed_in_user(app, client):
    response = client.get("/my/registrations")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/sign-in")


def test_the_manage_page_shows_the_registration_and_its_calendar(client, make_event, sign_up):
    event = make_event(capacity=1)
    sign_up(event)
    waiting = sign_up(event, name="Els", needs_hearing_loop=True).registration
    db.session.commit()
    token = services.manage_token(waiting)
    response = client.get(f"/registrations/{token}", headers=EN)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "On the waiting list" in page and "position 1 on the waiting list" in page
    assert "Hearing loop" in page
    assert response.headers["Cache-Control"] == "private, no-store"
    ics = client.get(f"/registrations/{token}/calendar.ics")
    assert ics.mimetype == "text/calendar"
    vevent = icalendar.Calendar.from_ical(ics.data).walk("VEVENT")[0]
    assert str(vevent["UID"]) == event_uid(event)


@pytest.mark.parametrize("path", ["", "/cancel", "/calendar.ics"])
def test_a_forged_or_damaged_manage_link_gets_a_clear_not_found_page(
    client, make_event, sign_up, path
):
    registration = sign_up(make_event()).registration
    db.session.commit()
    token = services.manage_token(registration)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (tampered, "1.abc", "x" * 40):
        response = client.get(f"/registrations/{bad}{path}", headers=EN)
        assert response.status_code == 404
        assert "This link is not valid" in response.get_data(as_text=True)


def test_cancelling_needs_the_confirmation_step_and_then_promotes_the_next_person(
    client, make_event, sign_up, outbox
):
    event = make_event(capacity=1)
    leaving = sign_up(event).registration
    waiting = sign_up(event).registration
    db.session.commit()
    token = services.manage_token(leaving)

    confirm_page = client.get(f"/registrations/{token}/cancel", headers=EN)
    assert confirm_page.status_code == 200
    assert "Yes, cancel my registration" in confirm_page.get_data(as_text=True)
    assert 'method="post"' in confirm_page.get_data(as_text=True)
    db.session.expire_all()
    assert leaving.status == RegistrationStatus.CONFIRMED  # a GET changes nothing

    response = client.post(f"/registrations/{token}/cancel", headers=EN)
    assert response.status_code == 303
    page = client.get(response.location, headers=EN).get_data(as_text=True)
    assert "Your registration is cancelled" in page
    db.session.expire_all()
    assert leaving.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert [m.recipient for m in outbox("registration_promoted")] == [waiting.email]
    again = client.post(f"/registrations/{token}/cancel", headers=EN, follow_redirects=True)
    assert "already cancelled" in again.get_data(as_text=True)
    assert len(outbox("registration_cancelled")) == 1


def test_a_registration_cannot_be_cancelled_online_once_the_event_has_started(
    client, make_event, sign_up
):
    start = utcnow() + timedelta(hours=1)
    event = make_event(starts_at=start)
    registration = sign_up(event).registration
    event.starts_at = utcnow() - timedelta(minutes=5)
    event.ends_at = event.starts_at + timedelta(hours=2)
    db.session.commit()
    token = services.manage_token(registration)
    assert "Cancel my registration" not in client.get(
        f"/registrations/{token}", headers=EN).get_data(as_text=True)
    response = client.post(f"/registrations/{token}/cancel", headers=EN)
    assert response.status_code == 422
    assert "can no longer be cancelled" in response.get_data(as_text=True)
    db.session.expire_all()
    assert registration.status == RegistrationStatus.CONFIRMED


class TestWithCSRF:
    """With CSRF protection on (as in production) a tampered form changes nothing."""

    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_a_form_without_its_token_is_refused_and_nothing_is_written(
        self, client, make_event, statuses
    ):
        event = make_event()
        db.session.commit()
        response = client.post(f"/events/{event.slug}/register", data=form_data(), headers=EN)
        assert response.status_code == 400
        forged = client.post(f"/events/{event.slug}/register",
                             data=form_data(csrf_token="forged"), headers=EN)
        assert forged.status_code == 400
        assert statuses(event) == {}

    def test_the_real_form_with_its_token_registers(self, client, make_event, statuses):
        event = make_event()
        db.session.commit()
        page = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post(f"/events/{event.slug}/register",
                               data=form_data(csrf_token=token))
        assert response.status_code == 303
        assert statuses(event) == {RegistrationStatus.CONFIRMED: 1}

    def test_cancelling_without_the_token_is_refused(self, client, make_event, sign_up):
        registration = sign_up(make_event()).registration
        db.session.commit()
        token = services.manage_token(registration)
        response = client.post(f"/registrations/{token}/cancel")
        assert response.status_code == 400
        db.session.expire_all()
        assert registration.status == RegistrationStatus.CONFIRMED


def test_registering_takes_a_bounded_number_of_queries(client, make_event, count_queries):
    slug = make_event(capacity=1).slug
    db.session.commit()
    with count_queries() as confirmed:
        client.post(f"/events/{slug}/register", data=form_data(email="first@example.org"))
    with count_queries() as first_waiting:
        client.post(f"/events/{slug}/register", data=form_data(email="w1@example.org"))
    with count_queries() as second_waiting:
        client.post(f"/events/{slug}/register", data=form_data(email="w2@example.org"))
    # The event's own questions are read once (the form's list goes to the service), and the
    # event is not read again after the commit. With the page cache on, the event and
    # questions come from memory.
    for statements in (confirmed, first_waiting):
        assert sum("FROM registration_questions" in s for s in statements) == 1
        # The last statement is the registration's own, not the event read again.
        assert not statements[-1].startswith("SELECT events"), statements[-1]
        assert sum("pg_notify" in s for s in statements) <= 1
        assert not any(s.startswith("NOTIFY") for s in statements)
    assert len(confirmed) <= 8
    assert len(first_waiting) == len(confirmed)
    # The waiting list does not make registering slower as it grows.
    assert len(second_waiting) == len(first_waiting)
    if db.engine.dialect.name == "postgresql":
        # One person, nothing else to check under the lock: one statement locks the event,
        # decides the place, writes the registration, its mail and the counters, sends the
        # notifications and is committed by itself (registrations.at_once, issue 16).
        for statements in (confirmed, first_waiting, second_waiting):
            (locking,) = [s for s in statements if "FOR UPDATE" in s]
            assert locking is statements[-1]
            for part in ("INSERT INTO registrations", "INSERT INTO mail_outbox",
                         "UPDATE events", "pg_notify"):
                assert part in locking


def test_a_group_is_registered_under_the_lock_in_two_statements(
    client, make_event, count_queries
):
    # A group is checked against the event's rules under its lock: once the lock is granted,
    # two statements until the commit (the one check: address, code, place in line; and one
    # that writes the registration, its mail and the counters and sends the notifications).
    slug = make_event(capacity=4, companions_allowed=2).slug
    db.session.commit()
    with count_queries() as statements:
        answer = client.post(f"/events/{slug}/register",
                             data=form_data(email="group@example.org", companions="1"))
    assert answer.status_code == 303
    registration = db.session.scalar(sa.select(Registration).where(
        Registration.email == "group@example.org"))
    assert registration.places == 2 and registration.status == RegistrationStatus.CONFIRMED
    if db.engine.dialect.name == "postgresql":
        locked = next(i for i, s in enumerate(statements) if "FOR UPDATE" in s)
        after = statements[locked + 1:]
        assert len(after) == 2, after
        for part in ("INSERT INTO registrations", "INSERT INTO mail_outbox", "UPDATE events",
                     "pg_notify"):
            assert part in after[1]


def event_registration(event):
    """The one registration of an event, read afresh from the database."""
    db.session.expire_all()
    query = sa.select(Registration).where(Registration.event_id == event.id)
    return db.session.scalars(query).one()

