"""Cancelling with a reason: people may say why (organisers see totals); organisers must."""

from __future__ import annotations

import pytest

from participation.accounts.models import Role
from participation.extensions import db
from participation.privacy import services as privacy
from participation.registrations import services
from participation.registrations.models import CancelReason, RegistrationStatus

EN = {"Accept-Language": "en"}


def test_an_organiser_must_tell_the_person_why(make_event, sign_up, outbox):
    event = make_event()
    registration = sign_up(event).registration
    with pytest.raises(services.RegistrationError) as caught:
        services.cancel(registration, by_organiser=True, message="  ")
    assert caught.value.field == "message"
    services.cancel(registration, by_organiser=True, message="This evening is for residents.")
    assert registration.cancel_message == "This evening is for residents."
    [mail] = outbox(kind="registration_cancelled")
    assert "This evening is for residents." in mail.body_text
    assert "This evening is for residents." in mail.body_html


def test_the_reason_a_person_gives_is_kept_and_their_message_purged(make_event, sign_up):
    event = make_event()
    mine = sign_up(event).registration
    theirs = sign_up(event).registration
    services.cancel(mine, reason=CancelReason.ILL)
    services.cancel(theirs, by_organiser=True, message="Registered twice")
    assert (mine.cancel_reason, mine.cancel_message) == (CancelReason.ILL, None)
    privacy.purge_personal_data(0, now=event.ends_at + (event.ends_at - event.starts_at))
    db.session.refresh(theirs)
    db.session.refresh(mine)
    assert theirs.cancel_message is None and mine.cancel_reason == CancelReason.ILL


def test_people_choose_an_optional_reason_and_organisers_see_only_totals(
    client, login, make_user, make_event, sign_up
):
    organiser = make_user(email="olga@example.org", roles=(Role.ORGANISER,))
    event = make_event(slug="evening", organisers=[organiser])
    people = [sign_up(event, name=f"Person {n}").registration for n in range(4)]
    db.session.commit()
    page = client.get(f"/registrations/{services.manage_token(people[0])}/cancel",
                      headers=EN).get_data(as_text=True)
    assert "<legend>Why do you cancel? (optional)</legend>" in page
    assert 'type="radio"' in page and "Something else came up" in page
    for person, reason in zip(people, ("other_plans", "other_plans", "ill", None), strict=True):
        data = {"reason": reason} if reason else {}
        response = client.post(f"/registrations/{services.manage_token(person)}/cancel",
                               data=data, headers=EN)
        assert response.status_code == 303
    db.session.expire_all()
    assert all(p.status == RegistrationStatus.CANCELLED for p in people)
    assert [p.cancel_reason for p in people] == [CancelReason.OTHER_PLANS] * 2 + [
        CancelReason.ILL, None]
    login(organiser)
    workspace = client.get("/manage/events/evening/registrations",
                           headers=EN).get_data(as_text=True)
    assert "Why people cancelled" in workspace
    assert "<li>Something else came up: 2</li>" in workspace
    assert "<li>I am ill or cannot come for health reasons: 1</li>" in workspace


def test_an_organiser_cancelling_without_a_reason_is_asked_for_one(client, login, make_user,
                                                                   make_event, sign_up, outbox):
    organiser = make_user(email="olga@example.org", roles=(Role.ORGANISER,))
    event = make_event(slug="evening", organisers=[organiser])
    registration = sign_up(event, name="Ann").registration
    db.session.commit()
    login(organiser)
    path = f"/manage/events/evening/registrations/{registration.id}/cancel"
    page = client.get(path, headers=EN).get_data(as_text=True)
    assert "Cancel the registration of Ann" in page and 'name="message"' in page
    response = client.post(path, data={"message": ""}, headers=EN)
    assert response.status_code == 422
    assert 'href="#message"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert registration.status == RegistrationStatus.CONFIRMED
    response = client.post(path, data={"message": "The room changed."}, headers=EN)
    assert response.status_code == 302
    db.session.expire_all()
    assert registration.status == RegistrationStatus.CANCELLED
    [mail] = outbox(kind="registration_cancelled")
    assert "The room changed." in mail.body_text
