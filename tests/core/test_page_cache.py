"""Public pages carry an ETag, and the page cache serves them while they are unchanged."""

import os
import time

import psycopg
import pytest
import sqlalchemy as sa
from flask import template_rendered
from flask_babel import refresh

from participation.core import page_cache
from participation.events.models import Event
from participation.extensions import db


@pytest.fixture
def app_config():
    return {"PAGE_CACHE_ENABLED": True, "PAGE_CACHE_LISTEN": False}


def test_event_page_answers_304_when_the_browser_has_the_same_version(client, make_event):
    event = make_event(title="Green Deal evening")
    db.session.commit()
    first = client.get(f"/events/{event.slug}")
    assert first.headers["ETag"]
    assert first.headers["Cache-Control"] == "no-cache"
    again = client.get(f"/events/{event.slug}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]


def test_event_page_gets_a_new_etag_when_places_change(client, make_event):
    event = make_event(capacity=50)
    db.session.commit()
    before = client.get(f"/events/{event.slug}", headers={"Accept-Language": "en"})
    event.confirmed_count = 49
    db.session.commit()
    after = client.get(f"/events/{event.slug}", headers={
        "Accept-Language": "en", "If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert "1 place left" in after.get_data(as_text=True)


def test_visitor_without_session_is_served_the_kept_page_without_queries(
    client, make_event, count_queries
):
    event = make_event(title="Youth assembly")
    db.session.commit()
    client.get("/events")
    client.get(f"/events/{event.slug}")
    with count_queries() as statements:
        listing = client.get("/events")
        page = client.get(f"/events/{event.slug}")
    assert statements == []
    assert "Youth assembly" in listing.get_data(as_text=True)
    assert "Youth assembly" in page.get_data(as_text=True)
    assert page.headers["X-Frame-Options"] == "DENY"


def test_committed_change_shows_on_the_next_request(client, make_event):
    event = make_event(title="Old title")
    db.session.commit()
    assert "Old title" in client.get(f"/events/{event.slug}").get_data(as_text=True)
    event.title_nl = "New title"
    db.session.commit()
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "New title" in page
    assert "New title" in client.get("/events").get_data(as_text=True)


def test_change_made_with_an_update_statement_shows_on_the_next_request(client, make_event):
    event = make_event(title="Before the update")
    db.session.commit()
    client.get(f"/events/{event.slug}")
    db.session.execute(sa.update(Event).where(Event.id == event.id).values(title_nl="After it"))
    db.session.commit()
    assert "After it" in client.get(f"/events/{event.slug}").get_data(as_text=True)


def test_pages_are_kept_per_language(client, make_event, make_topic):
    topic = make_topic()
    event = make_event(topic=topic)
    db.session.commit()
    dutch = client.get(f"/events/{event.slug}", headers={"Accept-Language": "nl"})
    refresh()  # the test's app context outlives requests; Babel keeps the locale on it
    english = client.get(f"/events/{event.slug}", headers={"Accept-Language": "en"})
    assert topic.name_nl in dutch.get_data(as_text=True)
    assert topic.name_en in english.get_data(as_text=True)
    assert dutch.headers["ETag"] != english.headers["ETag"]


def test_visitor_with_a_session_always_gets_a_rendered_page(client, make_event, count_queries):
    event = make_event()
    db.session.commit()
    client.get(f"/events/{event.slug}")
    client.get("/language/en")  # the visitor now has a session cookie
    with count_queries() as statements:
        page = client.get(f"/events/{event.slug}")
    assert page.status_code == 200
    assert statements
    assert page.request.headers.get("Cookie")


def test_missing_page_is_not_kept(client, make_event):
    assert client.get("/events/no-such-event").status_code == 404
    event = make_event(slug="no-such-event")
    db.session.commit()
    assert client.get(f"/events/{event.slug}").status_code == 200


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL NOTIFY")
class TestAcrossProcesses:
    @pytest.fixture
    def app_config(self):
        # Entries never expire during the test: only the notification can refresh the page.
        return {"PAGE_CACHE_ENABLED": True, "PAGE_CACHE_LISTEN": True,
                "PAGE_CACHE_SECONDS": 3600}

    def test_change_committed_by_another_process_shows_at_once(self, app, client, make_event):
        event = make_event(title="Seen by every worker")
        db.session.commit()
        cache = app.extensions["page_cache"]
        assert _eventually(cache.usable)
        client.get(f"/events/{event.slug}")
        # Another process: a plain connection that notifies, as the ORM hooks do on commit.
        with psycopg.connect(_conninfo()) as other:
            other.execute("UPDATE events SET title_nl = 'Changed elsewhere' WHERE id = %s",
                          (event.id,))
            other.execute("NOTIFY participation_content")
            page = _as_new_request(client, f"/events/{event.slug}")
            assert "Seen by every worker" in page, "kept until the change is committed"
        assert _eventually(lambda: "Changed elsewhere" in _as_new_request(
            client, f"/events/{event.slug}"))

    def test_commit_that_changes_content_notifies_the_other_processes(self, make_event):
        with psycopg.connect(_conninfo(), autocommit=True) as listener:
            listener.execute("LISTEN participation_content")
            event = make_event()
            db.session.commit()
            received = list(listener.notifies(timeout=2))
        assert {n.channel for n in received} == {"participation_content"}
        tags = {tag for n in received for tag in n.payload.split()}
        assert {f"event:{event.id}", "events"} <= tags

    def test_registration_elsewhere_keeps_the_list_other_processes_serve(
        self, app, client, make_event
    ):
        """A registration notifies only its event: other processes keep their lists."""
        shown, other = make_event(title="Shown event"), make_event(title="Other event")
        db.session.commit()
        cache = app.extensions["page_cache"]
        _wait_listening(cache)
        key_path = f"/events/{shown.slug}"
        _as_new_request(client, key_path)
        with psycopg.connect(_conninfo(), autocommit=True) as elsewhere:
            elsewhere.execute("SELECT pg_notify('participation_content', %s)",
                              (f"event:{other.id}",))
        time.sleep(0.5)
        assert any(k[3] == key_path for k in cache._entries), "kept: not what changed"
        with psycopg.connect(_conninfo(), autocommit=True) as elsewhere:
            elsewhere.execute("SELECT pg_notify('participation_content', %s)",
                              (f"event:{shown.id}",))
        assert _eventually(lambda: not any(k[3] == key_path for k in cache._entries))

    def test_a_stream_of_notifications_costs_the_listener_no_round_trip_each(self, app):
        # Each worker follows every commit anywhere; a heartbeat (SELECT 1) after every
        # notification cost each worker a round trip per commit. A notification proves the
        # connection alive; the heartbeat is for a quiet second.
        cache = app.extensions["page_cache"]
        _wait_listening(cache)
        backend = cache.listener_backend_pid

        def last_query():
            with psycopg.connect(_conninfo(), autocommit=True) as look:
                return look.execute("SELECT query, query_start FROM pg_stat_activity "
                                    "WHERE pid = %s", (backend,)).fetchone()

        with psycopg.connect(_conninfo(), autocommit=True) as elsewhere:
            elsewhere.execute("SELECT pg_notify('participation_content', 'event:0')")
            time.sleep(0.2)
            version, before = cache.version, last_query()
            for n in range(1, 16):
                elsewhere.execute("SELECT pg_notify('participation_content', %s)",
                                  (f"event:{n}",))
                time.sleep(0.05)
            assert _eventually(lambda: cache.version >= version + 15), "all heard"
            assert last_query() == before, "no round trip while notifications came"
        # A quiet second: the heartbeat asks.
        assert _eventually(lambda: last_query()[0] == "SELECT 1" and last_query() != before,
                           seconds=5)
        assert cache.usable()


def _wait_listening(cache) -> None:
    cache.usable()
    assert _eventually(lambda: cache.usable())


def _as_new_request(client, path: str) -> str:
    # The tests' app context outlives requests: forget what its session loaded, as a new
    # request's session would not know it.
    db.session.rollback()
    return client.get(path).get_data(as_text=True)


def _conninfo() -> str:
    return db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _eventually(check, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


class TestWithCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True, "PAGE_CACHE_ENABLED": True, "PAGE_CACHE_LISTEN": False}

    def test_visitor_without_session_gets_no_cookie_from_public_pages(
        self, client, make_event, make_action
    ):
        action = make_action()
        event = make_event(actions=[action])
        db.session.commit()
        for path in ("/", "/events", f"/events/{event.slug}", f"/actions/{action.code}",
                     "/priorities", f"/priorities/{action.priority.slug}"):
            response = client.get(path)
            assert response.status_code == 200, path
            assert "Set-Cookie" not in response.headers, path
            assert response.headers["ETag"], path


def test_a_browser_revalidating_a_page_no_longer_kept_makes_it_kept_again(app, client, make_event):
    # Pages are sent with "no-cache": returning visitors' browsers revalidate every time. When
    # the kept copy has gone (a change, its time), the revalidation renders the page, answers
    # 304 and keeps the page: the next revalidation and the next new visitor are answered
    # from the kept copy, without running the view.
    event = make_event(title="Green Deal evening")
    db.session.commit()
    path = f"/events/{event.slug}"
    rendered = []

    def record(sender, template, context, **extra):
        rendered.append(template.name)

    first = client.get(path)
    etag = first.headers["ETag"]
    page_cache.invalidate()
    with template_rendered.connected_to(record, app):
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b""
        assert again.headers["ETag"] == etag
        assert rendered
        rendered.clear()
        third = client.get(path, headers={"If-None-Match": etag})
        plain = client.get(path)
        assert rendered == []
        assert third.status_code == 304 and third.headers["ETag"] == etag
        assert plain.status_code == 200 and plain.data == first.data
        assert plain.headers["X-Frame-Options"] == "DENY"
        # An out-of-date version gets the page (rendered, then kept, as before).
        page_cache.invalidate()
        stale = client.get(path, headers={"If-None-Match": '"something-else"'})
        assert stale.status_code == 200 and stale.data == first.data
        rendered.clear()
        assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
        assert rendered == []
