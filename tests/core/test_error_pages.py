"""Every error has a page in the visitor's language (JSON under /api)."""

from __future__ import annotations

import pytest
from flask import abort

EXPECTED = {
    403: ("You do not have access to this page", "Je hebt geen toegang tot deze pagina"),
    404: ("Page not found", "Pagina niet gevonden"),
    405: ("This action is not allowed here", "Deze handeling is hier niet toegestaan"),
    413: ("What you sent is too large", "Wat je verstuurde is te groot"),
    429: ("Too many requests", "Te veel aanvragen"),
    500: ("Something went wrong on our side", "Er ging bij ons iets mis"),
}


@pytest.fixture
def app_config():
    return {"PROPAGATE_TEST_ERRORS": False, "MAX_CONTENT_LENGTH": 1024}


@pytest.fixture
def failing_client(app):
    @app.get("/_test/abort/<int:code>")
    def _abort(code):
        if code == 500:
            raise RuntimeError("boom")
        abort(code)

    return app.test_client()


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_error_page_in_english(failing_client, code):
    response = failing_client.get(f"/_test/abort/{code}", headers={"Accept-Language": "en"})
    assert response.status_code == code
    text = response.get_data(as_text=True)
    assert EXPECTED[code][0] in text
    assert '<html lang="en">' in text


def test_pages_are_dutch_by_default(failing_client):
    response = failing_client.get("/_test/abort/404")
    assert '<html lang="nl">' in response.get_data(as_text=True)


def test_method_not_allowed_and_too_large_come_from_the_real_stack(client):
    assert client.post("/events", headers={"Accept-Language": "en"}).status_code == 405
    response = client.post("/language/en", data="x" * 5000, headers={"Accept-Language": "en"})
    assert response.status_code in (405, 413)


def test_api_errors_are_json(failing_client):
    response = failing_client.get("/api/v1/events/nope")
    assert response.status_code == 404
    assert response.get_json() == {"error": "Not Found", "status": 404}
