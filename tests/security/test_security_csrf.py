"""Every state-changing request needs a CSRF token; cookies and body size are locked down."""

from __future__ import annotations

import pytest

from config import CONFIGS
from participation import create_app
from participation.extensions import csrf

from .conftest import state_changing_rules

EN = {"Accept-Language": "en"}


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True, "MAX_CONTENT_LENGTH": 4096}


def test_every_state_changing_route_refuses_a_request_without_a_csrf_token(
        app, world, sign_in_as):
    rules = [(rule, methods) for rule, methods in state_changing_rules(app)
             if rule.endpoint not in ONE_CLICK]
    assert len(rules) >= 20
    for signed_in_as in ("anonymous", "admin"):
        for rule, methods in rules:
            url = world.url(rule)
            for method in methods:
                client = sign_in_as(world, signed_in_as)
                response = client.open(url, method=method, data={"name": "x"}, headers=EN)
                assert response.status_code == 400, (signed_in_as, method, rule.rule)
                assert "This form has expired" in response.get_data(as_text=True), rule.rule


def test_the_csrf_page_speaks_dutch_too(client, world):
    response = client.post(f"/events/{world.event.slug}/register", data={"name": "x"},
                           headers={"Accept-Language": "nl"})
    assert response.status_code == 400
    assert "Dit formulier is verlopen" in response.get_data(as_text=True)


#: RFC 8058: mail apps POST "List-Unsubscribe=One-Click" without cookies or a CSRF token; the
#: signed token in the URL is the only authority, and all it can do is stop mails.
ONE_CLICK = {"policy.unsubscribe_confirmed"}


def test_only_the_read_only_api_and_one_click_unsubscribe_are_exempted_from_csrf(app):
    assert csrf._exempt_views == {"participation.policy.views.public.unsubscribe_confirmed"}
    assert {getattr(bp, "name", bp) for bp in csrf._exempt_blueprints} <= {"api"}


def test_the_api_only_reads(app):
    api_rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")]
    assert api_rules
    for rule in api_rules:
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule.rule


def test_a_request_body_over_the_limit_gets_the_too_large_page(client, world):
    response = client.post(f"/events/{world.event.slug}/register",
                           data={"name": "x" * 10_000}, headers=EN)
    assert response.status_code == 413
    assert "What you sent is too large" in response.get_data(as_text=True)


def _session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, response.headers
    return cookies[0]


def test_the_session_cookie_is_http_only_and_same_site_lax(client):
    response = client.get("/account/sign-in")
    cookie = _session_cookie(response)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development and tests run over plain HTTP


def test_production_cookies_are_secure_http_only_and_same_site_lax(database_url, monkeypatch):
    production = CONFIGS["production"]
    monkeypatch.setattr(production, "SECRET_KEY", "a-long-and-random-production-secret-key")
    monkeypatch.setattr(production, "SQLALCHEMY_DATABASE_URI", database_url)
    monkeypatch.setattr(production, "ALLOW_SQLITE_IN_PRODUCTION", True)
    monkeypatch.setattr(production, "RATELIMIT_MEMORY_ALLOWED", True)
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["REMEMBER_COOKIE_HTTPONLY"]
    assert app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    with app.app_context():
        response = app.test_client().get("/account/sign-in", base_url="https://localhost")
        cookie = _session_cookie(response)
        from participation.extensions import db

        db.session.remove()
        db.engine.dispose()
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
