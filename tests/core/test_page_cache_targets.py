"""The page cache drops what a change shows, and only that (issue 16: targeted invalidation)."""

import re

import pytest

from participation.core.page_cache import ALL, PageCache
from participation.extensions import db
from participation.feedback import services as feedback
from participation.feedback.models import Stance
from participation.registrations import services as registrations

EN = {"Accept-Language": "en"}


@pytest.fixture
def app_config():
    return {"PAGE_CACHE_ENABLED": True, "PAGE_CACHE_LISTEN": False, "PAGE_CACHE_SECONDS": 3600}


def _kept(app, path: str) -> bool:
    return any(key[3] == path for key in app.extensions["page_cache"]._entries)


def _register(event, n: int = 1) -> None:
    for i in range(n):
        registrations.register(event, name=f"Person {i}", email=f"p{event.id}-{i}@example.org")
    db.session.commit()


def test_registration_on_another_event_keeps_the_event_page(app, client, make_event,
                                                             count_queries):
    shown, other = make_event(capacity=10), make_event(capacity=10)
    db.session.commit()
    client.get(f"/events/{shown.slug}", headers=EN)
    _register(other)
    assert _kept(app, f"/events/{shown.slug}")
    with count_queries() as statements:
        client.get(f"/events/{shown.slug}", headers=EN)
    assert statements == []


def test_registration_on_the_event_drops_its_page_and_shows_the_places(app, client,
                                                                      make_event):
    event = make_event(capacity=10)
    db.session.commit()
    assert "10 places left" in client.get(f"/events/{event.slug}", headers=EN).text
    _register(event, 3)
    assert not _kept(app, f"/events/{event.slug}")
    assert "7 places left" in client.get(f"/events/{event.slug}", headers=EN).text


def test_registration_drops_the_lists_that_show_the_event_only(app, client, make_event,
                                                                make_topic):
    listed_topic, other_topic = make_topic(), make_topic()
    listed = make_event(topic=listed_topic, capacity=5)
    unlisted = make_event(topic=other_topic, capacity=5)
    db.session.commit()
    path = f"/events?topic={listed_topic.slug}"
    client.get(path, headers=EN)
    _register(unlisted)
    assert _kept(app, "/events"), "a registration elsewhere keeps the filtered list"
    _register(listed, 2)
    assert not _kept(app, "/events")
    assert "3 places left" in client.get(path, headers=EN).text


def test_opinion_drops_its_action_page(app, client, make_action, make_user):
    action, other = make_action(feedback_open=True), make_action(feedback_open=True)
    db.session.commit()
    client.get(f"/actions/{action.code}", headers=EN)
    client.get(f"/actions/{other.code}", headers=EN)
    resident = make_user()
    feedback.give_opinion(resident, action, Stance.SUPPORT, "More trees on the squares, please",
                          show_name=False)
    db.session.commit()
    assert not _kept(app, f"/actions/{action.code}")
    assert "More trees on the squares" in client.get(f"/actions/{action.code}", headers=EN).text


def test_change_to_a_model_without_tags_drops_everything(app, client, make_event, make_topic):
    event = make_event()
    db.session.commit()
    client.get(f"/events/{event.slug}", headers=EN)
    make_topic()  # topics declare no tags of their own: any change may show anywhere
    db.session.commit()
    assert not _kept(app, f"/events/{event.slug}")


class TestStoring:
    """A page rendered while something it shows changed is not kept; otherwise it is."""

    def _cache(self, app) -> PageCache:
        return app.extensions["page_cache"]

    def test_unrelated_change_during_rendering_keeps_the_page_fresh(self, app):
        cache = self._cache(app)
        started = cache.version
        cache.invalidate({"event:2"})
        assert cache.still_fresh(started, frozenset({"event:1", "events"}))

    def test_related_change_during_rendering_makes_the_page_stale(self, app):
        cache = self._cache(app)
        started = cache.version
        cache.invalidate({"event:1"})
        assert not cache.still_fresh(started, frozenset({"event:1", "events"}))

    def test_page_that_declared_nothing_is_stale_after_any_change(self, app):
        cache = self._cache(app)
        started = cache.version
        cache.invalidate({"event:2"})
        assert not cache.still_fresh(started, frozenset({ALL}))

    def test_nested_recordings_with_equal_tags_are_kept_apart(self, app):
        cache = self._cache(app)
        outer = cache.start_recording()
        inner = cache.start_recording()
        cache.declare({"event:1"})
        assert cache.stop_recording(inner) == {"event:1"}
        cache.declare({"events"})
        assert cache.stop_recording(outer) == {"event:1", "events"}


class TestSignedIn:
    """Signed-in pages reuse what is the same for everyone and add the person's own parts."""

    @pytest.fixture
    def app_config(self):
        return {"PAGE_CACHE_ENABLED": True, "PAGE_CACHE_LISTEN": False,
                "PAGE_CACHE_SECONDS": 3600, "WTF_CSRF_ENABLED": True}

    def test_kept_fragments_cost_no_content_queries(self, client, login, make_user, make_event,
                                                     make_action, count_queries):
        action = make_action()
        event = make_event(actions=[action])
        login(make_user())
        for path in ("/events", f"/events/{event.slug}", f"/priorities/{action.priority.slug}"):
            client.get(path, headers=EN)
            with count_queries() as statements:
                assert client.get(path, headers=EN).status_code == 200
            # The person's own parts: their account, roles and what they follow.
            content = [s for s in statements if "FROM users" not in s
                       and "FROM user_roles" not in s and "FROM follows" not in s
                       and not s.startswith("BEGIN")]
            assert content == [], (path, content)

    def test_signed_in_page_shows_places_after_each_registration(self, client, login,
                                                                  make_user, make_event):
        event = make_event(capacity=10)
        login(make_user())
        assert "10 places left" in client.get(f"/events/{event.slug}", headers=EN).text
        _register(event, 4)
        assert "6 places left" in client.get(f"/events/{event.slug}", headers=EN).text
        assert "6 places left" in client.get("/events", headers=EN).text

    def test_each_person_gets_their_own_csrf_token_in_a_kept_fragment(
        self, app, make_user, make_action, make_opinion
    ):
        action = make_action(feedback_open=True)
        make_opinion(action)
        db.session.commit()
        tokens = []
        for person in (make_user(), make_user()):
            db.session.commit()
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = person.get_id()
                session["_fresh"] = True
            page = client.get(f"/actions/{action.code}", headers=EN).text
            assert "Report this opinion" in page
            found = set(re.findall(r'name="csrf_token" value="([^"]+)"', page))
            assert len(found) == 1, "one token per page, the visitor's own"
            tokens.append(found.pop())
            # The token works for this person: reporting is accepted, not refused as CSRF.
            opinion_id = re.search(r'/opinions/(\d+)/report', page).group(1)
            answer = client.post(f"/opinions/{opinion_id}/report", headers=EN,
                                 data={"csrf_token": tokens[-1], "reason": "Off topic here"})
            assert answer.status_code in (302, 303), (len(tokens), answer.text[:3000])
        assert tokens[0] != tokens[1]
