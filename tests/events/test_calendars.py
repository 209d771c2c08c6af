"""Calendar files: one per event and subscribable feeds, RFC 5545 with Brussels times."""

from __future__ import annotations

from datetime import UTC, datetime

import icalendar

from participation.events.models import EventStatus
from participation.extensions import db


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return icalendar.Calendar.from_ical(response.data)


def test_event_ics_parses_back_with_brussels_times_and_a_stable_uid(client, make_event):
    event = make_event(title="Climate plan café",
                       starts_at=datetime(2030, 6, 1, 17, 0, tzinfo=UTC),
                       ends_at=datetime(2030, 6, 1, 19, 0, tzinfo=UTC))
    db.session.commit()
    first = parse(client.get(f"/events/{event.slug}.ics"))
    [vevent] = first.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Climate plan café"
    start = vevent.decoded("DTSTART")
    assert str(start.tzinfo) == "Europe/Brussels"
    assert start.hour == 19  # 17:00 UTC is 19:00 in Brussels summer time
    assert vevent.decoded("DTEND").astimezone(UTC) == event.ends_at
    assert first.walk("VTIMEZONE")[0]["TZID"] == "Europe/Brussels"
    assert "De Krook" in str(vevent["LOCATION"])

    event.title_nl = "Climate plan café (new room)"
    db.session.commit()
    [again] = parse(client.get(f"/events/{event.slug}.ics")).walk("VEVENT")
    assert again["UID"] == vevent["UID"]


def test_cancelled_event_ics_says_cancelled(client, make_event):
    event = make_event(status=EventStatus.CANCELLED)
    db.session.commit()
    [vevent] = parse(client.get(f"/events/{event.slug}.ics")).walk("VEVENT")
    assert vevent["STATUS"] == "CANCELLED"


def test_feeds_hold_every_published_event_and_per_topic_only_that_topic(
    client, make_event, make_topic
):
    green = make_topic(slug="european-green-deal")
    make_event(title="Green one", topic=green)
    make_event(title="Other one")
    make_event(title="Draft one", status=EventStatus.DRAFT)
    db.session.commit()
    all_titles = {str(v["SUMMARY"]) for v in parse(client.get("/calendar.ics")).walk("VEVENT")}
    assert all_titles == {"Green one", "Other one"}
    topic_feed = parse(client.get("/topics/european-green-deal/calendar.ics"))
    assert {str(v["SUMMARY"]) for v in topic_feed.walk("VEVENT")} == {"Green one"}
    assert client.get("/topics/nope/calendar.ics").status_code == 404
