"""A database outage is a 503 with Retry-After, never a 500; a dropped connection never
reaches a visitor. PostgreSQL behind a TCP proxy process that the tests kill and restart."""

from __future__ import annotations

import logging
import time

import psycopg
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


def test_a_connection_the_server_ended_is_replaced_before_use_without_a_ping(
    client, pg_proxy, event_path
):
    # Two connections in the pool, both ended by PostgreSQL itself while idle (as a restart
    # or an administrator does): the next requests get new ones, and no request pays a
    # "SELECT 1" round trip to find out (the pool looks at the socket instead).
    first, second = db.engine.connect(), db.engine.connect()
    pids = [c.exec_driver_sql("SELECT pg_backend_pid()").scalar() for c in (first, second)]
    first.close()
    second.close()
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as admin:
        for pid in pids:
            # Waits until the server process has gone; the proxy passes the end on at once.
            admin.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))
    time.sleep(0.2)  # they sat in the pool a moment: nothing in between tells them apart
    for _ in range(3):
        assert get(client, event_path).status_code == 200
    assert not db.engine.pool._pre_ping
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() not in pids


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
