"""The registration rules: places, the waiting list, promotion, the window, the door."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
import sqlalchemy as sa

from participation.core.i18n import BRUSSELS, brussels_day_start
from participation.database import utcnow
from participation.events.models import EventStatus
from participation.extensions import db
from participation.registrations import services
from participation.registrations.models import (
    Registration,
    RegistrationSource,
    RegistrationStatus,
)

CONFIRMED, WAITING, CANCELLED = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITING,
    RegistrationStatus.CANCELLED,
)


def test_registrations_are_confirmed_until_full_then_wait_in_order_of_arrival(
    make_event, sign_up, assert_counters_match_rows, outbox
):
    event = make_event(capacity=3)
    results = [sign_up(event) for _ in range(6)]

    assert [r.registration.status for r in results] == [CONFIRMED] * 3 + [WAITING] * 3
    assert [r.waiting_list_position for r in results] == [None, None, None, 1, 2, 3]
    assert [services.waiting_list_position(r.registration) for r in results[3:]] == [1, 2, 3]
    assert all(r.created for r in results)
    assert (event.confirmed_count, event.waiting_count) == (3, 3)
    assert_counters_match_rows(event)
    assert len(outbox("registration_confirmed")) == 3
    waiting_mails = outbox("registration_waiting")
    assert [m.recipient for m in waiting_mails] == [r.registration.email for r in results[3:]]
    assert "position: 2" in waiting_mails[1].body_text


def test_registrations_do_not_count_as_an_edit_of_the_event(make_event, sign_up):
    event = make_event(capacity=1)
    edited = event.updated_at
    services.cancel(sign_up(event).registration)
    sign_up(event)
    db.session.expire_all()
    assert event.updated_at == edited


def test_an_event_without_a_limit_confirms_everyone(make_event, sign_up):
    event = make_event(capacity=None)
    assert all(sign_up(event).confirmed for _ in range(5))


def test_registering_again_with_the_same_address_takes_no_second_place_and_resends_the_link(
    make_event, sign_up, outbox, statuses
):
    event = make_event(capacity=1)
    first = sign_up(event, email="Ann@Example.org")
    again = sign_up(event, email="  ann@EXAMPLE.org ")

    assert first.registration.email == "ann@example.org"
    assert again.created is False
    assert again.registration.id == first.registration.id
    assert statuses(event) == {CONFIRMED: 1}
    link_mails = outbox("registration_link")
    assert [m.recipient for m in link_mails] == ["ann@example.org"]
    assert services.manage_token(first.registration) in link_mails[0].body_text


def test_someone_on_the_waiting_list_who_registers_again_keeps_their_position(
    make_event, sign_up
):
    event = make_event(capacity=1)
    sign_up(event)
    sign_up(event, email="bo@example.org")
    sign_up(event)
    again = sign_up(event, email="bo@example.org")
    assert again.created is False
    assert again.waiting_list_position == 1
    assert event.waiting_count == 2


def test_after_cancelling_the_same_address_can_register_again(make_event, sign_up):
    event = make_event(capacity=5)
    first = sign_up(event, email="cy@example.org")
    services.cancel(first.registration)
    second = sign_up(event, email="cy@example.org")
    assert second.created and second.registration.id != first.registration.id


def test_cancelling_a_place_promotes_the_first_person_waiting_and_mails_them(
    make_event, sign_up, assert_counters_match_rows, outbox
):
    event = make_event(capacity=2)
    confirmed = [sign_up(event).registration for _ in range(2)]
    waiting = [sign_up(event).registration for _ in range(3)]

    promoted = services.cancel(confirmed[0])

    assert promoted == [waiting[0]]
    assert waiting[0].status == CONFIRMED and waiting[0].confirmed_at is not None
    assert confirmed[0].status == CANCELLED and confirmed[0].cancelled_at is not None
    assert [services.waiting_list_position(r) for r in waiting[1:]] == [1, 2]
    assert [m.recipient for m in outbox("registration_promoted")] == [waiting[0].email]
    assert [m.recipient for m in outbox("registration_cancelled")] == [confirmed[0].email]
    assert_counters_match_rows(event)


def test_cancelling_twice_changes_nothing_the_second_time(make_event, sign_up, outbox):
    event = make_event(capacity=1)
    registration = sign_up(event).registration
    sign_up(event)
    services.cancel(registration)
    assert services.cancel(registration) == []
    assert len(outbox("registration_cancelled")) == 1
    assert (event.confirmed_count, event.waiting_count) == (1, 0)


def test_leaving_the_waiting_list_moves_the_others_up_and_promotes_nobody(
    make_event, sign_up, assert_counters_match_rows
):
    event = make_event(capacity=1)
    sign_up(event)
    first, second = sign_up(event).registration, sign_up(event).registration
    assert services.cancel(first) == []
    assert services.waiting_list_position(second) == 1
    assert_counters_match_rows(event)


def test_an_organiser_removing_someone_promotes_the_next_and_says_who_cancelled(
    make_event, sign_up, outbox
):
    event = make_event(capacity=1)
    removed = sign_up(event, locale="en").registration
    waiting = sign_up(event).registration
    assert services.cancel(removed, by_organiser=True, message="Double booking") == [waiting]
    assert "The organisers have cancelled" in outbox("registration_cancelled")[0].body_text


def test_raising_the_capacity_promotes_the_first_people_waiting_in_order(
    make_event, sign_up, assert_counters_match_rows, outbox
):
    event = make_event(capacity=1)
    sign_up(event)
    waiting = [sign_up(event).registration for _ in range(4)]

    promoted = services.change_capacity(event, 3)

    assert promoted == waiting[:2]
    assert [r.status for r in waiting] == [CONFIRMED, CONFIRMED, WAITING, WAITING]
    assert len(outbox("registration_promoted")) == 2
    assert_counters_match_rows(event)
    assert services.change_capacity(event, None) == waiting[2:]
    assert_counters_match_rows(event)


def test_the_capacity_cannot_go_below_the_people_already_confirmed(make_event, sign_up):
    event = make_event(capacity=5)
    for _ in range(3):
        sign_up(event)
    with pytest.raises(services.CapacityTooLow) as error:
        services.change_capacity(event, 2)
    assert error.value.field == "capacity"
    assert "3 people are already confirmed" in str(error.value)
    assert services.change_capacity(event, 3) == []
    assert event.capacity == 3


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"registration_opens_at": utcnow() + timedelta(days=1)}, "not_yet_open"),
        ({"registration_closes_at": utcnow() - timedelta(minutes=1),
          "registration_opens_at": utcnow() - timedelta(days=3)}, "closed"),
        ({"registration_paused": True}, "paused"),
        ({"starts_at": utcnow() - timedelta(hours=1)}, "past"),
        ({"status": EventStatus.CANCELLED}, "cancelled"),
        ({"status": EventStatus.DRAFT}, "draft"),
    ],
)
def test_outside_the_registration_window_nobody_can_register_and_the_reason_is_given(
    make_event, sign_up, fields, reason, outbox, statuses
):
    event = make_event(**fields)
    with pytest.raises(services.RegistrationClosed) as error:
        sign_up(event)
    assert error.value.reason == reason
    assert str(error.value) == str(services.CLOSED_MESSAGES[reason])
    assert statuses(event) == {}
    assert outbox() == []


def test_registration_is_open_between_opening_and_closing_times(make_event, sign_up):
    now = utcnow()
    event = make_event(registration_opens_at=now - timedelta(days=1),
                       registration_closes_at=now + timedelta(days=1))
    assert sign_up(event, now=now).confirmed


def test_an_organiser_can_add_someone_outside_the_window_but_not_beyond_the_places(
    make_event, sign_up, outbox
):
    event = make_event(capacity=1, registration_paused=True)
    added = sign_up(event, source=RegistrationSource.MANUAL)
    extra = sign_up(event, source=RegistrationSource.MANUAL)
    assert added.confirmed and added.registration.source == RegistrationSource.MANUAL
    assert extra.registration.status == WAITING
    assert len(outbox("registration_confirmed")) == 1


def test_a_walk_in_is_checked_in_at_once_and_never_overbooks(make_event, sign_up, outbox):
    event = make_event(capacity=1, starts_at=utcnow() - timedelta(minutes=10))
    walk_in = sign_up(event, email=None, name=None, source=RegistrationSource.WALK_IN)
    assert walk_in.confirmed and walk_in.registration.checked_in_at is not None
    assert outbox() == []
    with pytest.raises(services.EventFull):
        sign_up(event, source=RegistrationSource.WALK_IN)
    assert event.confirmed_count == 1


def test_a_cancelled_event_takes_no_one_not_even_from_an_organiser(make_event, sign_up):
    event = make_event(status=EventStatus.CANCELLED)
    with pytest.raises(services.RegistrationClosed):
        sign_up(event, source=RegistrationSource.MANUAL)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"email": "not-an-address"}, "email"),
        ({"needs_other": "y" * 501}, "needs_other"),
        ({"consent": False}, "consent"),
    ],
)
def test_bad_input_is_refused_with_the_field_named_and_nothing_written(
    make_event, sign_up, fields, field, statuses
):
    event = make_event()
    with pytest.raises(services.RegistrationError) as error:
        sign_up(event, **fields)
    assert error.value.field == field
    assert statuses(event) == {}


def test_a_signed_in_resident_has_the_registration_tied_to_the_account(
    make_event, make_user, sign_up
):
    user = make_user(email="dee@example.org")
    registration = sign_up(make_event(), email="dee@example.org", user=user).registration
    assert registration.user_id == user.id
    assert services.registrations_of_user(user) == [registration]


def test_promoting_by_hand_needs_a_free_place(make_event, sign_up):
    start = utcnow() + timedelta(hours=1)
    event = make_event(capacity=1, starts_at=start)
    present = sign_up(event).registration
    waiting = sign_up(event).registration
    with pytest.raises(services.EventFull):
        services.promote(waiting)
    # Once the event has begun, places freed at the door are not filled automatically.
    later = start + timedelta(minutes=5)
    assert services.cancel(present, by_organiser=True, message="Left early", now=later) == []
    assert services.promote(waiting, now=later).status == CONFIRMED
    with pytest.raises(services.RegistrationError):
        services.promote(waiting)


def test_check_in_by_code_ignores_case_and_spaces_and_can_be_undone(make_event, sign_up):
    event = make_event(capacity=1)
    registration = sign_up(event).registration
    waiting = sign_up(event).registration
    typed = registration.code.lower()[:3] + " " + registration.code.lower()[3:]
    assert services.find_by_code(event, typed) == registration
    assert services.find_by_code(make_event(), registration.code) is None
    services.check_in(registration)
    first_time = registration.checked_in_at
    services.check_in(registration)
    assert registration.checked_in_at == first_time
    services.undo_check_in(registration)
    assert registration.checked_in_at is None
    with pytest.raises(services.RegistrationError):
        services.check_in(waiting)


def test_cancelling_an_event_cancels_and_mails_everyone(make_event, sign_up, outbox, statuses):
    event = make_event(capacity=1)
    people = [sign_up(event).registration for _ in range(3)]
    event.status = EventStatus.CANCELLED
    cancelled = services.cancel_all_for_event(event)
    assert cancelled == people
    assert statuses(event) == {CANCELLED: 3}
    assert (event.confirmed_count, event.waiting_count) == (0, 0)
    assert sorted(m.recipient for m in outbox("registration_event_cancelled")) == sorted(
        p.email for p in people
    )


def test_a_manage_token_leads_back_to_its_registration_and_a_tampered_one_does_not(
    make_event, sign_up
):
    registration = sign_up(make_event()).registration
    token = services.manage_token(registration)
    assert services.registration_from_token(token) == registration
    # Change a character in the middle: the last base64 character may carry unused bits.
    mid = len(token) // 2
    tampered = token[:mid] + ("A" if token[mid] != "A" else "B") + token[mid + 1:]
    for bad in (tampered, "", "x" * 400, "abc.def"):
        with pytest.raises(services.InvalidManageLink):
            services.registration_from_token(bad)


def test_a_manage_token_is_refused_once_the_key_changes_or_the_data_is_removed(
    make_event, sign_up
):
    registration = sign_up(make_event()).registration
    token = services.manage_token(registration)
    registration.manage_key = "another-key"
    with pytest.raises(services.InvalidManageLink) as error:
        services.registration_from_token(token)
    assert error.value.reason == "invalid"
    registration.manage_key = "k" * 40
    token = services.manage_token(registration)
    registration.purged_at, registration.email = utcnow(), None
    with pytest.raises(services.InvalidManageLink) as error:
        services.registration_from_token(token)
    assert error.value.reason == "expired"


def test_reminders_go_once_to_confirmed_registrants_of_tomorrows_events(
    make_event, sign_up, outbox
):
    now = utcnow()
    # Noon tomorrow in Brussels: "tomorrow" whatever the hour the test runs at.
    start_of_tomorrow = brussels_day_start(now.astimezone(BRUSSELS).date() + timedelta(days=1))
    tomorrow = make_event(capacity=1, starts_at=start_of_tomorrow + timedelta(hours=12))
    next_week = make_event(starts_at=now + timedelta(days=7))
    confirmed = sign_up(tomorrow).registration
    sign_up(tomorrow)  # on the waiting list: no reminder
    services.cancel(sign_up(next_week).registration)
    sign_up(next_week)

    assert services.send_reminders(now=now) == 1
    assert services.send_reminders(now=now) == 0
    reminders = outbox("registration_reminder")
    assert [m.recipient for m in reminders] == [confirmed.email]
    assert confirmed.reminder_sent_at is not None
    assert {a["filename"] for a in reminders[0].attachments} == {
        f"{tomorrow.slug}.ics", f"check-in-{confirmed.code}.png"
    }


def test_counters_always_equal_the_rows_whatever_happens(
    make_event, sign_up, assert_counters_match_rows
):
    rng = random.Random(20240501)
    event = make_event(capacity=4)
    for _ in range(120):
        active = list(db.session.scalars(
            sa.select(Registration).where(
                Registration.event_id == event.id, Registration.status != CANCELLED
            )
        ))
        roll = rng.random()
        if roll < 0.55 or not active:
            sign_up(event)
        elif roll < 0.85:
            services.cancel(rng.choice(active), by_organiser=rng.random() < 0.3, message="Sorry")
        else:
            try:
                services.change_capacity(event, rng.randint(0, 8))
            except services.CapacityTooLow:
                pass
        assert_counters_match_rows(event)
        assert event.confirmed_count <= event.capacity
        # Nobody waits while a place is free.
        assert event.waiting_count == 0 or event.confirmed_count == event.capacity


def test_the_event_cancelled_mail_points_to_the_other_events_not_the_cancelled_one(
        make_event, sign_up, outbox):
    event = make_event(slug="cancelled-evening")
    sign_up(event)
    event.status = EventStatus.CANCELLED
    services.cancel_all_for_event(event)
    [mail] = outbox("registration_event_cancelled")
    assert mail.body_text.rstrip().endswith(
        "See the other events on the platform: http://localhost/events")
    assert 'href="http://localhost/events"' in mail.body_html
