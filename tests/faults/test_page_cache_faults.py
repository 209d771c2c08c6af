"""The page cache stops serving within seconds when its LISTEN connection dies silently,
and says so in the log, then serves again once it follows changes again."""

from __future__ import annotations

import logging
import time

import pytest


@pytest.fixture
def app_config(pg_proxy):
    return {"SQLALCHEMY_DATABASE_URI": pg_proxy.url, "PAGE_CACHE_ENABLED": True,
            "PAGE_CACHE_LISTEN": True}


def test_a_silently_dead_listen_connection_turns_the_cache_off_within_seconds(
    app, pg_proxy, caplog, wait_until
):
    cache = app.extensions["page_cache"]
    caplog.set_level(logging.INFO, logger="participation.core.page_cache")
    cache.usable()  # starts the listener
    wait_until(cache.usable, timeout=10, message="the page cache never started listening")

    pg_proxy.pause()  # the connection stays open, but nothing answers any more
    try:
        paused = time.monotonic()
        wait_until(lambda: not cache.usable(), timeout=10,
                   message="the cache kept serving with a dead LISTEN connection")
        assert time.monotonic() - paused < 5
        assert not cache.usable()
    finally:
        pg_proxy.resume()
    wait_until(cache.usable, timeout=20, message="the cache did not come back")
    cache.stop_listening()

    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any(m.startswith("page cache off") for m in messages)
    assert messages[-1] == "page cache on again: following changes"
