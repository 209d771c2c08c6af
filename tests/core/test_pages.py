"""The public pages answer and present what residents rely on."""

from participation.extensions import db


def test_home_lists_next_events_and_top_priorities(client, make_event, make_action):
    action = make_action(title_en="Climate neutral by 2050")
    make_event(title="Green Deal evening", actions=[action])
    db.session.commit()
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Green Deal evening" in page
    assert action.priority.title_en in page


def test_unknown_page_has_a_not_found_page(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_every_response_carries_security_headers(client):
    response = client.get("/")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_language_switch_returns_to_the_same_page(client):
    response = client.get("/language/en?next=/events?topic=x")
    assert response.status_code == 302
    assert response.headers["Location"] == "/events?topic=x"


def test_language_switch_refuses_to_redirect_elsewhere(client):
    response = client.get("/language/en?next=//evil.example/")
    assert response.headers["Location"] == "/"


def test_pages_say_they_vary_by_language_and_session(client):
    vary = client.get("/events").headers["Vary"]
    assert "Accept-Language" in vary and "Cookie" in vary
