"""Fixtures of the core tests."""

from __future__ import annotations

import pytest

from tests.core.other_process import wait_for


@pytest.fixture
def listening(app):
    """The page cache following every process's commits (PostgreSQL LISTEN), until the end."""
    cache = app.extensions["page_cache"]
    cache.usable()  # starts the listener
    wait_for(cache.usable, "the page cache never started listening")
    yield cache
    cache.stop_listening()
