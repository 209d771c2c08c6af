"""The catalogue's map in a real browser: Leaflet from static/, markers used by keyboard, and
the list of places that says where events are when scripts are off (tiles from static/)."""

from __future__ import annotations

import pytest

from participation.database import begin_write
from participation.events import venues as event_venues
from participation.extensions import db
from participation.places import services as places

pytestmark = pytest.mark.e2e


@pytest.fixture
def app_config(smtp_config) -> dict:
    # A plain tile served by the app itself: the tests never reach a tile server.
    return {"WTF_CSRF_ENABLED": True, **smtp_config, "MAP_TILE_URL": "/static/img/map-tile.png"}


@pytest.fixture
def two_places(make_event):
    # The live server and its worker already run: take the write lock before the venue
    # service reads (the name check), or a commit of theirs in between makes SQLite refuse
    # the upgrade at once ("database is locked", seen once in a full run).
    begin_write(db.session())
    krook = places.create_venue(places.VenueDetails(
        name="De Krook", address="Miriam Makebaplein 1, 9000 Gent", latitude=51.04804,
        longitude=3.72737, district="binnenstad"))
    centrale = places.create_venue(places.VenueDetails(
        name="De Centrale", address="Kraankindersstraat 2, 9000 Gent", latitude=51.05717,
        longitude=3.73889, district="dampoort"))
    for title, venue in (("Klimaatcafé", krook), ("Fietsstraten", krook),
                         ("Wereldkeuken", centrale)):
        event_venues.copy_onto(make_event(title=title), venue)
    db.session.commit()


def test_resident_opens_a_places_events_from_its_marker_by_keyboard(browse, two_places):
    tab = browse(locale="en-GB")
    page = tab.page
    tab.goto("/events", name="events-map")
    assert page.locator("#events-map").is_visible()
    assert page.locator(".leaflet-marker-icon").count() == 2
    assert page.get_by_role("region", name="Map of the places in the list below").is_visible()

    marker = page.get_by_role("button", name="De Krook")
    marker.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup")
    popup.get_by_role("link", name="Fietsstraten").wait_for()
    assert page.evaluate("document.activeElement.textContent") == "Klimaatcafé"
    page.keyboard.press("Escape")
    # Leaflet fades the popup out and removes it 200 ms later.
    popup.wait_for(state="detached", timeout=5000)
    assert page.evaluate("document.activeElement.getAttribute('alt')") == "De Krook"
    tab.check()


def test_without_scripts_the_list_says_where_events_are(browse, two_places):
    tab = browse(locale="en-GB", javascript=False)
    page = tab.page
    tab.goto("/events", name="events-places-no-script")
    assert not page.locator("#events-map").is_visible()
    places_list = page.locator(".place-list")
    assert places_list.get_by_role("heading", name="De Centrale").is_visible()
    assert places_list.get_by_role("link", name="Wereldkeuken").is_visible()
    assert places_list.get_by_text("District: Dampoort").is_visible()
