"""The API gives anonymous counts per action and never texts or personal data."""

from __future__ import annotations

import pytest
from openapi_schema_validator import OAS31Validator, validate

from participation.database import utcnow
from participation.extensions import db
from participation.feedback.models import OpinionStatus, Stance
from participation.feedback.services import post_update


@pytest.fixture
def openapi(client):
    return client.get("/api/v1/openapi.json").get_json()


def assert_matches(document: dict, schema_name: str, data) -> None:
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": document["components"]}
    validate(data, schema, cls=OAS31Validator)


def test_actions_carry_counts_of_published_opinions_only(
    client, openapi, make_action, make_opinion, make_user
):
    action = make_action(code="EU01")
    author = make_user(name="Secret Name", email="secret@example.org", postcode="9000",
                       profile_consent_at=utcnow())
    make_opinion(action, user=author, stance=Stance.SUPPORT, body="Public words",
                 postcode="9000")
    make_opinion(action, stance=Stance.OPPOSE, body="Hidden words", status=OpinionStatus.HIDDEN)
    make_opinion(action, stance=Stance.MIXED)
    make_action(code="EU02")
    db.session.commit()
    listing = client.get("/api/v1/actions")
    data = listing.get_json()
    assert_matches(openapi, "ActionList", data)
    by_code = {item["code"]: item for item in data["items"]}
    assert by_code["EU01"]["stance_counts"] == {"support": 1, "mixed": 1, "oppose": 0}
    assert by_code["EU01"]["opinions"] == 2
    assert by_code["EU02"]["opinions"] == 0
    detail = client.get("/api/v1/actions/eu01")
    assert detail.status_code == 200
    assert_matches(openapi, "ActionDetail", detail.get_json())
    for body in (listing.get_data(as_text=True), detail.get_data(as_text=True)):
        for secret in ("Public words", "Hidden words", "Secret Name", "secret@example.org",
                       "9000"):
            assert secret not in body


def test_action_detail_lists_the_city_updates(client, openapi, make_action, make_user):
    from participation.accounts.models import Role

    action = make_action(code="EU03")
    post_update(make_user(roles=(Role.STAFF,)), action, "Done it.", "done", 100)
    db.session.commit()
    data = client.get("/api/v1/actions/EU03").get_json()
    assert_matches(openapi, "ActionDetail", data)
    assert data["updates"][0]["text"] == "Done it." and data["progress"] == 100
    missing = client.get("/api/v1/actions/NOPE")
    assert missing.status_code == 404
    assert_matches(openapi, "Error", missing.get_json())


def test_action_list_counts_take_a_fixed_number_of_queries(
    client, make_action, make_opinion, count_queries
):
    def queries() -> int:
        db.session.commit()
        db.session.expire_all()
        with count_queries() as statements:
            assert client.get("/api/v1/actions").status_code == 200
        return len(statements)

    make_opinion(make_action())
    few = queries()
    for _ in range(6):
        make_opinion(make_action())
    assert queries() == few
