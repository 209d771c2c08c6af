"""Add-to-calendar links (Google, Outlook, .ics) and webcal:// subscriptions."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import icalendar

from participation.extensions import db
from participation.mail.models import OutboxMessage
from participation.mail.services import render_pending
from participation.registrations import services as registration_services


def _links(html: str) -> list[str]:
    import re

    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', html)]


def test_event_page_offers_google_outlook_and_ics_with_the_events_times(client, make_event):
    event = make_event(title="Climate café", starts_at=datetime(2031, 3, 5, 18, 0, tzinfo=UTC),
                       ends_at=datetime(2031, 3, 5, 20, 0, tzinfo=UTC))
    db.session.commit()
    links = _links(client.get(f"/events/{event.slug}").get_data(as_text=True))
    google = next(u for u in links if u.startswith("https://calendar.google.com/"))
    query = parse_qs(urlsplit(google).query)
    assert query["text"] == ["Climate café"]
    assert query["dates"] == ["20310305T180000Z/20310305T200000Z"]
    assert "De Krook" in query["location"][0]
    outlook = next(u for u in links if u.startswith("https://outlook.live.com/"))
    query = parse_qs(urlsplit(outlook).query)
    assert query["startdt"] == ["2031-03-05T18:00:00+00:00"]
    assert query["subject"] == ["Climate café"]
    assert f"/events/{event.slug}.ics" in links


def test_catalogue_offers_webcal_subscriptions_for_all_and_for_the_chosen_topic(
    client, make_event, make_topic
):
    topic = make_topic(slug="green-deal")
    make_event(topic=topic)
    db.session.commit()
    links = _links(client.get("/events").get_data(as_text=True))
    assert "webcal://localhost/calendar.ics" in links
    links = _links(client.get("/events?topic=green-deal").get_data(as_text=True))
    assert "webcal://localhost/topics/green-deal/calendar.ics" in links


def test_feed_asks_calendars_to_refresh_every_six_hours_as_a_duration(client, make_event):
    make_event()
    db.session.commit()
    calendar = icalendar.Calendar.from_ical(client.get("/calendar.ics").data)
    assert calendar["REFRESH-INTERVAL"].to_ical() == b"PT6H"
    assert calendar["X-PUBLISHED-TTL"].to_ical() == b"PT6H"


def test_confirmation_mail_carries_the_add_to_calendar_links(app, make_event):
    event = make_event()
    registration_services.register(event, name="An", email="an@example.org", locale="en")
    db.session.commit()
    render_pending()  # the worker writes the registration mails
    mail = db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.kind == "registration_confirmed")
    ).one()
    assert "https://calendar.google.com/calendar/render?" in mail.body_text
    assert "https://outlook.live.com/calendar/0/deeplink/compose?" in mail.body_html
    assert f"/events/{event.slug}.ics" in mail.body_text
