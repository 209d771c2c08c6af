"""Findings of the independent attack (issue 12), each reproduced and shown closed.

Every test here failed on the code the attack ran against. SECURITY.md names the finding
each one guards.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import icalendar
import pytest
import sqlalchemy as sa

from participation.accounts.models import Role
from participation.audit.models import AuditEntry
from participation.database import utcnow
from participation.events import services_manage
from participation.extensions import db
from participation.mail.models import OutboxMessage
from participation.mail.services import queue_mail, render_pending
from participation.registrations import organiser_messages
from participation.registrations import services as registrations

from .conftest import PASSWORD, password_hash

EN = {"Accept-Language": "en"}
SECRET_ROOM = "https://meet.example.org/secret-room-4711"


def outbox(recipient: str | None = None) -> list[OutboxMessage]:
    db.session.commit()
    render_pending()  # registration mails are written by the worker
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if recipient:
        query = query.where(OutboxMessage.recipient == recipient)
    return list(db.session.scalars(query))


def without_tokens(html: str) -> str:
    """A page with its per-request CSRF tokens and nonces blanked out, for comparing."""
    html = re.sub(r'name="csrf_token" type="hidden" value="[^"]*"', "", html)
    html = re.sub(r'value="[^"]*" name="csrf_token"', "", html)
    return re.sub(r'nonce="[^"]*"', "", html)


def register_form(email: str, name: str = "Ann Peeters") -> dict:
    return {"name": name, "email": email, "consent": "y", "needs_other": ""}


# --- 1. the online meeting link -----------------------------------------------------------


@pytest.fixture
def online_event(make_event):
    event = make_event(slug="online-evening", venue_name=None, address=None,
                       online_url=SECRET_ROOM, capacity=1)
    db.session.commit()
    return event


def test_public_pages_calendars_json_ld_and_the_api_never_carry_the_online_link(
    client, online_event
):
    for path in ("/events/online-evening", "/events/online-evening.ics", "/calendar.ics",
                 "/api/v1/events/online-evening", "/api/v1/events", "/events"):
        response = client.get(path, headers=EN)
        assert response.status_code == 200, path
        assert "secret-room" not in response.get_data(as_text=True), path
    api = client.get("/api/v1/events/online-evening").get_json()
    assert api["online"] is True and "online_url" not in api
    document = client.get("/api/v1/openapi.json").get_data(as_text=True)
    assert "online_url" not in document
    assert "never public" in document


def test_only_a_confirmed_registrant_gets_the_online_link(client, online_event):
    confirmed = registrations.register(online_event, name="Ann", email="ann@example.org")
    waiting = registrations.register(online_event, name="Bob", email="bob@example.org")
    db.session.commit()
    [mail] = outbox("ann@example.org")
    assert SECRET_ROOM in mail.body_text
    token = registrations.manage_token(confirmed.registration)
    assert SECRET_ROOM in client.get(f"/registrations/{token}", headers=EN).get_data(
        as_text=True)
    ics = icalendar.Calendar.from_ical(client.get(f"/registrations/{token}/calendar.ics").data)
    assert str(ics.walk("VEVENT")[0]["LOCATION"]) == SECRET_ROOM

    [notice] = outbox("bob@example.org")
    assert "secret-room" not in notice.body_text
    token = registrations.manage_token(waiting.registration)
    assert "secret-room" not in client.get(f"/registrations/{token}").get_data(as_text=True)
    assert b"secret-room" not in client.get(f"/registrations/{token}/calendar.ics").data


# --- 2. who attends what ------------------------------------------------------------------


def test_registering_a_known_and_a_new_address_look_the_same(client, make_event):
    event = make_event(slug="evening", capacity=5)
    registrations.register(event, name="Victim", email="victim@example.org")
    db.session.commit()
    before = len(outbox())

    known = client.post("/events/evening/register", data=register_form("victim@example.org"),
                        headers=EN)
    new = client.post("/events/evening/register", data=register_form("new@example.org"),
                      headers=EN)
    assert known.status_code == new.status_code == 303
    assert known.location == new.location
    assert without_tokens(client.get(known.location, headers=EN).get_data(as_text=True)) == \
        without_tokens(client.get(new.location, headers=EN).get_data(as_text=True))
    # Each address got exactly one mail, and only the mail says which case applies.
    queued = outbox()[before:]
    assert sorted((m.recipient, m.kind) for m in queued) == [
        ("new@example.org", "registration_confirmed"),
        ("victim@example.org", "registration_link"),
    ]


# --- 3. account enumeration ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["/account/forgot-password", "/account/verify"])
def test_known_and_unknown_addresses_get_the_same_answer_and_only_a_queued_mail(
    client, make_user, path
):
    make_user(email="known@example.org", verified=path == "/account/forgot-password")
    db.session.commit()
    known = client.post(path, data={"email": "known@example.org"}, headers=EN)
    unknown = client.post(path, data={"email": "unknown@example.org"}, headers=EN)
    assert known.status_code == unknown.status_code == 302
    assert known.location == unknown.location
    assert sorted(known.headers.getlist("Set-Cookie")) == \
        sorted(unknown.headers.getlist("Set-Cookie"))
    assert without_tokens(client.get(known.location, headers=EN).get_data(as_text=True)) == \
        without_tokens(client.get(unknown.location, headers=EN).get_data(as_text=True))
    # What they do differs only in the outbox, which the visitor cannot see.
    assert [m.recipient for m in outbox()] == ["known@example.org"]


# --- 4. signing out ------------------------------------------------------------------------


@pytest.fixture
def resident(make_user):
    user = make_user(email="res@example.org")
    user.password_hash = password_hash()
    db.session.commit()
    return user


def _signed_in_cookies(client, remember: bool) -> dict:
    data = {"email": "res@example.org", "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/account/sign-in", data=data).status_code == 302
    names = ("session", "remember_token")
    return {n: client.get_cookie(n).value for n in names if client.get_cookie(n)}


@pytest.mark.parametrize("cookie", ["session", "remember_token"])
def test_a_cookie_copied_before_sign_out_opens_nothing_after_it(app, client, resident, cookie):
    copied = _signed_in_cookies(client, remember=True)
    assert client.get("/account").status_code == 200
    assert client.post("/account/sign-out").status_code == 302

    thief = app.test_client()
    thief.set_cookie(cookie, copied[cookie])
    for path in ("/account", "/account/my-data.json"):
        response = thief.get(path)
        assert response.status_code == 302, (cookie, path)
        assert "/account/sign-in" in response.location


def test_the_csrf_token_from_before_sign_in_is_void_after_it(app, resident):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    page = client.get("/account/sign-in").get_data(as_text=True)
    before = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/account/sign-in", data={
        "email": "res@example.org", "password": PASSWORD, "csrf_token": before})
    assert response.status_code == 302
    changed = client.post("/account", data={
        "csrf_token": before, "name": "Hijacked", "locale": "en"}, headers=EN)
    assert changed.status_code == 400
    db.session.refresh(resident)
    assert resident.name != "Hijacked"


# --- 7. pre-account takeover ---------------------------------------------------------------


def _verification_link(recipient: str) -> str:
    [mail] = [m for m in outbox(recipient) if m.kind == "verify_email"]
    return re.search(r"https?://[^/\s]+(/account/verify/\S+)", mail.body_text).group(1)


def test_a_strangers_sign_up_cannot_be_verified_by_the_owner_of_the_address(
    app, client, make_event
):
    event = make_event()
    registrations.register(event, name="Victim", email="victim@example.org")
    db.session.commit()
    attacker_password = "attacker chose this one"
    client.post("/account/sign-up", data={"name": "Victim", "email": "victim@example.org",
                                          "password": attacker_password})
    link = _verification_link("victim@example.org")

    victim = app.test_client()  # the owner follows the link in their mailbox
    assert victim.get(link, headers=EN).status_code == 200
    refused = victim.post(link, data={"password": "whatever the victim tries"}, headers=EN)
    assert refused.status_code == 422
    attacker = app.test_client()
    signed_in = attacker.post("/account/sign-in", data={
        "email": "victim@example.org", "password": attacker_password})
    assert signed_in.status_code == 422  # still unconfirmed: no way in
    from participation.accounts.models import User

    user = db.session.scalar(sa.select(User).where(User.email == "victim@example.org"))
    assert not user.email_verified
    assert registrations.registrations_of_user(user) == []
    from participation.privacy.services import personal_data, registrations_of

    assert registrations_of(user) == []
    assert personal_data(user)["registrations"] == []


def test_the_one_who_signed_up_confirms_with_their_password_and_then_sees_their_history(
    client, make_event
):
    event = make_event()
    registrations.register(event, name="Ann", email="ann@example.org")
    db.session.commit()
    client.post("/account/sign-up", data={"name": "Ann", "email": "ann@example.org",
                                          "password": PASSWORD})
    link = _verification_link("ann@example.org")
    confirmed = client.post(link, data={"password": PASSWORD}, headers=EN)
    assert confirmed.status_code == 302
    assert event.title in client.get("/my/registrations", headers=EN).get_data(as_text=True)


# --- 9. small groups in row-level exports -------------------------------------------------


@pytest.fixture
def small_group(make_action, make_user):
    from participation.accounts.models import AgeBand
    from participation.feedback.models import Opinion, Stance

    lonely, crowded = make_action(code="A03"), make_action(code="A04")
    single = make_user(postcode="9000", age_band=AgeBand.AGE_25_34)
    db.session.add(Opinion(action=lonely, user_id=single.id, stance=Stance.SUPPORT, body="Mine",
                           postcode="9000", age_band=AgeBand.AGE_25_34))
    db.session.add(Opinion(action=crowded, user_id=single.id, stance=Stance.SUPPORT,
                           body="Also mine", postcode="9000", age_band=AgeBand.AGE_25_34))
    for n in range(5):
        other = make_user()
        db.session.add(Opinion(action=crowded, user_id=other.id, stance=Stance.OPPOSE,
                               body=f"Other {n}", postcode="9000",
                               age_band=AgeBand.AGE_25_34))
    db.session.commit()


def _export(client, query: str) -> list[dict]:
    text = client.get(f"/staff/exports/opinions.csv?{query}").data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_a_row_level_staff_export_never_shows_demographics_of_a_group_under_five(
    client, login, make_user, small_group
):
    login(make_user(roles=(Role.STAFF,)))
    summary = client.get("/staff/exports/summary.csv?action=A03").data.decode("utf-8-sig")
    assert '"postcode","9000","<5"' in summary
    [row] = _export(client, "action=A03")
    assert row["postcode"] == "<5" and row["age_band"] == "<5"
    # With the wider filter the group has 6 authors: then it may show.
    assert {r["postcode"] for r in _export(client, "action=A04")} == {"9000"}


def test_pseudonyms_cannot_join_a_narrow_export_to_a_wide_one(
    client, login, make_user, small_group
):
    login(make_user(roles=(Role.STAFF,)))
    [narrow] = _export(client, "action=A03")
    wide = _export(client, "")
    assert narrow["author_pseudonym"] not in {r["author_pseudonym"] for r in wide}
    again = _export(client, "")
    pseudonyms = [r["author_pseudonym"] for r in wide if r["text"] in ("Mine", "Also mine")]
    assert len(set(pseudonyms)) == 1  # one person is one pseudonym within an export
    assert pseudonyms[0] not in {r["author_pseudonym"] for r in again}


def test_an_admins_export_with_exact_demographics_is_audited_as_such(
    client, login, make_user, small_group
):
    login(make_user(roles=(Role.ADMIN,)))
    [row] = _export(client, "action=A03")
    assert row["postcode"] == "9000"
    entry = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "export.opinions")).one()
    assert entry.details["exact_demographics"] is True
    assert entry.details["personal_data"] is True


# --- 10. the co-organiser field -----------------------------------------------------------


def test_the_co_organiser_field_does_not_tell_whether_an_address_has_an_account(
    make_user, make_topic
):
    organiser = make_user(roles=(Role.ORGANISER,))
    make_user(email="resident@example.org")
    topic = make_topic()
    messages = []
    for email in ("resident@example.org", "nobody@example.org"):
        details = services_manage.EventDetails(
            title_nl="Evening", summary_nl="s", description_nl="d", topic_id=topic.id,
            starts_at=utcnow() + timedelta(days=3), ends_at=utcnow() + timedelta(days=3, hours=2),
            address="Somewhere 1, 9000 Gent", organiser_emails=[email])
        with pytest.raises(services_manage.EventError) as error:
            services_manage.create_event(details, by=organiser)
        messages.append(str(error.value.message).replace(email, "ADDRESS"))
    assert messages[0] == messages[1]


# --- 11. file parts in place of text fields -----------------------------------------------


@pytest.mark.parametrize("path", ["/account/sign-in", "/account/forgot-password",
                                  "/account/verify", "/account/sign-up",
                                  "/events/evening/register"])
def test_a_file_part_sent_as_a_text_field_is_a_form_error_not_a_crash(client, make_event, path):
    make_event(slug="evening")
    db.session.commit()
    data = {"email": (io.BytesIO(b"x@example.org"), "email.txt"), "name": "Ann",
            "password": PASSWORD, "consent": "y"}
    response = client.post(path, data=data, content_type="multipart/form-data", headers=EN)
    assert response.status_code == 422, path
    assert "e-mail" in response.get_data(as_text=True).lower()


# --- 12. the smaller findings -------------------------------------------------------------


@pytest.mark.parametrize("title", ["Evening\r\nBcc: all@example.org", "Evening\nX",
                                   "Evening \u202egnineve"])
def test_line_breaks_and_bidi_controls_are_refused_in_event_titles(make_user, make_topic,
                                                                    title):
    organiser = make_user(roles=(Role.ORGANISER,))
    details = services_manage.EventDetails(
        title_nl=title, summary_nl="s", description_nl="d", topic_id=make_topic().id,
        starts_at=utcnow() + timedelta(days=3), ends_at=utcnow() + timedelta(days=3, hours=2),
        address="Somewhere 1, 9000 Gent")
    with pytest.raises(services_manage.EventError) as error:
        services_manage.create_event(details, by=organiser)
    assert error.value.field == "title_nl"


def test_line_breaks_are_refused_in_message_subjects(make_event, make_user):
    event = make_event()
    with pytest.raises(organiser_messages.MessageError) as error:
        organiser_messages.send_organiser_message(
            event, organiser_messages.MessageGroup.CONFIRMED, "Hi\r\nBcc: x@example.org",
            "Body", by=make_user(roles=(Role.ORGANISER,)))
    assert error.value.field == "subject"


def test_a_subject_that_got_a_line_break_anyway_is_queued_on_one_line(app, make_event):
    event = make_event(title="Old\nevent")  # written before titles were checked
    registration = registrations.register(event, name="Ann", email="ann@example.org")
    message = outbox("ann@example.org")[0]
    assert "\n" not in message.subject and "Old event" in message.subject
    again = queue_mail("registration_link", "ann@example.org", "A\r\nB", "en",
                       {"registration": registration.registration, "event": event,
                        "manage_url": "x", "event_url": "y"})
    assert again.subject == "A B"


@pytest.mark.parametrize("name", ["Ann\u202e", "\u2066Ann", "Ann\r\nPeeters"])
def test_bidi_controls_and_line_breaks_are_refused_in_names(client, make_event, name):
    event = make_event(slug="evening")
    db.session.commit()
    response = client.post("/events/evening/register",
                           data=register_form("ann@example.org", name=name), headers=EN)
    assert response.status_code == 422
    assert "on one line" in response.get_data(as_text=True)
    with pytest.raises(registrations.RegistrationError):
        registrations.register(event, name=name, email="ann@example.org")


def test_pages_reached_by_a_manage_link_are_never_cached(client, make_event):
    result = registrations.register(make_event(), name="Ann", email="ann@example.org")
    db.session.commit()
    token = registrations.manage_token(result.registration)
    for path in ("", "/cancel", "/calendar.ics"):
        response = client.get(f"/registrations/{token}{path}")
        assert response.status_code == 200, path
        assert "no-store" in response.headers["Cache-Control"], path


def test_the_attendee_csv_names_its_charset_once(client, login, make_user, make_event):
    organiser = make_user(roles=(Role.ORGANISER,))
    event = make_event(slug="evening", organisers=[organiser])
    login(organiser)
    response = client.get("/manage/events/evening/attendees.csv")
    assert event and response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_reading_the_audit_log_is_itself_audited(client, login, make_user):
    admin = login(make_user(roles=(Role.ADMIN,)))
    assert client.get("/admin/audit?action=role.grant").status_code == 200
    entry = db.session.scalars(sa.select(AuditEntry)).one()
    assert entry.actor_id == admin.id and entry.action == "personal_data.view"
    assert entry.details["page"] == "admin.audit_log"



# --- 6. CSV read with ";" as the list separator -------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@")
SPLITTING_NAME = "Piet;=cmd|' /C calc'!A0;x"


def _cells_as_a_spreadsheet_may_split_them(data: bytes) -> list[str]:
    """Every cell, split on "," as written and on ";" as a Belgian Excel reads it."""
    text = data.decode("utf-8-sig")
    return [cell.strip() for delimiter in (",", ";")
            for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]


def test_every_attendee_csv_cell_is_quoted_so_no_formula_cell_appears_with_semicolons(
    client, login, make_user, make_event
):
    organiser = make_user(roles=(Role.ORGANISER,))
    event = make_event(slug="evening", organisers=[organiser])
    registrations.register(event, name=SPLITTING_NAME, email="piet@example.org")
    login(organiser)
    data = client.get("/manage/events/evening/attendees.csv").data
    for line in data.decode("utf-8-sig").splitlines():
        assert line.startswith('"') and line.endswith('"'), line
    cells = _cells_as_a_spreadsheet_may_split_them(data)
    assert not [c for c in cells if c.lstrip('"').startswith(FORMULA_STARTS)]


def test_every_opinion_csv_cell_is_quoted(client, login, make_user, make_action):
    from participation.feedback.models import Opinion, Stance

    action = make_action(code="A03")
    db.session.add(Opinion(action=action, user_id=make_user().id, stance=Stance.SUPPORT,
                           body=SPLITTING_NAME))
    login(make_user(roles=(Role.STAFF,)))
    data = client.get("/staff/exports/opinions.csv").data
    for line in data.decode("utf-8-sig").splitlines():
        assert line.startswith('"') and line.endswith('"'), line
    cells = _cells_as_a_spreadsheet_may_split_them(data)
    assert not [c for c in cells if c.lstrip('"').startswith(FORMULA_STARTS)]
