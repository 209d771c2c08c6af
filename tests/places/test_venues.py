"""Venues as records: picked by organisers, kept in step across events, filtered by district,
shown with a map link, and given as coordinates in JSON-LD, calendars and the API."""

from __future__ import annotations

import json
import re

import icalendar
import pytest

from participation.accounts.models import Role
from participation.events import venues as event_venues
from participation.events.models import Event
from participation.extensions import db
from participation.places import services as places

KROOK = dict(name="De Krook", address="Miriam Makebaplein 1, 9000 Gent", latitude=51.04804,
             longitude=3.72737, district="binnenstad", step_free=True,
             getting_there_nl="Tram 2, halte Gent Zuid.",
             getting_there_en="Tram 2, Gent Zuid stop.")


@pytest.fixture
def make_venue(app):
    def make(**fields):
        return places.create_venue(places.VenueDetails(**{**KROOK, **fields}))

    return make


def test_editing_a_venue_changes_every_event_held_there(make_venue, make_event):
    venue = make_venue()
    first, second = make_event(venue_name="typed"), make_event(venue_name="typed")
    for event in (first, second):
        event_venues.copy_onto(event, venue)
    db.session.flush()
    details = places.VenueDetails(**{**KROOK, "name": "De Krook (Blauwe zaal)",
                                     "step_free": False})
    event_venues.update_venue(venue, details)
    db.session.commit()
    for event in db.session.scalars(db.select(Event)):
        assert (event.venue_name, event.step_free) == ("De Krook (Blauwe zaal)", False)
        assert "blauwe zaal" in event.search_text  # the catalogue search finds the new name


def test_venue_names_are_unique_whatever_the_case_and_districts_are_known(make_venue):
    make_venue()
    with pytest.raises(places.VenueError) as error:
        make_venue(name="de krook")
    assert error.value.field == "name"
    with pytest.raises(places.VenueError) as error:
        make_venue(name="Elsewhere", district="atlantis")
    assert error.value.field == "district"
    with pytest.raises(places.VenueError) as error:
        make_venue(name="Half", longitude=None)
    assert error.value.field == "longitude"


def test_organiser_adds_a_venue_and_picks_it_for_an_event(client, login, make_user, make_topic):
    organiser = login(make_user(roles=[Role.ORGANISER]))
    topic = make_topic()
    db.session.commit()
    response = client.post("/manage/venues/new", data={**KROOK, "name": "  Het Pand  ",
                                                        "longitude": ""})
    assert response.status_code == 422  # a latitude without a longitude
    assert "Het Pand" in response.get_data(as_text=True)
    response = client.post("/manage/venues/new", data={**KROOK, "step_free": "y"})
    assert response.status_code == 302
    venue = places.all_venues()[0]
    form = client.get("/manage/events/new").get_data(as_text=True)
    assert f'<option value="{venue.id}">De Krook, Miriam Makebaplein 1, 9000 Gent</option>' in form
    response = client.post("/manage/events/new", data={
        "title_nl": "Klimaatcafé", "summary_nl": "Praat mee.", "topic_id": topic.id,
        "starts_at": "2031-05-01T19:00", "ends_at": "2031-05-01T21:00", "language": "nl",
        "venue_id": venue.id, "organiser_emails": organiser.email,
    })
    assert response.status_code == 302
    event = db.session.scalars(db.select(Event)).one()
    assert (event.venue_id, event.venue_name, event.step_free) == (venue.id, "De Krook", True)


def test_event_page_shows_district_map_link_and_bilingual_directions(client, make_venue,
                                                                    make_event):
    event = make_event()
    event_venues.copy_onto(event, make_venue())
    db.session.commit()
    html = client.get(f"/events/{event.slug}", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    assert "District: Binnenstad" in html
    assert "https://www.openstreetmap.org/?mlat=51.048040&amp;mlon=3.727370" in html
    assert "Tram 2, Gent Zuid stop." in html
    dutch = client.get(f"/events/{event.slug}", headers={"Accept-Language": "nl"}).get_data(
        as_text=True)
    assert "Tram 2, halte Gent Zuid." in dutch
    ld = json.loads(re.search(r'application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert ld["location"]["geo"] == {"@type": "GeoCoordinates", "latitude": 51.04804,
                                     "longitude": 3.72737}
    ics = client.get(f"/events/{event.slug}.ics").data
    assert b"\r\nGEO:51.04804;3.72737\r\n" in ics
    [vevent] = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert (vevent["GEO"].latitude, vevent["GEO"].longitude) == (51.04804, 3.72737)


def test_catalogue_and_api_filter_by_district(client, make_venue, make_event):
    inner = make_event(title="In town")
    event_venues.copy_onto(inner, make_venue())
    far = make_event(title="At Dampoort")
    event_venues.copy_onto(far, make_venue(name="De Centrale", district="dampoort"))
    make_event(title="Nowhere known")
    db.session.commit()
    html = client.get("/events?district=dampoort").get_data(as_text=True)
    assert "At Dampoort" in html and "In town" not in html
    data = client.get("/api/v1/events?district=binnenstad").get_json()
    assert [i["title"] for i in data["items"]] == ["In town"]
    assert data["items"][0]["district"] == "binnenstad"
    assert data["items"][0]["geo"] == {"latitude": 51.04804, "longitude": 3.72737}
    assert client.get("/api/v1/events?district=atlantis").status_code == 400
    page = client.get("/events?district=atlantis", headers={"Accept-Language": "en"})
    assert "Not a valid choice" in page.get_data(as_text=True)


def test_demo_events_are_held_at_venues_with_districts_and_coordinates(app):
    from participation.demo import load_demo

    load_demo()
    events = list(db.session.scalars(db.select(Event)))
    placed = [e for e in events if e.venue is not None]
    assert len(placed) >= len([e for e in events if not e.is_online]) - 1
    assert all(e.venue.district and e.venue.has_coordinates for e in placed)
    assert load_demo()["venues"] == 0
