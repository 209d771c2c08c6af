"""Atom feeds of upcoming events (all, per topic) and of each action's updates."""

from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree as ET

from participation.database import utcnow
from participation.events.models import EventStatus
from participation.extensions import db
from participation.policy.models import ActionStatus, ActionUpdate

NS = {"a": "http://www.w3.org/2005/Atom"}


def parse(response) -> ET.Element:
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    return ET.fromstring(response.data)


def titles(feed: ET.Element) -> set[str]:
    return {e.findtext("a:title", namespaces=NS) for e in feed.findall("a:entry", NS)}


def test_event_feed_lists_upcoming_published_events_with_stable_ids(client, make_event):
    kept = make_event(title="Coming up")
    make_event(title="Past", starts_at=utcnow() - timedelta(days=3))
    make_event(title="Draft", status=EventStatus.DRAFT)
    db.session.commit()
    feed = parse(client.get("/events/feed.atom"))
    assert titles(feed) == {"Coming up"}
    [entry] = feed.findall("a:entry", NS)
    first_id = entry.findtext("a:id", namespaces=NS)
    assert entry.find("a:link", NS).get("href").endswith(f"/events/{kept.slug}")
    assert feed.find("a:link[@rel='self']", NS).get("href").endswith("/events/feed.atom")
    kept.title_nl = kept.title_en = "Coming up (moved)"
    db.session.commit()
    [entry] = parse(client.get("/events/feed.atom")).findall("a:entry", NS)
    assert entry.findtext("a:id", namespaces=NS) == first_id


def test_topic_feed_holds_only_that_topic_and_unknown_topics_are_not_found(
    client, make_event, make_topic
):
    green = make_topic(slug="green")
    make_event(title="Green", topic=green)
    make_event(title="Other")
    db.session.commit()
    assert titles(parse(client.get("/topics/green/feed.atom"))) == {"Green"}
    assert client.get("/topics/nope/feed.atom").status_code == 404


def test_feeds_are_announced_on_their_pages(client, make_event, make_action):
    action = make_action(code="A07")
    make_event()
    db.session.commit()
    catalogue = client.get("/events").get_data(as_text=True)
    assert 'rel="alternate" type="application/atom+xml"' in catalogue
    assert 'href="/events/feed.atom"' in catalogue
    page = client.get(f"/actions/{action.code}").get_data(as_text=True)
    assert 'type="application/atom+xml"' in page and "/actions/A07/updates.atom" in page


def test_action_feed_lists_the_citys_updates_and_survives_control_characters(
    client, make_action
):
    action = make_action(code="A08")
    db.session.add(ActionUpdate(action=action, body_nl="Budget approved\x0b.",
                                status=ActionStatus.IN_PROGRESS, progress=40))
    db.session.commit()
    feed = parse(client.get("/actions/A08/updates.atom"))
    [entry] = feed.findall("a:entry", NS)
    assert entry.findtext("a:summary", namespaces=NS) == "Budget approved."
    assert client.get("/actions/NOPE/updates.atom").status_code == 404
