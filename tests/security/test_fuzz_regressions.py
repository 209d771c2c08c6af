"""Inputs the form fuzzer found breaking a page, kept as regression tests."""

from __future__ import annotations

import pytest

from participation.accounts.models import Role

EN = {"Accept-Language": "en"}
BLANKS = [" ", "\t", "\u2003"]


@pytest.mark.parametrize("blank", BLANKS)
def test_a_blank_role_in_the_account_search_is_ignored_not_a_crash(
        client, login, make_user, blank):
    login(make_user(roles=(Role.ADMIN,)))
    make_user(name="Zoe Zeta")
    response = client.get("/admin/users", query_string={"role": blank}, headers=EN)
    assert response.status_code == 200
    assert "Zoe Zeta" in response.get_data(as_text=True)


@pytest.mark.parametrize("field", ["language", "topic"])
@pytest.mark.parametrize("blank", BLANKS)
def test_a_blank_choice_in_the_event_filters_is_refused_not_a_crash(client, field, blank):
    response = client.get("/events", query_string={field: blank}, headers=EN)
    assert response.status_code in (200, 400)
    assert "Not a valid choice" in response.get_data(as_text=True)


@pytest.mark.parametrize("field", ["priority", "action", "event", "stance", "status"])
def test_a_blank_choice_in_the_export_filters_is_refused(client, login, make_user, field):
    login(make_user(roles=(Role.STAFF,)))
    response = client.get("/staff/exports", headers=EN,
                          query_string={"kind": "opinions", "format": "csv", field: " "})
    assert response.status_code == 422


def test_a_blank_age_band_on_the_account_page_is_refused(client, login, make_user):
    login(make_user())
    response = client.post("/account", data={"name": "Ann", "locale": "en", "age_band": " "},
                           headers=EN)
    assert response.status_code == 422


HUGE = "9" * 400


def test_a_huge_capacity_in_the_workspace_is_refused_not_a_crash(client, login, make_user,
                                                                  make_event):
    organiser = make_user(roles=(Role.ORGANISER,))
    event = make_event(organisers=[organiser])
    login(organiser)
    for value in (HUGE, "-" + HUGE, "1" * 16):
        response = client.post(f"/manage/events/{event.slug}/capacity",
                               data={"capacity": value}, headers=EN)
        assert response.status_code == 422, value
        assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert client.post(f"/manage/events/{event.slug}/capacity",
                       data={"capacity": "80"}).status_code == 302


def test_a_huge_capacity_in_the_event_form_is_refused(client, login, make_user):
    login(make_user(roles=(Role.ORGANISER,)))
    response = client.post("/manage/events/new", data={"title": "T", "capacity": HUGE},
                           headers=EN)
    assert response.status_code == 422


def test_a_huge_progress_in_an_update_is_refused(client, login, make_user, make_action):
    action = make_action()
    login(make_user(roles=(Role.STAFF,)))
    response = client.post(f"/staff/actions/{action.code}/update", headers=EN,
                           data={"body": "Done", "status": "done", "progress": HUGE})
    assert response.status_code == 422


def test_the_api_document_says_text_parameters_hold_no_nul_bytes(client):
    """Schemathesis sent a NUL byte it thought valid; the app refuses those with 400."""
    document = client.get("/api/v1/openapi.json").get_json()
    strings = [
        (path, parameter["name"], parameter["schema"])
        for path, operations in document["paths"].items()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
        if parameter["schema"].get("type") == "string" and "enum" not in parameter["schema"]
    ]
    assert strings
    for path, name, schema in strings:
        assert "pattern" in schema, (path, name)
    assert client.get("/api/v1/events?topic=%C3%8A%00").status_code == 400
