"""The read-only API answers as its OpenAPI document says."""

from __future__ import annotations

import pytest
from openapi_schema_validator import OAS31Validator, validate

from participation.extensions import db
from participation.registrations import questions
from participation.registrations.models import QuestionKind


@pytest.fixture
def openapi(client):
    document = client.get("/api/v1/openapi.json").get_json()
    OAS31Validator.check_schema({"$ref": "#/components/schemas/EventPage", **document})
    return document


def assert_matches(document: dict, schema_name: str, data) -> None:
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": document["components"]}
    validate(data, schema, cls=OAS31Validator)


def response_schema(document: dict, path: str, status: str) -> str:
    content = document["paths"][path]["get"]["responses"][status]["content"]
    return content["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]


def test_openapi_document_is_3_1_and_lists_every_api_path(openapi, app):
    assert openapi["openapi"].startswith("3.1")
    api_rules = {
        r.rule.removeprefix("/api/v1").replace("<slug>", "{slug}").replace("<code>", "{code}")
        for r in app.url_map.iter_rules()
        if r.rule.startswith("/api/v1") and not r.rule.endswith("openapi.json")
    }
    assert api_rules <= set(openapi["paths"])


def test_event_list_matches_schema_with_places_and_waiting_list(client, openapi, make_event):
    event = make_event(capacity=10)
    event.confirmed_count, event.waiting_count = 10, 2
    make_event(capacity=None)
    db.session.commit()
    data = client.get("/api/v1/events").get_json()
    assert_matches(openapi, response_schema(openapi, "/events", "200"), data)
    by_slug = {item["slug"]: item for item in data["items"]}
    assert by_slug[event.slug]["places_left"] == 0
    assert by_slug[event.slug]["waiting_list_length"] == 2
    assert data["total"] == 2


def test_event_list_filters_and_paginates(client, openapi, make_event):
    for _ in range(5):
        make_event(language="en")
    make_event(language="nl")
    db.session.commit()
    data = client.get("/api/v1/events?language=en&per_page=2&page=2").get_json()
    assert data["total"] == 5 and data["pages"] == 3 and len(data["items"]) == 2
    assert all(item["language"] == "en" for item in data["items"])


def test_bad_filters_give_a_400_that_matches_the_error_schema(client, openapi):
    for query in ("date_from=yesterday", "per_page=1000", "language=fr", "page=0"):
        response = client.get(f"/api/v1/events?{query}")
        assert response.status_code == 400, query
        assert_matches(openapi, "Error", response.get_json())


def test_event_detail_matches_schema_and_lists_actions(client, openapi, make_event, make_action):
    action = make_action(code="GD01")
    event = make_event(actions=[action])
    db.session.commit()
    data = client.get(f"/api/v1/events/{event.slug}").get_json()
    assert_matches(openapi, response_schema(openapi, "/events/{slug}", "200"), data)
    assert [a["code"] for a in data["actions"]] == ["GD01"]
    missing = client.get("/api/v1/events/nope")
    assert missing.status_code == 404
    assert_matches(openapi, "Error", missing.get_json())


def test_priorities_and_actions_match_schema(client, openapi, make_action):
    make_action(code="A01", progress=40)
    db.session.commit()
    priorities = client.get("/api/v1/priorities").get_json()
    actions = client.get("/api/v1/actions").get_json()
    assert_matches(openapi, response_schema(openapi, "/priorities", "200"), priorities)
    assert_matches(openapi, response_schema(openapi, "/actions", "200"), actions)
    assert actions["items"][0]["code"] == "A01" and actions["items"][0]["progress"] == 40


def test_api_never_returns_personal_data(client, make_event, make_user):
    organiser = make_user(email="organiser.private@example.org")
    event = make_event(organisers=[organiser])
    db.session.commit()
    body = client.get(f"/api/v1/events/{event.slug}").get_data(as_text=True)
    body += client.get("/api/v1/events").get_data(as_text=True)
    assert "organiser.private@example.org" not in body


def test_texts_come_in_the_requested_language_with_both_versions(client, openapi, make_event):
    event = make_event(title_nl="Klimaatavond", title_en="Climate evening",
                       summary_nl="Alleen in het Nederlands.")
    db.session.commit()
    english = client.get(f"/api/v1/events/{event.slug}", headers={"Accept-Language": "en"})
    assert english.headers["Content-Language"] == "en"
    assert "Accept-Language" in english.headers["Vary"]
    data = english.get_json()
    assert_matches(openapi, "EventDetail", data)
    assert data["title"] == "Climate evening"
    # Not written in English: the Dutch text, and the API says which language it is in.
    assert data["summary"] == "Alleen in het Nederlands."
    assert data["text_languages"]["title"] == "en"
    assert data["text_languages"]["summary"] == "nl"
    assert data["translations"]["nl"]["title"] == "Klimaatavond"
    assert data["translations"]["en"]["summary"] is None

    dutch = client.get(f"/api/v1/events/{event.slug}").get_json()
    assert dutch["title"] == "Klimaatavond" and dutch["text_languages"]["title"] == "nl"


def test_the_lang_parameter_wins_over_accept_language(client, openapi, make_event, make_action):
    make_event(title_nl="Klimaatavond", title_en="Climate evening", summary_nl="Samen")
    make_action(code="K01", title_nl="Klimaatplan", title_en="Climate plan")
    db.session.commit()
    listed = client.get("/api/v1/events?lang=en", headers={"Accept-Language": "nl"})
    assert listed.headers["Content-Language"] == "en"
    assert_matches(openapi, "EventPage", listed.get_json())
    assert listed.get_json()["items"][0]["title"] == "Climate evening"
    actions = client.get("/api/v1/actions?lang=en").get_json()
    assert_matches(openapi, "ActionList", actions)
    assert actions["items"][0]["title"] == "Climate plan"
    assert actions["items"][0]["translations"]["nl"]["title"] == "Klimaatplan"
    bad = client.get("/api/v1/actions?lang=fr")
    assert bad.status_code == 400 and "lang" in bad.get_json()["error"]


def test_an_update_gives_its_text_in_both_languages(client, openapi, make_action, make_user):
    from participation.accounts.models import Role
    from participation.policy import services as policy

    action = make_action(code="U01")
    staff = make_user(roles=(Role.STAFF,))
    policy.add_update(staff, action, "Gestart.", "in_progress", 20, body_en="Started.")
    db.session.commit()
    data = client.get("/api/v1/actions/U01?lang=en").get_json()
    assert_matches(openapi, "ActionDetail", data)
    [update] = data["updates"]
    assert update["text"] == "Started." and update["text_languages"] == {"text": "en"}
    assert update["translations"] == {"nl": {"text": "Gestart."}, "en": {"text": "Started."}}


def test_the_openapi_document_describes_the_reader_language(openapi):
    operation = openapi["paths"]["/events"]["get"]
    names = {(p["in"], p["name"]) for p in operation["parameters"]}
    assert ("query", "lang") in names and ("header", "Accept-Language") in names
    assert "translations" in openapi["components"]["schemas"]["EventSummary"]["required"]


def test_event_detail_describes_the_registration_form(client, openapi, make_event):
    event = make_event(companions_allowed=2)
    plain = make_event()
    workshop = questions.add_question(event, questions.QuestionDetails(
        kind=QuestionKind.ONE_CHOICE, label_nl="Welke workshop?", label_en="Which workshop?",
        choices_nl=["Klimaat", "Jeugd"], choices_en=["Climate"], required=True,
        help_nl="Kies er één."))
    questions.add_question(event, questions.QuestionDetails(
        kind=QuestionKind.NUMBER, label_nl="Leeftijd"))
    db.session.commit()
    data = client.get(f"/api/v1/events/{event.slug}").get_json()
    assert_matches(openapi, response_schema(openapi, "/events/{slug}", "200"), data)
    assert data["companions_allowed"] == 2
    assert data["questions"] == [
        {
            "field": f"question_{workshop.id}",
            "type": "one_choice",
            "label": {"nl": "Welke workshop?", "en": "Which workshop?"},
            "help": {"nl": "Kies er één.", "en": None},
            "required": True,
            "choices": [
                {"value": "0", "label": {"nl": "Klimaat", "en": "Climate"}},
                {"value": "1", "label": {"nl": "Jeugd", "en": None}},
            ],
        },
        {
            "field": data["questions"][1]["field"],
            "type": "number",
            "label": {"nl": "Leeftijd", "en": None},
            "help": None,
            "required": False,
            "choices": [],
        },
    ]
    data = client.get(f"/api/v1/events/{plain.slug}").get_json()
    assert (data["questions"], data["companions_allowed"]) == ([], 0)
