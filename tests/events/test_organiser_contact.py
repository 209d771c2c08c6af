"""Organiser contact on the event page, and residents' questions mailed to the organisers."""

from __future__ import annotations

import json
import re

from participation.accounts.models import Role
from participation.events.models import EventStatus
from participation.extensions import db
from participation.mail.models import OutboxMessage
from participation.mail.sender import build_message

EN = {"Accept-Language": "en"}


def test_event_page_shows_the_organising_service_mail_and_phone(client, make_event):
    event = make_event(contact_service_nl="Stad Gent, Dienst Internationale Relaties",
                       contact_service_en="City of Ghent, International Relations",
                       contact_email="internationaal@stad.gent", contact_phone="09 210 10 10")
    db.session.commit()
    html = client.get(f"/events/{event.slug}", headers=EN).get_data(as_text=True)
    assert "City of Ghent, International Relations" in html
    assert 'href="mailto:internationaal@stad.gent"' in html
    assert 'href="tel:092101010"' in html
    assert f'href="/events/{event.slug}/question"' in html
    ld = json.loads(re.search(r'application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert ld["organizer"]["email"] == "internationaal@stad.gent"
    dutch = client.get(f"/events/{event.slug}", headers={"Accept-Language": "nl"})
    assert "Dienst Internationale Relaties" in dutch.get_data(as_text=True)


def test_question_is_mailed_to_every_organiser_and_the_contact_with_reply_to(
    client, make_event, make_user
):
    one = make_user(email="one@example.org", roles=[Role.ORGANISER], locale="nl")
    two = make_user(email="two@example.org", roles=[Role.ORGANISER], locale="en")
    event = make_event(organisers=[one, two], contact_email="Team@Stad.Gent")
    db.session.commit()
    assert "Your question" in client.get(f"/events/{event.slug}/question",
                                         headers=EN).get_data(as_text=True)
    response = client.post(f"/events/{event.slug}/question", headers=EN, data={
        "name": "Rita", "email": "rita@example.org", "question": "Is there a creche?\r\nThanks"})
    assert response.status_code == 303
    mails = list(db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.recipient)))
    assert [m.recipient for m in mails] == ["one@example.org", "team@stad.gent",
                                            "two@example.org"]
    assert all(m.headers == {"Reply-To": "rita@example.org"} for m in mails)
    assert "Is there a creche?\nThanks" in mails[0].body_text
    assert build_message(mails[0]).extra_headers["Reply-To"] == "rita@example.org"
    assert mails[0].subject.startswith("Vraag over")  # the Dutch-speaking organiser
    assert mails[2].subject.startswith("Question about")


def test_question_form_keeps_input_and_names_the_field_in_errors(client, make_event):
    event = make_event()
    db.session.commit()
    response = client.post(f"/events/{event.slug}/question", headers=EN, data={
        "name": "Rita", "email": "not-an-address", "question": "Where is the entrance?"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Where is the entrance?" in html and "Your e-mail address" in html
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0


def test_questions_about_cancelled_events_are_refused(client, make_event, make_user):
    event = make_event(status=EventStatus.CANCELLED,
                       organisers=[make_user(roles=[Role.ORGANISER])])
    db.session.commit()
    response = client.post(f"/events/{event.slug}/question", headers=EN, data={
        "name": "Rita", "email": "rita@example.org", "question": "Why?"})
    assert response.status_code == 422
    assert "no longer takes questions" in response.get_data(as_text=True)
    assert client.get("/events/nope/question").status_code == 404


def test_organiser_fills_in_the_contact_on_the_event_form(client, login, make_user, make_event):
    organiser = login(make_user(roles=[Role.ORGANISER]))
    event = make_event(organisers=[organiser])
    db.session.commit()
    form = client.get(f"/manage/events/{event.slug}/edit").get_data(as_text=True)
    assert 'name="contact_phone"' in form
