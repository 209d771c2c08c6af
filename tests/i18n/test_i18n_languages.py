"""Pages speak Dutch unless English is asked for; mails speak the registrant's language."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from participation.extensions import db
from participation.mail.models import OutboxMessage
from participation.mail.services import render_pending
from participation.registrations import services as registrations

REGISTRATION = {"name": "An Peeters", "email": "an@example.org", "consent": "y"}


def mails_to(address: str) -> list[OutboxMessage]:
    """The mails to the address, written as the worker writes them before sending."""
    db.session.commit()
    render_pending()
    return list(db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == address)
        .order_by(OutboxMessage.id)
    ))


def test_pages_are_dutch_by_default(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert "Geef je mening over het internationaal beleid van Gent" in page
    assert "Ga naar de hoofdinhoud" in page


def test_pages_are_dutch_for_a_browser_asking_for_a_language_we_do_not_offer(client):
    page = client.get("/", headers={"Accept-Language": "fr-BE,fr;q=0.9"}).get_data(as_text=True)
    assert "Geef je mening" in page


def test_pages_are_english_when_the_browser_asks_for_it(client):
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Skip to main content" in page and "Find an event" in page


def test_the_chosen_language_wins_over_the_browser_and_is_remembered(client):
    client.get("/language/en?next=/events")
    page = client.get("/events", headers={"Accept-Language": "nl-BE"}).get_data(as_text=True)
    assert "<h1>Events</h1>" in page
    client.get("/language/nl?next=/events")
    page = client.get("/events", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<h1>Evenementen</h1>" in page


def test_form_errors_are_translated(client, make_event):
    make_event(slug="avond")
    db.session.commit()
    page = client.post("/events/avond/register", data={}).get_data(as_text=True)
    assert "Er is een probleem" in page
    assert "Vul je naam in." in page
    page = client.post("/events/avond/register", data={},
                       headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "There is a problem" in page and "Enter your name." in page


def test_dates_and_times_are_formatted_for_the_language_in_brussels_time(client, make_event):
    # 18:00 UTC on 5 March 2030 is 19:00 in Brussels (winter time).
    starts = datetime(2030, 3, 5, 18, 0, tzinfo=UTC)
    make_event(slug="maart", starts_at=starts, ends_at=starts.replace(hour=20))
    db.session.commit()
    dutch = client.get("/events/maart").get_data(as_text=True)
    assert "dinsdag 5 maart 2030" in dutch and "19:00" in dutch and "21:00" in dutch
    english = client.get("/events/maart", headers={"Accept-Language": "en"}).get_data(as_text=True)
    # British English as read in Belgium: day before month, 24-hour clock.
    assert "Tuesday, 5 March 2030, 19:00–21:00" in english


def test_the_registration_mail_is_in_the_language_the_resident_registered_in(client, make_event):
    make_event(slug="avond", title="Green Deal-avond")
    db.session.commit()
    client.post("/events/avond/register", data=REGISTRATION)
    client.post("/events/avond/register", headers={"Accept-Language": "en"},
                data={**REGISTRATION, "email": "ann@example.org"})
    [dutch] = mails_to("an@example.org")
    assert dutch.subject == "Je plaats voor Green Deal-avond is bevestigd"
    assert "Je plaats is bevestigd." in dutch.body_text
    assert "Je plaats is bevestigd." in dutch.body_html
    [english] = mails_to("ann@example.org")
    assert english.subject == "Your place at Green Deal-avond is confirmed"
    assert "Your place is confirmed." in english.body_text


def test_later_mails_keep_the_registrants_language_whoever_triggers_them(
    make_event, make_user
):
    event = make_event(title="Avond", capacity=1)
    first = registrations.register(event, name="Jo", email="jo@example.org", locale="nl")
    registrations.register(event, name="Sam", email="sam@example.org", locale="en")
    registrations.cancel(first.registration)
    promoted = mails_to("sam@example.org")[-1]
    assert promoted.subject == "A place came free: you can come to Avond"
    cancelled = mails_to("jo@example.org")[-1]
    assert cancelled.subject == "Je inschrijving voor Avond is geannuleerd"


def test_a_signed_in_resident_gets_pages_and_mails_in_their_own_language(
    client, login, make_user, make_event
):
    make_event(slug="avond", title="Avond")
    user = login(make_user(email="emma@example.org", name="Emma", locale="en"))
    page = client.get("/events", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "<h1>Events</h1>" in page
    client.post("/events/avond/register", data={**REGISTRATION, "email": user.email},
                headers={"Accept-Language": "nl"})
    [mail] = mails_to("emma@example.org")
    assert mail.subject == "Your place at Avond is confirmed"


def test_switching_language_while_signed_in_never_changes_the_mail_language(
    client, login, make_user
):
    user = login(make_user(locale="nl"))
    client.get("/language/en?next=/")
    db.session.expire_all()
    assert user.locale == "nl"
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page
    # The switch says so, in the new page language, and points at the setting.
    assert "Our mails to you stay in Dutch." in page
    assert 'href="/account#profile-title"' in page


def test_mails_follow_the_account_setting_not_the_page_language(
    client, login, make_user, make_event
):
    make_event(slug="avond", title_nl="Avond", title_en="Evening", summary_nl="Samen",
               summary_en="Together")
    user = login(make_user(email="emma@example.org", name="Emma", locale="nl"))
    client.get("/language/en?next=/")
    client.post("/events/avond/register", data={**REGISTRATION, "email": user.email})
    [mail] = mails_to("emma@example.org")
    assert mail.subject == "Je plaats voor Avond is bevestigd"


def test_the_mail_language_is_a_setting_of_the_account_page(client, login, make_user):
    user = login(make_user(name="Emma", locale="nl"))
    client.get("/language/en?next=/")
    client.get("/")  # shows (and so clears) the switch's note
    client.post("/account", data={"name": "Emma", "locale": "en"})
    db.session.expire_all()
    assert user.locale == "en"
    # Saving the mail language does not change the pages' language, chosen with the switch.
    client.get("/language/nl?next=/")
    page = client.get("/account").get_data(as_text=True)
    assert '<html lang="nl">' in page and "Taal van onze mails" in page
    assert "Onze mails aan jou blijven in het Engels." in page
    client.post("/account", data={"name": "Emma", "locale": "en"})
    page = client.get("/account").get_data(as_text=True)
    assert '<html lang="nl">' in page and "Je gegevens zijn bewaard." in page
