"""Finding 5: places confirmed by mail within N hours, and bursts organisers can cancel."""

from __future__ import annotations

from datetime import timedelta

import pytest

from participation.accounts.models import Role
from participation.core.mailbox import client_network, mailbox
from participation.database import utcnow
from participation.extensions import db
from participation.registrations import services
from participation.registrations import workspace as ws
from participation.registrations.models import RegistrationStatus

EN = {"Accept-Language": "en"}


@pytest.mark.parametrize(("email", "expected"), [
    ("An.Na+news@GMail.com", "anna@gmail.com"),
    ("a.n.n.a@googlemail.com", "anna@gmail.com"),
    ("spam+17@example.org", "spam@example.org"),
    ("first.last@example.org", "first.last@example.org"),
    ("+only@example.org", "+only@example.org"),
])
def test_a_mailbox_is_the_address_without_case_tags_and_gmail_dots(email, expected):
    assert mailbox(email) == expected


@pytest.mark.parametrize(("address", "expected"), [
    ("203.0.113.77", "203.0.113.0/24"),
    ("2001:db8:1234:5678::1", "2001:db8:1234::/48"),
    ("::ffff:203.0.113.9", "203.0.113.0/24"),
    ("not an address", None),
])
def test_a_client_network_is_the_v4_24_or_v6_48(address, expected):
    assert client_network(address) == expected


# --- confirm your place by mail within N hours -----------------------------------------------


@pytest.fixture
def strict_event(make_event):
    return make_event(capacity=1, confirm_within_hours=2)


def test_people_are_told_before_registering_that_they_must_confirm_in_time(client, make_event):
    event = make_event(slug="strict", capacity=5, confirm_within_hours=12)
    loose = make_event(slug="loose", capacity=5)
    db.session.commit()
    for path in ("/events/strict", "/events/strict/register",
                 "/events/strict/register/check-your-mail"):
        page = client.get(path, headers=EN).get_data(as_text=True)
        assert "confirm-in-advance" in page, path
        assert "12 hours" in page, path
    dutch = client.get("/events/strict/register", headers={"Accept-Language": "nl"})
    assert "12 uur" in dutch.get_data(as_text=True)
    for path in ("/events/loose", "/events/loose/register"):
        assert "confirm-in-advance" not in client.get(path, headers=EN).get_data(as_text=True)
    assert event.confirm_within_hours and not loose.confirm_within_hours


def test_without_confirmation_the_place_goes_to_the_waiting_list(
    runner, strict_event, sign_up, outbox, assert_counters_match_rows
):
    first = sign_up(strict_event, email="first@example.org").registration
    second = sign_up(strict_event, email="second@example.org").registration
    db.session.commit()
    assert first.confirm_by is not None and services.needs_confirmation(first)
    [mail] = outbox("registration_confirmed", "first@example.org")
    assert "confirm your registration before" in mail.body_text

    assert services.release_unconfirmed(now=utcnow() + timedelta(hours=1)) == 0
    result = runner.invoke(args=["registrations", "release-unconfirmed"])
    assert "0 unconfirmed" in result.output
    released = services.release_unconfirmed(now=utcnow() + timedelta(hours=3))
    db.session.commit()
    # Both were unconfirmed: the first loses the place; the second, promoted, is released too.
    assert released == 2
    db.session.refresh(first)
    db.session.refresh(second)
    assert first.status == second.status == RegistrationStatus.CANCELLED
    assert sorted(m.recipient for m in outbox("registration_released")) == [
        "first@example.org", "second@example.org"]
    assert outbox("registration_promoted") == []  # nobody promoted only to be released
    assert_counters_match_rows(strict_event)


def test_a_confirmed_place_stays_and_the_waiting_list_moves_up(
    client, strict_event, sign_up, outbox, assert_counters_match_rows
):
    first = sign_up(strict_event, email="first@example.org").registration
    second = sign_up(strict_event, email="second@example.org").registration
    third = sign_up(strict_event, email="third@example.org").registration
    db.session.commit()
    for registration in (second, third):
        token = services.manage_token(registration)
        page = client.get(f"/registrations/{token}", headers=EN).get_data(as_text=True)
        assert "Confirm my registration" in page
        assert client.post(f"/registrations/{token}/confirm").status_code == 303
    db.session.commit()
    assert not services.needs_confirmation(second)

    assert services.release_unconfirmed(now=utcnow() + timedelta(hours=3)) == 1
    db.session.commit()
    for registration in (first, second, third):
        db.session.refresh(registration)
    assert first.status == RegistrationStatus.CANCELLED
    assert second.status == RegistrationStatus.CONFIRMED
    assert third.status == RegistrationStatus.WAITING
    assert [m.recipient for m in outbox("registration_promoted")] == ["second@example.org"]
    assert_counters_match_rows(strict_event)


def test_places_given_by_hand_need_no_confirmation(strict_event):
    result = services.register(strict_event, name="Phoned", email="p@example.org",
                               source="manual")
    assert result.registration.confirm_by is None


def test_organisers_set_the_hours_on_the_event_form(make_event, make_user):
    from participation.events import services_manage

    organiser = make_user(roles=(Role.ORGANISER,))
    event = make_event(organisers=[organiser])
    details = services_manage.EventDetails(
        title_nl=event.title, summary_nl=event.summary, topic_id=event.topic_id,
        starts_at=event.starts_at, ends_at=event.ends_at, address=event.address,
        capacity=event.capacity, confirm_within_hours=500, organiser_emails=[organiser.email])
    with pytest.raises(services_manage.EventError) as error:
        services_manage.update_event(event, details, by=organiser)
    assert error.value.field == "confirm_within_hours"
    details.confirm_within_hours = 24
    services_manage.update_event(event, details, by=organiser)
    assert event.confirm_within_hours == 24


# --- bursts ---------------------------------------------------------------------------------


def test_organisers_see_a_burst_from_one_network_and_one_mailbox_and_cancel_it(
    client, login, make_user, make_event, outbox, assert_counters_match_rows
):
    organiser = make_user(roles=(Role.ORGANISER,))
    event = make_event(slug="evening", capacity=5, organisers=[organiser])
    resident = services.register(event, name="Real", email="real@example.org",
                                 client_address="192.0.2.10").registration
    for n in range(6):
        services.register(event, name=f"Spam {n}", email=f"spam+{n}@example.org",
                          client_address=f"203.0.113.{n + 1}")
    late = services.register(event, name="Late", email="late@example.org",
                             client_address="192.0.2.99").registration
    db.session.commit()
    assert late.status == RegistrationStatus.WAITING
    bursts = ws.suspicious_bursts(event)
    assert {(b.kind, b.key, len(b.registrations)) for b in bursts} == {
        ("network", "203.0.113.0/24", 6), ("mailbox", "spam@example.org", 6)}

    login(organiser)
    page = client.get("/manage/events/evening/registrations/bursts", headers=EN)
    assert page.status_code == 200
    assert "spam@example.org" in page.get_data(as_text=True)
    response = client.post("/manage/events/evening/registrations/bursts/cancel",
                           data={"kind": "mailbox", "key": "spam@example.org"})
    assert response.status_code == 303
    db.session.refresh(late)
    db.session.refresh(resident)
    assert resident.status == late.status == RegistrationStatus.CONFIRMED
    assert ws.suspicious_bursts(event) == []
    # The group's own waiting registration went first: no spam was promoted.
    assert [m.recipient for m in outbox("registration_promoted")] == ["late@example.org"]
    assert_counters_match_rows(event)


def test_the_worker_releases_unconfirmed_places_every_few_minutes(strict_event, sign_up, outbox):
    from participation.worker.jobs import JOBS, run_job_if_due

    sign_up(strict_event, email="first@example.org")
    db.session.commit()
    job = JOBS["release-unconfirmed"]
    assert job.every <= timedelta(minutes=15)
    summary = run_job_if_due(job, utcnow() + timedelta(hours=3))
    assert summary == "1 unconfirmed registration(s) released"
    assert [m.recipient for m in outbox("registration_released")] == ["first@example.org"]
