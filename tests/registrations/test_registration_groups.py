"""Groups: a registration with companions takes all its places at once, or waits as a whole.

The waiting list is served first fit in order of arrival (see registrations/services.py).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from participation.accounts.models import Role
from participation.database import utcnow
from participation.extensions import db
from participation.mail.models import OutboxMessage
from participation.privacy import services as privacy
from participation.registrations import services
from participation.registrations.models import Registration, RegistrationStatus

CONFIRMED, WAITING = RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING
EN = {"Accept-Language": "en"}


def _status(registration: Registration) -> RegistrationStatus:
    db.session.refresh(registration)
    return registration.status


def test_a_group_is_confirmed_when_all_its_places_are_free(make_event, sign_up,
                                                           assert_counters_match_rows):
    event = make_event(capacity=4, companions_allowed=3)
    result = sign_up(event, companions=3, companion_names=["Bert", "", "Cas"])
    assert result.confirmed
    assert result.registration.places == 4
    assert result.registration.companion_labels == ["Bert", "", "Cas"]
    assert (event.confirmed_count, event.places_left, event.is_full) == (4, 0, True)
    assert_counters_match_rows(event)


def test_a_group_that_does_not_fit_waits_as_a_whole(make_event, sign_up,
                                                    assert_counters_match_rows):
    event = make_event(capacity=4, companions_allowed=2)
    sign_up(event, companions=1)
    group = sign_up(event, companions=2)
    assert not group.confirmed
    assert group.waiting_list_position == 1
    assert (event.confirmed_count, event.waiting_count) == (2, 3)
    assert_counters_match_rows(event)


def test_first_fit_a_later_single_person_takes_a_place_the_first_group_cannot_use(
    make_event, sign_up, assert_counters_match_rows
):
    event = make_event(capacity=4, companions_allowed=2)
    alone = sign_up(event).registration
    pair = sign_up(event, companions=2).registration  # 3 places: full
    trio = sign_up(event, companions=2).registration  # waits, first in line
    single = sign_up(event).registration  # waits, second in line
    assert services.waiting_list_position(trio) == 1

    promoted = services.cancel(alone)  # one place comes free: the trio does not fit
    assert promoted == [single]
    assert _status(trio) == WAITING
    assert services.waiting_list_position(trio) == 1  # keeps its place at the front

    promoted = services.cancel(pair)  # three places come free: now the trio fits
    assert promoted == [trio]
    assert event.confirmed_count == 4
    assert_counters_match_rows(event)


def test_a_newcomer_gets_a_free_place_no_waiting_group_fits_in(make_event, sign_up):
    event = make_event(capacity=3, companions_allowed=2)
    first = sign_up(event, companions=1).registration
    sign_up(event)  # full
    sign_up(event, companions=2)  # waits for three places
    services.cancel(first)  # two free: the group of three still waits
    newcomer = sign_up(event)
    assert newcomer.confirmed
    assert event.confirmed_count == 2 and event.waiting_count == 3


def test_waiting_people_who_fit_go_before_a_newcomer(make_event, sign_up):
    event = make_event(capacity=2, companions_allowed=1)
    pair = sign_up(event, companions=1).registration
    single = sign_up(event).registration
    event.capacity = 3  # by hand, without promoting: places free while someone waits
    db.session.flush()
    newcomer = sign_up(event)
    assert _status(single) == CONFIRMED and _status(pair) == CONFIRMED
    assert not newcomer.confirmed
    # The line was counted again after the promotion: the newcomer is first in it, and
    # their mail says so.
    assert newcomer.waiting_list_position == 1
    mail = db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.recipient == newcomer.registration.email)).one()
    assert mail.render["args"] == {"position": 1}


@pytest.mark.parametrize(("allowed", "companions", "capacity", "message"), [
    (0, 1, 10, "Everyone registers for this event separately"),
    (2, 3, 10, "at most 2 people along"),
    (5, 4, 4, "This event has 4 places"),
])
def test_groups_beyond_what_the_event_allows_are_refused_on_the_companions_field(
    make_event, sign_up, allowed, companions, capacity, message
):
    event = make_event(capacity=capacity, companions_allowed=allowed)
    with pytest.raises(services.RegistrationError, match=message) as caught:
        sign_up(event, companions=companions)
    assert caught.value.field == "companions"


def test_more_names_than_companions_are_refused(make_event, sign_up):
    event = make_event(companions_allowed=2)
    with pytest.raises(services.RegistrationError) as caught:
        sign_up(event, companions=1, companion_names=["Bert", "Cas"])
    assert caught.value.field == "companion_names"


def test_removing_a_companion_frees_one_place_and_promotes(make_event, sign_up, outbox,
                                                           assert_counters_match_rows):
    event = make_event(capacity=3, companions_allowed=2)
    group = sign_up(event, companions=2, companion_names=["Bert", "Cas"]).registration
    single = sign_up(event).registration
    promoted = services.remove_companion(group, 0)
    assert promoted == [single]
    assert group.companions == 1 and group.companion_labels == ["Cas"]
    assert outbox(kind="registration_promoted", recipient=single.email)
    [changed] = outbox(kind="registration_group_changed", recipient=group.email)
    assert "removed one of the people coming with you" in changed.body_text
    assert_counters_match_rows(event)


def test_reducing_a_waiting_group_confirms_it_when_it_now_fits(make_event, sign_up,
                                                               assert_counters_match_rows):
    event = make_event(capacity=3, companions_allowed=2)
    sign_up(event, companions=1)
    group = sign_up(event, companions=2).registration  # needs 3, one free
    services.remove_companion(group, 1)
    assert _status(group) == WAITING  # 2 still do not fit in 1
    assert services.remove_companion(group, 0) == [group]
    assert event.confirmed_count == 3
    assert_counters_match_rows(event)


def test_removing_a_companion_who_is_gone_is_refused(make_event, sign_up):
    event = make_event(companions_allowed=1)
    group = sign_up(event, companions=1).registration
    services.remove_companion(group, 0)
    with pytest.raises(services.RegistrationError):
        services.remove_companion(group, 0)


def test_cancelling_a_group_frees_all_its_places(make_event, sign_up,
                                                 assert_counters_match_rows):
    event = make_event(capacity=3, companions_allowed=2)
    group = sign_up(event, companions=2).registration
    waiting = [sign_up(event).registration for _ in range(3)]
    assert services.cancel(group) == waiting
    assert_counters_match_rows(event)


def test_a_waiting_group_is_promoted_by_hand_only_when_it_fits(make_event, sign_up):
    event = make_event(capacity=2, companions_allowed=1)
    sign_up(event)
    group = sign_up(event, companions=1).registration
    with pytest.raises(services.EventFull):
        services.promote(group)
    services.change_capacity(event, 3)
    assert _status(group) == CONFIRMED


def test_companion_names_are_purged_and_in_the_personal_data_download(make_event, sign_up,
                                                                       make_user):
    user = make_user(email="ann@example.org", roles=(Role.RESIDENT,))
    event = make_event(companions_allowed=2)
    registration = sign_up(event, email="ann@example.org", companions=2,
                           companion_names=["Bert"], user=user).registration
    data = privacy.personal_data(user)
    assert data["registrations"][0]["companions"] == 2
    assert data["registrations"][0]["companion_names"] == ["Bert"]
    privacy.purge_personal_data(0, now=event.ends_at + (event.ends_at - event.starts_at))
    db.session.refresh(registration)
    assert registration.companion_names is None and registration.companions == 2


# --- through the forms -----------------------------------------------------------------------


def test_the_form_asks_about_companions_only_when_the_event_allows_them(client, make_event):
    alone = make_event(companions_allowed=0)
    group = make_event(companions_allowed=3)
    db.session.commit()
    page = client.get(f"/events/{alone.slug}/register", headers=EN).get_data(as_text=True)
    assert 'name="companions"' not in page
    page = client.get(f"/events/{group.slug}/register", headers=EN).get_data(as_text=True)
    assert 'name="companions"' in page and 'name="companion_names"' in page
    assert "<legend>People coming with you</legend>" in page
    assert "up to 3 people along" in page


def test_registering_with_companions_through_the_form(client, make_event):
    event = make_event(capacity=5, companions_allowed=3)
    db.session.commit()
    response = client.post(f"/events/{event.slug}/register", headers=EN, data={
        "name": "Ann", "email": "ann@example.org", "consent": "y",
        "companions": "2", "companion_names": "Bert\nCas",
    }, follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Check your mail" in page
    registration = db.session.query(Registration).one()
    assert (registration.companions, registration.companion_names) == (2, ["Bert", "Cas"])


def test_too_many_companions_are_named_on_the_field_and_the_input_is_kept(client, make_event):
    event = make_event(capacity=5, companions_allowed=1)
    db.session.commit()
    response = client.post(f"/events/{event.slug}/register", headers=EN, data={
        "name": "Ann", "email": "ann@example.org", "consent": "y",
        "companions": "2", "companion_names": "Bert",
    })
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'href="#companions"' in page
    assert "You can bring at most 1 person along to this event." in page
    assert 'value="2"' in page and "Bert</textarea>" in page
    assert db.session.query(Registration).count() == 0


def test_organiser_removes_a_companion_from_the_workspace(client, login, make_user,
                                                          make_event, sign_up):
    organiser = make_user(email="olga@example.org", roles=(Role.ORGANISER,))
    event = make_event(capacity=2, companions_allowed=1, organisers=[organiser])
    group = sign_up(event, companions=1, companion_names=["Bert"]).registration
    single = sign_up(event).registration
    db.session.commit()
    login(organiser)
    page = client.get(f"/manage/events/{event.slug}/registrations",
                      headers=EN).get_data(as_text=True)
    assert "+ 1 companion" in page and "Bert" in page
    response = client.post(
        f"/manage/events/{event.slug}/registrations/{group.id}/companions/0/remove",
        headers=EN, follow_redirects=True)
    assert "moved up from the waiting list" in response.get_data(as_text=True)
    assert _status(single) == CONFIRMED
    db.session.refresh(group)
    assert group.companions == 0


def test_a_registrant_takes_a_companion_off_their_own_registration(client, make_event, sign_up,
                                                                  outbox,
                                                                  assert_counters_match_rows):
    event = make_event(capacity=3, companions_allowed=2)
    group = sign_up(event, companions=2, companion_names=["Bert"]).registration
    single = sign_up(event).registration
    db.session.commit()
    token = services.manage_token(group)
    page = client.get(f"/registrations/{token}", headers=EN).get_data(as_text=True)
    assert "Someone cannot come after all?" in page
    assert page.count(f"/registrations/{token}/companions/") == 2  # Bert and person 2
    assert "Person 2" in page
    response = client.post(f"/registrations/{token}/companions/0/remove", headers=EN,
                           follow_redirects=True)
    assert "one person less comes with you" in response.get_data(as_text=True)
    db.session.refresh(group)
    assert group.companions == 1 and group.companion_labels == [""]
    assert _status(single) == CONFIRMED
    [receipt] = outbox(kind="registration_group_changed", recipient=group.email)
    assert "You took one of the people coming with you off" in receipt.body_text
    assert outbox(kind="registration_promoted", recipient=single.email)
    assert_counters_match_rows(event)
    # A second click on a button of the old page does not remove a companion who is gone.
    response = client.post(f"/registrations/{token}/companions/1/remove", headers=EN,
                           follow_redirects=True)
    assert "no longer part of the group" in response.get_data(as_text=True)
    db.session.refresh(group)
    assert group.companions == 1


def test_a_registrant_cannot_change_their_group_once_the_event_started(client, make_event,
                                                                       sign_up):
    event = make_event(companions_allowed=1)
    group = sign_up(event, companions=1).registration
    with pytest.raises(services.RegistrationError, match="already started"):
        services.remove_companion(group, 0, by_registrant=True,
                                  now=event.starts_at + timedelta(minutes=1))
    db.session.commit()
    page = client.get(f"/registrations/{services.manage_token(group)}", headers=EN)
    assert "Someone cannot come after all?" in page.get_data(as_text=True)  # before it starts
    lone = sign_up(event).registration
    db.session.commit()
    page = client.get(f"/registrations/{services.manage_token(lone)}", headers=EN)
    assert "Someone cannot come after all?" not in page.get_data(as_text=True)


def test_the_attendee_export_has_the_companions(client, login, make_user, make_event,
                                                sign_up):
    organiser = make_user(email="olga@example.org", roles=(Role.ORGANISER,))
    event = make_event(companions_allowed=2, organisers=[organiser])
    sign_up(event, companions=2, companion_names=["Bert", "Cas"])
    db.session.commit()
    login(organiser)
    csv = client.get(f"/manage/events/{event.slug}/attendees.csv",
                     headers=EN).get_data(as_text=True)
    header, row = csv.splitlines()[:2]
    assert "Companions" in header and "Names of companions" in header
    assert row.endswith(',"2","Bert, Cas"')


def test_an_unconfirmed_group_gives_up_all_its_places_and_a_confirmed_one_moves_up(
    make_event, sign_up, assert_counters_match_rows
):
    event = make_event(capacity=3, companions_allowed=2, confirm_within_hours=2)
    unconfirmed = sign_up(event, companions=2).registration
    waiting = sign_up(event, companions=1).registration
    services.confirm_by_mail(waiting)
    assert services.release_unconfirmed(now=utcnow() + timedelta(hours=3)) == 1
    assert _status(unconfirmed) == RegistrationStatus.CANCELLED
    assert _status(waiting) == CONFIRMED
    assert (event.confirmed_count, event.waiting_count) == (2, 0)
    assert_counters_match_rows(event)
