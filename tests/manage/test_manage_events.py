"""Organisers create, edit, publish, unpublish, duplicate and cancel their events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from participation.accounts.models import Role
from participation.audit.models import AuditEntry
from participation.events.models import Event, EventStatus
from participation.extensions import db

EN = {"Accept-Language": "en"}


def _event(slug: str) -> Event:
    db.session.expire_all()
    return db.session.scalar(sa.select(Event).where(Event.slug == slug))


def _audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


def test_organiser_creates_a_draft_event_with_every_field(client, login, organiser,
                                                         event_form, make_action,
                                                         make_user):
    co = make_user(email="cora@example.org", roles=(Role.ORGANISER,))
    first, second = make_action(code="A01"), make_action(code="A02")
    login(organiser)
    data = event_form(
        actions=[str(first.id), str(second.id)],
        step_free="y", hearing_loop="y",
        online_url="https://example.org/stream",
        registration_opens_at="2030-05-01T09:00", registration_closes_at="2030-05-14T12:00",
        organiser_emails="olga@example.org\nCORA@example.org",
    )
    response = client.post("/manage/events/new", data=data, headers=EN)
    assert response.status_code == 302
    assert response.headers["Location"] == "/manage/events/green-deal-evening"
    event = _event("green-deal-evening")
    assert event.status == EventStatus.DRAFT
    # 19:30 in Brussels in May (summer time) is 17:30 UTC.
    assert event.starts_at == datetime(2030, 5, 14, 17, 30, tzinfo=UTC)
    assert event.ends_at == datetime(2030, 5, 14, 19, 30, tzinfo=UTC)
    assert event.registration_opens_at == datetime(2030, 5, 1, 7, 0, tzinfo=UTC)
    assert event.capacity == 30
    assert event.step_free and event.hearing_loop and not event.sign_language_on_request
    assert event.online_url == "https://example.org/stream"
    assert event.public_transport == "Tram 1 to Zuid"
    assert [a.code for a in event.actions] == ["A01", "A02"]
    assert {u.email for u in event.organisers} == {organiser.email, co.email}
    page = client.get("/manage/events/green-deal-evening", headers=EN).get_data(as_text=True)
    assert "Green Deal evening" in page and "Draft" in page
    # A draft is not public.
    assert client.get("/events/green-deal-evening").status_code == 404


def test_winter_times_are_read_as_brussels_time(client, login, organiser, event_form):
    login(organiser)
    client.post("/manage/events/new", data=event_form(
        starts_at="2030-01-10T19:00", ends_at="2030-01-10T21:00"))
    assert _event("green-deal-evening").starts_at == datetime(2030, 1, 10, 18, 0, tzinfo=UTC)


def test_slug_is_made_unique_and_empty_capacity_means_unlimited(client, login, organiser,
                                                              event_form):
    login(organiser)
    client.post("/manage/events/new", data=event_form())
    response = client.post("/manage/events/new", data=event_form(capacity=""))
    assert response.headers["Location"] == "/manage/events/green-deal-evening-2"
    assert _event("green-deal-evening-2").capacity is None


def test_the_form_shows_times_in_brussels_time_when_editing(client, login, organiser,
                                                           make_event):
    event = make_event(organisers=[organiser],
                       starts_at=datetime(2030, 5, 14, 17, 30, tzinfo=UTC))
    login(organiser)
    page = client.get(f"/manage/events/{event.slug}/edit").get_data(as_text=True)
    assert 'value="2030-05-14T19:30"' in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_at": "2030-05-14T18:00"}, "ends_at", "The end must be after the start."),
        ({"registration_opens_at": "2030-05-10T10:00",
          "registration_closes_at": "2030-05-09T10:00"},
         "registration_closes_at", "Registration must close after it opens."),
        ({"online_url": "not a link"}, "online_url", "Enter the online link as a full web address"),
        ({"online_url": "javascript://example.org/x"}, "online_url",
         "Enter the online link as a full web address"),
        ({"slug": "Bad Slug!"}, "slug", "only hold lowercase letters, digits and hyphens"),
        ({"title_nl": ""}, "title_nl", "Enter a title, in Dutch, English or both."),
        ({"starts_at": "tomorrow"}, "starts_at", "Enter start as a date and time"),
        ({"starts_at": "0001-01-01T00:00"}, "starts_at", "Enter start between 2000-01-01"),
        ({"registration_opens_at": "99999-01-01T00:00"}, "registration_opens_at",
         "Enter registration opens as a date and time"),
        ({"capacity": "-3"}, "capacity", "Enter a number of places of 0 or more."),
        ({"organiser_emails": "nobody@example.org"}, "organiser_emails",
         "nobody@example.org is not an organiser on this platform"),
    ],
)
def test_invalid_event_is_refused_naming_the_field_and_keeping_the_input(
    client, login, organiser, event_form, overrides, field, message
):
    login(organiser)
    response = client.post("/manage/events/new",
                           data=event_form(summary="My carefully typed summary", **overrides),
                           headers=EN)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert f'href="#{field}"' in page
    assert "My carefully typed summary" in page
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0


def test_a_typed_organiser_address_comes_back_escaped_in_the_error(
    client, login, organiser, event_form
):
    login(organiser)
    response = client.post("/manage/events/new",
                           data=event_form(organiser_emails="tom&jerry@example.org"),
                           headers=EN)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "tom&amp;jerry@example.org is not an organiser on this platform" in page


def test_a_slug_used_by_another_event_is_refused(client, login, organiser, event_form,
                                                 make_event):
    make_event(slug="taken")
    login(organiser)
    response = client.post("/manage/events/new", data=event_form(slug="taken"), headers=EN)
    assert response.status_code == 422
    assert "Another event already uses this web address." in response.get_data(as_text=True)


def test_organiser_cannot_remove_themselves(client, login, organiser, other_organiser,
                                           event_form):
    login(organiser)
    response = client.post("/manage/events/new",
                           data=event_form(organiser_emails="otto@example.org"), headers=EN)
    assert response.status_code == 422
    assert "You cannot remove yourself" in response.get_data(as_text=True)


def test_editing_an_event_changes_it_and_bumps_its_calendar_sequence(
    client, login, organiser, make_event, event_form, make_action
):
    action = make_action(code="B07")
    event = make_event(organisers=[organiser], slug="evening", title="Old title")
    event.updated_at = datetime(2020, 1, 1, tzinfo=UTC)
    login(organiser)
    response = client.post(
        f"/manage/events/{event.slug}/edit",
        data=event_form(title="New title", slug="evening", topic=event.topic,
                        actions=[str(action.id)]),
    )
    assert response.status_code == 302
    changed = _event("evening")
    assert changed.title == "New title"
    assert [a.code for a in changed.actions] == ["B07"]
    assert changed.updated_at > datetime(2024, 1, 1, tzinfo=UTC)


def test_lowering_capacity_below_confirmed_places_is_refused(client, login, organiser,
                                                            make_event, event_form):
    event = make_event(organisers=[organiser], slug="small", capacity=5, confirmed_count=4)
    login(organiser)
    response = client.post(f"/manage/events/{event.slug}/edit",
                           data=event_form(slug="small", capacity="2", topic=event.topic),
                           headers=EN)
    assert response.status_code == 422
    assert 'href="#capacity"' in response.get_data(as_text=True)
    assert _event("small").capacity == 5


def test_publishing_puts_the_event_in_the_catalogue_and_the_audit_log(client, login,
                                                                     organiser, make_event):
    event = make_event(organisers=[organiser], status=EventStatus.DRAFT, slug="soon")
    login(organiser)
    assert client.get("/events/soon").status_code == 404
    response = client.post("/manage/events/soon/publish")
    assert response.status_code == 302
    assert client.get("/events/soon").status_code == 200
    [entry] = _audit("event.publish")
    assert entry.actor_id == organiser.id and entry.target_id == event.id


def test_unpublishing_takes_the_event_out_of_the_catalogue(client, login, organiser,
                                                           make_event):
    make_event(organisers=[organiser], slug="public")
    login(organiser)
    client.post("/manage/events/public/unpublish")
    assert _event("public").status == EventStatus.DRAFT
    assert client.get("/events/public").status_code == 404


def test_duplicate_is_a_draft_with_a_new_slug_and_no_registrations(client, login, organiser,
                                                                   make_event, make_action):
    action = make_action()
    make_event(organisers=[organiser], slug="original", capacity=10, confirmed_count=6,
               waiting_count=0, actions=[action], registration_paused=True)
    login(organiser)
    response = client.post("/manage/events/original/duplicate")
    assert response.headers["Location"] == "/manage/events/original-copy/edit"
    copy = _event("original-copy")
    assert copy.status == EventStatus.DRAFT
    assert (copy.confirmed_count, copy.waiting_count, copy.registration_paused) == (0, 0, False)
    assert copy.capacity == 10 and copy.actions == [action]
    assert copy.organisers == [organiser]
    client.post("/manage/events/original/duplicate")
    assert _event("original-copy-2") is not None


def test_cancelling_asks_first_then_marks_the_event_cancelled(client, login, organiser,
                                                             make_event):
    make_event(organisers=[organiser], slug="doomed")
    login(organiser)
    page = client.get("/manage/events/doomed/cancel", headers=EN).get_data(as_text=True)
    assert "Cancel this event?" in page
    assert _event("doomed").status == EventStatus.PUBLISHED
    client.post("/manage/events/doomed/cancel")
    event = _event("doomed")
    assert event.status == EventStatus.CANCELLED
    assert event.cancelled_at is not None
    assert len(_audit("event.cancel")) == 1
    public = client.get("/events/doomed", headers=EN).get_data(as_text=True)
    assert "This event has been cancelled." in public
    # A cancelled event can no longer be published or edited.
    client.post("/manage/events/doomed/publish")
    assert _event("doomed").status == EventStatus.CANCELLED


def test_my_events_lists_only_the_events_i_organise(client, login, organiser,
                                                    other_organiser, make_event):
    make_event(organisers=[organiser], title="Mine")
    make_event(organisers=[other_organiser], title="Theirs")
    login(organiser)
    page = client.get("/manage/events").get_data(as_text=True)
    assert "Mine" in page and "Theirs" not in page


def test_admin_sees_and_manages_every_event(client, login, admin, organiser, make_event):
    make_event(organisers=[organiser], title="Olga's evening", slug="olga")
    login(admin)
    assert "Olga&#39;s evening" in client.get("/manage/events").get_data(as_text=True)
    assert client.get("/manage/events/olga/edit").status_code == 200
    assert client.post("/manage/events/olga/unpublish").status_code == 302
    assert _event("olga").status == EventStatus.DRAFT


def test_residents_get_403_on_the_organisers_pages(client, login, make_user):
    login(make_user(roles=(Role.RESIDENT,)))
    assert client.get("/manage/events").status_code == 403
    assert client.get("/manage/events/new").status_code == 403


def test_unknown_event_is_not_found(client, login, organiser):
    login(organiser)
    assert client.get("/manage/events/nothing-here").status_code == 404


def test_starts_in_the_past_are_kept_as_typed(client, login, organiser, event_form):
    # Entering past events (to record what happened) is allowed; nothing is shifted.
    login(organiser)
    client.post("/manage/events/new", data=event_form(starts_at="2020-01-01T10:00",
                                                      ends_at="2020-01-01T11:00"))
    event = _event("green-deal-evening")
    assert event.ends_at - event.starts_at == timedelta(hours=1)


def test_cancelling_an_event_mails_every_registrant_and_everyone_waiting(
    client, login, organiser, make_event, add_registration
):
    from participation.mail.models import OutboxMessage
    from participation.registrations.models import Registration, RegistrationStatus

    event = make_event(organisers=[organiser], slug="called-off", capacity=1)
    add_registration(event, email="placed@example.org")
    add_registration(event, email="waiting@example.org", status=RegistrationStatus.WAITING)
    add_registration(event, email="gone@example.org", status=RegistrationStatus.CANCELLED)
    login(organiser)
    client.post("/manage/events/called-off/cancel")
    recipients = sorted(db.session.scalars(
        sa.select(OutboxMessage.recipient)
        .where(OutboxMessage.kind == "registration_event_cancelled")))
    assert recipients == ["placed@example.org", "waiting@example.org"]
    statuses = set(db.session.scalars(sa.select(Registration.status)))
    assert statuses == {RegistrationStatus.CANCELLED}
    db.session.expire_all()
    assert (event.confirmed_count, event.waiting_count) == (0, 0)


def test_editing_details_and_raising_capacity_together_keeps_both_and_promotes(
    client, login, organiser, make_event, event_form, add_registration
):
    from participation.registrations.models import RegistrationStatus

    event = make_event(organisers=[organiser], slug="grow", capacity=1)
    add_registration(event)
    waiting = add_registration(event, status=RegistrationStatus.WAITING)
    login(organiser)
    response = client.post("/manage/events/grow/edit", data=event_form(
        slug="grow", title="Bigger room", capacity="2", topic=event.topic))
    assert response.status_code == 302
    changed = _event("grow")
    assert (changed.title, changed.capacity, changed.confirmed_count) == ("Bigger room", 2, 2)
    assert waiting.status == RegistrationStatus.CONFIRMED
