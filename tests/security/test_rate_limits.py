"""Public forms that write are rate limited per client address, in memory or in Redis."""

from __future__ import annotations

import uuid

import pytest

from participation.extensions import limiter

REDIS_URL = "redis://127.0.0.1:6379"
EN = {"Accept-Language": "en"}
NL = {"Accept-Language": "nl"}
#: One more than the per-minute limits of participation/core/limits.py.
OVER_THE_LIMIT = 11


def _posts(client, url, n=OVER_THE_LIMIT, headers=EN, **kwargs):
    return [client.post(url, data={}, headers=headers, **kwargs) for _ in range(n)]


def registration(n: int) -> dict:
    """A valid registration of the n-th person (refused forms do not count against a limit)."""
    return {"name": f"Person {n}", "email": f"person{n}@example.org", "consent": "y"}


def _registrations(client, url, n=OVER_THE_LIMIT, headers=EN, **kwargs):
    return [client.post(url, data=registration(i), headers=headers, **kwargs) for i in range(n)]


def _redis():
    import redis

    return redis.Redis.from_url(REDIS_URL)


@pytest.fixture(params=["memory", "redis"])
def storage(request):
    """Limit counters in memory, or in the local Redis under a prefix of this test's own."""
    if request.param == "memory":
        yield {"RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_KEY_PREFIX": "test"}
        return
    prefix = f"participation-test-{uuid.uuid4().hex}"
    try:
        _redis().ping()
    except Exception:  # pragma: no cover - the development and CI machines run Redis
        pytest.fail(f"Redis is not running on {REDIS_URL}")
    yield {"RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix}
    connection = _redis()
    keys = list(connection.scan_iter(f"*{prefix}*"))
    if keys:
        connection.delete(*keys)
    connection.close()


@pytest.fixture
def app_config(storage):
    return {"RATELIMIT_ENABLED": True, **storage}


def test_registering_is_limited_with_a_friendly_page_in_both_languages(
        client, make_event, storage):
    event = make_event()
    url = f"/events/{event.slug}/register"
    statuses = [r.status_code for r in _registrations(client, url)]
    assert statuses == [303] * (OVER_THE_LIMIT - 1) + [429]
    english = client.post(url, headers=EN)
    assert english.status_code == 429
    assert "Too many requests" in english.get_data(as_text=True)
    assert "Wait a minute and try again" in english.get_data(as_text=True)
    assert "Retry-After" in english.headers
    dutch = client.post(url, headers=NL)
    assert dutch.status_code == 429
    assert '<html lang="nl">' in dutch.get_data(as_text=True)
    assert "Te veel aanvragen" in dutch.get_data(as_text=True)
    # Reading the page is never limited.
    assert client.get(url).status_code == 200
    if storage["RATELIMIT_STORAGE_URI"].startswith("redis"):
        assert list(_redis().scan_iter(f"*{storage['RATELIMIT_KEY_PREFIX']}*"))


def test_giving_and_reporting_opinions_are_limited(
        client, login, make_user, make_action, make_opinion):
    action = make_action()
    other = make_opinion(action)
    login(make_user())
    for url in (f"/actions/{action.code}/opinion", f"/opinions/{other.id}/report",
                f"/actions/{action.code}/opinion/withdraw"):
        statuses = [r.status_code for r in _posts(client, url)]
        assert 429 not in statuses[:-1], url
        assert statuses[-1] == 429, url


def test_cancelling_through_manage_links_and_signing_up_are_limited(client, make_event):
    from participation.registrations import services

    event = make_event()
    registration = services.register(event, name="Ann", email="ann@example.org").registration
    token = services.manage_token(registration)
    from participation.extensions import db

    db.session.commit()
    assert _posts(client, f"/registrations/{token}/cancel")[-1].status_code == 429
    sign_ups = [client.post("/account/sign-up", data={
        "name": "Ann", "email": f"ann{n}@example.org", "password": "x" * 12})
        for n in range(OVER_THE_LIMIT)]
    assert sign_ups[-1].status_code == 429


class TestSwitchedOff:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": False}

    def test_rate_limit_enabled_false_switches_every_limit_off(self, client, make_event):
        event = make_event()
        assert not limiter.enabled
        statuses = {r.status_code for r in _posts(client, f"/events/{event.slug}/register", 25)}
        statuses |= {r.status_code for r in _posts(client, "/account/sign-in", 25)}
        assert statuses == {422}


class TestBehindAProxy:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
                "PROXY_FIX_X_FOR": 1}

    def test_each_forwarded_address_has_its_own_count(self, client, make_event):
        event = make_event()
        url = f"/events/{event.slug}/register"
        first = _registrations(client, url, headers={"X-Forwarded-For": "203.0.113.7"})
        assert first[-1].status_code == 429
        other = client.post(url, data=registration(99), headers={"X-Forwarded-For": "203.0.113.8"})
        assert other.status_code == 303


class TestWithoutATrustedProxy:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}

    def test_a_forged_forwarded_for_header_does_not_escape_the_limit(self, client, make_event):
        event = make_event()
        url = f"/events/{event.slug}/register"
        statuses = [client.post(url, data=registration(n),
                                headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
                    for n in range(OVER_THE_LIMIT)]
        assert statuses[-1] == 429


class TestAbuse:
    """Finding 5: limits per client and per mailbox; typos do not count."""

    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}

    def test_refused_forms_do_not_count_against_the_limit(self, client, make_event):
        event = make_event()
        url = f"/events/{event.slug}/register"
        typos = [client.post(url, data={"name": "Ann", "email": "ann-at-example", "consent": "y"})
                 for _ in range(3 * OVER_THE_LIMIT)]
        assert {r.status_code for r in typos} == {422}
        assert client.post(url, data=registration(1)).status_code == 303

    def test_one_mailbox_is_limited_whatever_case_dots_and_tags_and_address(
        self, client, make_event
    ):
        from participation.core.limits import MAILBOX_LIMIT

        per_hour = int(MAILBOX_LIMIT.split()[0])
        events = [make_event() for _ in range(per_hour + 1)]
        variants = ["spam@gmail.com", "S.pam@gmail.com", "spam+1@gmail.com", "SPAM+2@GMail.com",
                    "s.p.a.m+x@googlemail.com", "spam+3@gmail.com"]
        statuses = [
            client.post(f"/events/{event.slug}/register",
                        data={"name": "Spam", "email": email, "consent": "y"},
                        environ_base={"REMOTE_ADDR": f"198.51.100.{n}"}).status_code
            for n, (event, email) in enumerate(zip(events, variants, strict=False))
        ]
        assert statuses == [303] * per_hour + [429]
        other = client.post(f"/events/{events[0].slug}/register", data=registration(7),
                            environ_base={"REMOTE_ADDR": "198.51.100.77"})
        assert other.status_code == 303
