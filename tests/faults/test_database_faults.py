"""A database outage is a 503 with Retry-After, never a 500; a dropped connection never
reaches a visitor. PostgreSQL behind a TCP proxy process that the tests kill and restart."""

from __future__ import annotations

import logging

import pytest
from flask import g

from participation.extensions import db


@pytest.fixture
def app_config(pg_proxy):
    return {"SQLALCHEMY_DATABASE_URI": pg_proxy.url, "PROPAGATE_TEST_ERRORS": False}


def get(client, path: str, language: str = "en"):
    g.pop("_flask_babel", None)
    response = client.get(path, headers={"Accept-Language": language})
    # In production each request ends its app context, which returns the connection to the
    # pool; the tests share one app context, so do the same here.
    db.session.remove()
    return response


@pytest.fixture
def event_path(make_event):
    path = f"/events/{make_event().slug}"
    db.session.commit()
    db.session.remove()
    return path


def test_the_first_request_after_connections_were_dropped_succeeds(
    client, pg_proxy, event_path
):
    assert get(client, event_path).status_code == 200
    pg_proxy.kill()  # every pooled connection is now dead
    pg_proxy.start()
    assert get(client, event_path).status_code == 200


def test_during_an_outage_pages_answer_503_in_the_visitors_language_with_one_log_line(
    client, pg_proxy, event_path, caplog
):
    assert get(client, event_path).status_code == 200
    pg_proxy.kill()
    caplog.clear()
    try:
        dutch = get(client, event_path, language="nl")
        english = get(client, "/events", language="en")
        posted = client.post(f"{event_path}/register", data={"name": "Ann",
                             "email": "ann@example.org", "consent": "y"})
        db.session.remove()
        api = get(client, "/api/v1/events")
    finally:
        pg_proxy.start()

    for response in (dutch, english, posted, api):
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "30"
    assert "De site is even niet beschikbaar" in dutch.get_data(as_text=True)
    assert "The site is unavailable for a moment" in english.get_data(as_text=True)
    assert api.get_json()["status"] == 503
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(records) == 4
    assert all(r.exc_info is None and "answered 503" in r.getMessage() for r in records)
    assert all("\n" not in r.getMessage() for r in records)

    assert get(client, event_path).status_code == 200  # back at the first request


def test_readiness_says_unavailable_while_the_database_is_down(client, pg_proxy):
    pg_proxy.kill()
    try:
        response = client.get("/readyz")
        liveness = client.get("/healthz")
    finally:
        pg_proxy.start()
    assert response.status_code == 503
    assert response.get_json()["problems"] == ["database unreachable"]
    assert liveness.status_code == 200
