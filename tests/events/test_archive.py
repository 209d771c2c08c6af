"""The archive of past events, by year and topic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from participation.database import utcnow
from participation.events.models import EventStatus
from participation.extensions import db

EN = {"Accept-Language": "en"}


def test_past_events_are_listed_by_year_then_topic_and_upcoming_ones_are_not(
    client, make_event, make_topic
):
    green, climate = make_topic(), make_topic()
    green.name_en, climate.name_en = "Green Deal", "Climate plan"
    make_event(title="Café 2024", topic=green, starts_at=datetime(2024, 5, 1, 17, tzinfo=UTC))
    make_event(title="Debate 2025", topic=climate,
               starts_at=datetime(2025, 3, 1, 17, tzinfo=UTC))
    make_event(title="Walk 2025", topic=green, starts_at=datetime(2025, 9, 1, 17, tzinfo=UTC))
    make_event(title="Coming up")
    make_event(title="Never public", status=EventStatus.DRAFT,
               starts_at=utcnow() - timedelta(days=30))
    db.session.commit()
    html = client.get("/events/past", headers=EN).get_data(as_text=True)
    assert "Coming up" not in html and "Never public" not in html
    order = [html.index(text) for text in ('id="year-2025"', "Climate plan", "Debate 2025",
                                           "Green Deal", "Walk 2025", 'id="year-2024"',
                                           "Café 2024")]
    assert order == sorted(order)
    assert 'href="/events/past"' in client.get("/events", headers=EN).get_data(as_text=True)
