"""The public event catalogue: filters, pagination, event pages and 404s."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from participation.database import utcnow
from participation.events.models import EventLanguage, EventStatus
from participation.extensions import db

EN = {"Accept-Language": "en"}


def page_text(client, url: str) -> str:
    response = client.get(url, headers=EN)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_list_shows_published_upcoming_events_and_hides_drafts_and_past(client, make_event):
    make_event(title="Published soon")
    make_event(title="Secret draft", status=EventStatus.DRAFT)
    make_event(title="Long gone", starts_at=utcnow() - timedelta(days=30))
    db.session.commit()
    text = page_text(client, "/events")
    assert "Published soon" in text
    assert "Secret draft" not in text
    assert "Long gone" not in text


def test_topic_filter_keeps_only_that_topic(client, make_event, make_topic):
    green = make_topic(slug="european-green-deal")
    make_event(title="Green evening", topic=green)
    make_event(title="Other evening")
    db.session.commit()
    text = page_text(client, "/events?topic=european-green-deal")
    assert "Green evening" in text
    assert "Other evening" not in text


def test_language_filter_includes_bilingual_events(client, make_event):
    make_event(title="English talk", language=EventLanguage.ENGLISH)
    make_event(title="Both languages", language=EventLanguage.BILINGUAL)
    make_event(title="Dutch talk", language=EventLanguage.DUTCH)
    db.session.commit()
    text = page_text(client, "/events?language=en")
    assert "English talk" in text and "Both languages" in text
    assert "Dutch talk" not in text


def test_free_places_filter_drops_full_events(client, make_event):
    full = make_event(title="Packed room", capacity=2)
    full.confirmed_count = 2
    make_event(title="Room to spare", capacity=2)
    make_event(title="No limit", capacity=None)
    db.session.commit()
    text = page_text(client, "/events?free_places=y")
    assert "Packed room" not in text
    assert "Room to spare" in text and "No limit" in text


def test_date_range_filter_uses_brussels_days(client, make_event):
    # 23:30 Brussels time on 10 March is 22:30 UTC: it belongs to 10 March, not 11 March.
    make_event(title="Late evening", starts_at=datetime(2030, 3, 10, 22, 30, tzinfo=UTC))
    make_event(title="Next week", starts_at=datetime(2030, 3, 17, 18, 0, tzinfo=UTC))
    db.session.commit()
    text = page_text(client, "/events?date_from=2030-03-10&date_to=2030-03-10")
    assert "Late evening" in text
    assert "Next week" not in text
    assert "Late evening" not in page_text(client, "/events?date_from=2030-03-11")


def test_text_search_matches_title_and_treats_wildcards_literally(client, make_event):
    make_event(title="Climate café")
    make_event(title="Youth capital")
    db.session.commit()
    text = page_text(client, "/events?q=climate")
    assert "Climate café" in text and "Youth capital" not in text
    assert "No events match" in page_text(client, "/events?q=%25")


def test_invalid_filters_are_reported_on_the_field_not_crashing(client, make_event):
    make_event(title="Still listed")
    db.session.commit()
    response = client.get("/events?date_from=31-31-2020&date_to=nonsense&topic=unknown", headers=EN)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "There is a problem" in text
    assert 'href="#date_from"' in text
    assert "Still listed" in text


def test_end_date_before_start_date_is_explained(client):
    text = page_text(client, "/events?date_from=2030-05-10&date_to=2030-05-01")
    assert "The end date must be on or after the start date." in text


def test_pagination_splits_results_and_keeps_filters(client, make_event, make_topic):
    topic = make_topic(slug="paged")
    start = utcnow() + timedelta(days=1)
    for i in range(15):
        make_event(title=f"Session {i:02d}", topic=topic, starts_at=start + timedelta(hours=i))
    db.session.commit()
    first = page_text(client, "/events?topic=paged")
    second = page_text(client, "/events?topic=paged&page=2")
    assert "Session 00" in first and "Session 11" in first and "Session 12" not in first
    assert "Session 12" in second and "Session 14" in second and "Session 00" not in second
    assert "15 events found" in first
    assert re.search(r'href="/events\?[^"]*page=2[^"]*"', first)
    assert "topic=paged" in re.search(r'href="(/events\?[^"]*page=2[^"]*)"', first).group(1)


def test_page_number_out_of_range_gives_an_empty_page_not_an_error(client, make_event):
    make_event()
    db.session.commit()
    assert client.get("/events?page=999").status_code == 200
    assert client.get("/events?page=abc").status_code == 200


def test_event_page_shows_every_fact_and_its_actions(client, make_event, make_action):
    action = make_action(code="A07", title_en="Climate neutral by 2050")
    event = make_event(
        title="Green Deal in Ghent", capacity=30, actions=[action],
        public_transport="Tram 1 to Korenmarkt", bike="Bike racks at the entrance",
        step_free=True, description="## Programme\n\n- welcome\n- <script>alert(1)</script>",
    )
    event.confirmed_count = 12
    db.session.commit()
    text = page_text(client, f"/events/{event.slug}")
    for fact in ("Green Deal in Ghent", "18 places left", "Tram 1 to Korenmarkt",
                 "Bike racks at the entrance", "Step-free access: yes", "A07",
                 "Climate neutral by 2050", "<h2>Programme</h2>"):
        assert fact in text, fact
    assert "<script>alert(1)</script>" not in text
    assert f'href="/events/{event.slug}.ics"' in text


def test_full_event_page_says_waiting_list(client, make_event):
    event = make_event(capacity=1)
    event.confirmed_count = 1
    event.waiting_count = 3
    db.session.commit()
    text = page_text(client, f"/events/{event.slug}")
    assert "Full: waiting list" in text
    assert "3 people on the waiting list" in text


def test_event_page_carries_schema_org_event(client, make_event):
    event = make_event(title="Future of Europe")
    db.session.commit()
    text = page_text(client, f"/events/{event.slug}")
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S).group(1)
    data = json.loads(raw)
    assert data["@type"] == "Event"
    assert data["name"] == "Future of Europe"
    assert data["startDate"] == event.starts_at.isoformat()


@pytest.mark.parametrize("status", [EventStatus.DRAFT])
def test_draft_event_is_not_found(client, make_event, status):
    event = make_event(status=status)
    db.session.commit()
    assert client.get(f"/events/{event.slug}").status_code == 404
    assert client.get(f"/events/{event.slug}.ics").status_code == 404
    assert client.get(f"/api/v1/events/{event.slug}").status_code == 404


def test_unknown_slug_gives_a_not_found_page_in_the_visitors_language(client):
    response = client.get("/events/does-not-exist", headers={"Accept-Language": "nl"})
    assert response.status_code == 404
    assert '<html lang="nl">' in response.get_data(as_text=True)


def test_cancelled_event_stays_visible_with_a_notice(client, make_event):
    event = make_event(status=EventStatus.CANCELLED)
    db.session.commit()
    text = page_text(client, f"/events/{event.slug}")
    assert "This event has been cancelled." in text


def test_action_and_priority_pages_list_their_events(client, make_event, make_action):
    action = make_action(code="A12", title_en="Eurocities")
    event = make_event(title="Cities network night", actions=[action])
    db.session.commit()
    assert "Cities network night" in page_text(client, "/actions/A12")
    assert "Cities network night" in page_text(client, f"/priorities/{action.priority.slug}")
    assert client.get("/actions/ZZ99").status_code == 404
    assert client.get("/priorities/nope").status_code == 404
    assert event.slug


def test_event_list_and_page_run_a_constant_number_of_queries(
    client, make_event, make_action, count_queries
):
    def queries_for(url: str) -> int:
        db.session.commit()
        db.session.expire_all()
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    actions = [make_action() for _ in range(3)]
    first = make_event(actions=actions)
    few_list, few_page = queries_for("/events"), queries_for(f"/events/{first.slug}")
    for _ in range(12):
        make_event(actions=actions)
    extra = make_event(actions=actions + [make_action() for _ in range(5)])
    assert queries_for("/events") == few_list
    assert queries_for(f"/events/{extra.slug}") == few_page
    assert few_list <= 4 and few_page <= 4


def test_a_past_event_says_it_took_place_instead_of_offering_places(client, make_event):
    from datetime import timedelta

    from participation.database import utcnow
    from participation.extensions import db

    start = utcnow() - timedelta(days=10)
    event = make_event(slug="looking-back", capacity=60, starts_at=start,
                       ends_at=start + timedelta(hours=2))
    db.session.commit()
    html = client.get(f"/events/{event.slug}", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    assert "places left" not in html
    assert "Took place" in html
