"""What each tag is shown by, so that a commit drops only those entries (``PageCache``).

Every commit drops its tags in every worker (a registration every few milliseconds under
load). Walking every kept page, personal page and memo for each commit made a sign-up cost
more the fuller the caches were (issue 16: 17% fewer sign-ups a second with 500 pages kept);
the cache now keeps, per tag, what shows it. These tests hold the index to the entries: the
same pages are dropped as by a walk over all of them, and nothing is left behind in it.
"""

from __future__ import annotations

import time

import pytest
from flask import Flask

from participation.core.page_cache import ALL, Entry, KeptPage, PageCache


@pytest.fixture
def cache() -> PageCache:
    app = Flask(__name__)
    app.config.update(PAGE_CACHE_ENABLED=True, PAGE_CACHE_MAX_ENTRIES=5,
                      PAGE_CACHE_PERSONAL_MAX_ENTRIES=3)
    return PageCache(app)


def page(cache: PageCache, *deps: str) -> Entry:
    return Entry(body=b"x", status="200 OK", headers=[], not_modified_headers=[],
                 version=cache.version, expires=time.monotonic() + 60, etag="e",
                 deps=frozenset(deps))


def personal(cache: PageCache, *deps: str) -> KeptPage:
    return KeptPage(html="x", status=200, headers=[], version=cache.version,
                    expires=time.monotonic() + 60, deps=frozenset(deps))


def index_size(cache: PageCache) -> int:
    return sum(len(keys) for keys in cache._showing.values()) + len(cache._showing_all)


def test_a_change_drops_what_shows_it_and_what_shows_everything(cache):
    cache.put("event 1", page(cache, "event:1", "events"))
    cache.put("event 2", page(cache, "event:2", "events"))
    cache.put("home", page(cache, ALL))
    cache.put_personal("mine", personal(cache, "event:1", "user:7"))
    cache.put_personal("yours", personal(cache, "user:8"))
    cache.memo("places of 1", lambda: 3, deps=("event:1",))
    cache.memo("places of 2", lambda: 4, deps=("event:2",))

    cache.invalidate({"event:1"})

    assert cache.get("event 1") is None and cache.get("home") is None
    assert cache.get("event 2") is not None
    assert cache.get_personal("mine") is None and cache.get_personal("yours") is not None
    assert "places of 1" not in cache._memos and "places of 2" in cache._memos
    cache.invalidate({"events"})
    assert cache.get("event 2") is None


def test_the_index_forgets_what_was_dropped_replaced_or_pushed_out(cache):
    for n in range(50):  # ten times the limit, each page showing tags of its own
        cache.put(f"page {n}", page(cache, f"event:{n}", "events"))
        cache.put_personal(f"mine {n}", personal(cache, f"user:{n}"))
        cache.memo(f"memo {n}", lambda: 1, deps=(f"action:{n}",))
    assert len(cache._entries) == 5 and len(cache._personal) == 3
    # What is kept, and nothing more: two tags per page, one per personal page and memo.
    assert index_size(cache) == 5 * 2 + 3 + 50
    cache.put("page 49", page(cache, "priority:1"))  # the same key, showing something else
    cache.invalidate({"event:49"})
    assert cache.get("page 49") is not None  # it no longer shows event 49
    cache.invalidate({"priority:1", "events"})
    assert cache._entries == {} and index_size(cache) == 3 + 50
    cache.invalidate({ALL})
    assert index_size(cache) == 0 and cache._showing == {}


def test_a_page_made_while_what_it_shows_changed_is_not_kept(cache):
    made = page(cache, "event:1")
    cache.invalidate({"event:1"})  # a commit while the page was rendered
    cache.put("event 1", made)
    assert cache.get("event 1") is None and index_size(cache) == 0
