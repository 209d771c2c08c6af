"""Registering on behalf of an organisation: counted, exported, and limited per event."""

from __future__ import annotations

import csv
import io

import pytest

from participation.accounts.models import Role
from participation.extensions import db
from participation.registrations import services
from participation.registrations.models import Registration

EN = {"Accept-Language": "en"}


def test_an_event_limits_the_places_of_one_organisation(make_event, sign_up):
    event = make_event(capacity=20, companions_allowed=2, places_per_organisation=3)
    sign_up(event, organisation="  Climate  Action Ghent ", companions=1)
    with pytest.raises(services.RegistrationError) as caught:
        sign_up(event, organisation="climate action ghent", companions=1)
    assert caught.value.field == "organisation"
    assert "climate action ghent has no more places left" in str(caught.value.message)
    last = sign_up(event, organisation="CLIMATE ACTION GHENT").registration  # the third place
    assert last.organisation == "CLIMATE ACTION GHENT"
    assert sign_up(event, organisation="Another club", companions=2).confirmed
    assert sign_up(event).confirmed  # people without an organisation are not limited


def test_cancelled_places_no_longer_count_for_the_organisation(make_event, sign_up):
    event = make_event(places_per_organisation=1)
    first = sign_up(event, organisation="Buurtwerk").registration
    services.cancel(first)
    assert sign_up(event, organisation="Buurtwerk").confirmed


def test_the_form_asks_on_whose_behalf_and_the_workspace_counts_it(client, login, make_user,
                                                                   make_event):
    organiser = make_user(email="olga@example.org", roles=(Role.ORGANISER,))
    make_event(slug="evening", capacity=2, organisers=[organiser],
               places_per_organisation=2)
    db.session.commit()
    page = client.get("/events/evening/register", headers=EN).get_data(as_text=True)
    assert "I register on behalf of an organisation" in page
    assert "Each organisation can have at most 2 places." in page
    response = client.post("/events/evening/register", headers=EN, data={
        "name": "Ann", "email": "ann@example.org", "consent": "y", "on_behalf": "y"})
    assert response.status_code == 422
    assert "Enter the name of the organisation." in response.get_data(as_text=True)
    for n, organisation in enumerate(("Buurtwerk", "buurtwerk", "Jeugdraad")):
        client.post("/events/evening/register", headers=EN, data={
            "name": f"P{n}", "email": f"p{n}@example.org", "consent": "y", "on_behalf": "y",
            "organisation": organisation})
    client.post("/events/evening/register", headers=EN, data={
        "name": "Solo", "email": "solo@example.org", "consent": "y",
        "organisation": "Ignored without the tick"})
    by_email = {r.email: r.organisation for r in db.session.query(Registration)}
    assert by_email == {"p0@example.org": "Buurtwerk", "p1@example.org": "buurtwerk",
                        "p2@example.org": "Jeugdraad", "solo@example.org": None}

    login(organiser)
    workspace = client.get("/manage/events/evening/registrations",
                           headers=EN).get_data(as_text=True)
    assert '<th scope="row">Buurtwerk</th><td>2</td><td>2</td><td>0</td>' in workspace
    assert '<th scope="row">Jeugdraad</th><td>1</td><td>0</td><td>1</td>' in workspace
    rows = list(csv.reader(io.StringIO(client.get(
        "/manage/events/evening/organisations.csv", headers=EN).data.decode("utf-8-sig"))))
    assert rows == [
        ["Organisation", "Registrations", "Confirmed places", "Places on the waiting list"],
        ["Buurtwerk", "2", "2", "0"],
        ["Jeugdraad", "1", "0", "1"],
    ]
    attendees = list(csv.reader(io.StringIO(client.get(
        "/manage/events/evening/attendees.csv", headers=EN).data.decode("utf-8-sig"))))
    column = attendees[0].index("Organisation")
    assert sorted(row[column] for row in attendees[1:]) == ["", "Buurtwerk", "Jeugdraad",
                                                             "buurtwerk"]
