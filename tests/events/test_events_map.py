"""The catalogue says where events are: a list of places that always works, and a Leaflet map
served from static/ (no other script host) on top of it when a tile server is configured."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from participation.core.security import CONTENT_SECURITY_POLICY, content_security_policy
from participation.events import venues as event_venues
from participation.events.models import Event
from participation.extensions import db
from participation.places import services as places

STATIC = Path(__file__).resolve().parents[2] / "static"
EN = {"Accept-Language": "en"}
KROOK = dict(name="De Krook", address="Miriam Makebaplein 1, 9000 Gent", latitude=51.04804,
             longitude=3.72737, district="binnenstad")


@pytest.fixture
def held_at_krook(make_event):
    krook = places.create_venue(places.VenueDetails(**KROOK))
    first, second = make_event(title="Klimaatcafé"), make_event(title="Fietsstraten")
    make_event(title="Zonder zaal", venue_name=None, address="Ergens 1, 9000 Gent")
    for event in (first, second):
        event_venues.copy_onto(event, krook)
    db.session.commit()
    return krook


def test_places_group_the_listed_events_by_venue_with_coordinates(held_at_krook, make_event):
    events = db.session.scalars(db.select(Event).order_by("id")).all()
    places_ = event_venues.places_of(events)
    assert [(p.venue.name, [e.title for e in p.events]) for p in places_] == [
        ("De Krook", ["Klimaatcafé", "Fietsstraten"])]


def test_without_tiles_the_page_lists_the_places_and_loads_no_map(client, held_at_krook):
    page = client.get("/events", headers=EN).text
    assert "Where these events are" in page
    assert 'data-place-lat="51.04804"' in page and "Klimaatcafé" in page
    assert 'id="events-map"' not in page
    assert "leaflet" not in page


@pytest.mark.parametrize("app_config", [{"MAP_TILE_URL": "/static/img/map-tile.png"}])
def test_with_tiles_the_map_is_added_from_static_scripts_only(client, held_at_krook):
    page = client.get("/events", headers=EN).text
    assert 'id="events-map"' in page and " hidden" in page
    scripts = re.findall(r'<script[^>]* src="([^"]+)"', page)
    # Every page loads keep-form.js (the form kept across a language switch); the map adds two.
    assert scripts == ["/static/js/keep-form.js", "/static/vendor/leaflet/leaflet.js",
                       "/static/js/events-map.js"]
    assert '<link rel="stylesheet" href="/static/vendor/leaflet/leaflet.css">' in page
    for path in ("vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css", "js/events-map.js",
                 "vendor/leaflet/images/marker-icon.png", "img/map-tile.png"):
        response = client.get(f"/static/{path}")
        assert response.status_code == 200
        response.close()


def test_the_vendored_leaflet_is_the_npm_release_named_in_its_readme():
    assert "Leaflet 1.9.4" in (STATIC / "vendor/leaflet/leaflet.js").read_text()[:200]
    assert "leaflet@1.9.4" in (STATIC / "vendor/leaflet/README.md").read_text()
    assert (STATIC / "vendor/leaflet/LICENSE").exists()


def test_the_tile_server_is_the_only_host_images_may_come_from():
    assert content_security_policy("") == CONTENT_SECURITY_POLICY
    policy = content_security_policy("https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    assert "img-src 'self' data: https://tile.openstreetmap.org;" in policy
    assert "script-src 'self';" in policy
    assert "img-src 'self' data: https://*.tiles.example.org;" in content_security_policy(
        "https://{s}.tiles.example.org/{z}/{x}/{y}.png")
    assert content_security_policy("javascript:alert(1)") == CONTENT_SECURITY_POLICY
    assert content_security_policy("https://x.org'; script-src *") == CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("app_config", [{
    "MAP_TILE_URL": "https://tiles.example.org/{z}/{x}/{y}.png"}])
def test_the_pages_policy_names_the_configured_tile_server(client):
    policy = client.get("/events").headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://tiles.example.org;" in policy
