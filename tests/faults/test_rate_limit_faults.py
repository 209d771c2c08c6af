"""Rate limits fail open: a dead or paused Redis never causes a 500 or a stalled request."""

from __future__ import annotations

import logging
import time

import pytest
from flask import g

from participation.extensions import db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def app_config(redis_server):
    return {"RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{redis_server.port}",
            "RATELIMIT_KEY_PREFIX": "issue11-faults"}


def timed(client, method: str, path: str, data: dict | None = None):
    g.pop("_flask_babel", None)
    started = time.monotonic()
    response = client.open(path, method=method, data=data, headers={"Accept-Language": "en"})
    return response.status_code, time.monotonic() - started


def the_forms(client, slug: str, n: int) -> dict:
    """Register, sign in and ask for a password reset; return status and seconds of each."""
    return {
        "register": timed(client, "POST", f"/events/{slug}/register",
                          {"name": "Ann", "email": f"ann{n}@example.org", "consent": "y"}),
        "sign in": timed(client, "POST", "/account/sign-in",
                         {"email": "known@example.org", "password": PASSWORD}),
        "forgot password": timed(client, "POST", "/account/forgot-password",
                                 {"email": "known@example.org"}),
        "event list": timed(client, "GET", "/events"),
    }


@pytest.fixture
def event_slug(make_event, make_user):
    make_user(email="known@example.org", password=PASSWORD)
    slug = make_event(capacity=100).slug
    db.session.commit()
    return slug


def assert_fast_and_working(results: dict) -> None:
    for name, (status, seconds) in results.items():
        assert status < 500, f"{name} answered {status}"
        assert seconds < 2, f"{name} took {seconds:.1f} s"


def limiter_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.levelno == logging.WARNING and "storage unreachable" in r.getMessage()]


def test_with_redis_killed_the_forms_answer_at_once_and_one_warning_is_logged(
    client, redis_server, event_slug, caplog
):
    assert_fast_and_working(the_forms(client, event_slug, 0))
    redis_server.kill()

    for n in range(1, 4):
        assert_fast_and_working(the_forms(client, event_slug, n))

    assert len(limiter_warnings(caplog)) == 1


def test_with_redis_paused_the_forms_and_pages_answer_within_two_seconds(
    client, redis_server, event_slug, caplog
):
    assert_fast_and_working(the_forms(client, event_slug, 0))
    redis_server.pause()
    try:
        for n in range(1, 4):
            assert_fast_and_working(the_forms(client, event_slug, n))
    finally:
        redis_server.resume()
    assert len(limiter_warnings(caplog)) == 1


def test_while_redis_is_down_the_limits_still_hold_in_memory(client, redis_server, event_slug):
    redis_server.kill()
    statuses = [timed(client, "POST", f"/events/{event_slug}/register",
                      {"name": "Bo", "email": f"bo{n}@example.org", "consent": "y"})[0]
                for n in range(11)]
    assert 500 not in statuses
    assert statuses[-1] == 429  # 10 per minute, counted in this process meanwhile
