"""A transaction's notifications go out with its commit, in one statement (issue 16).

The page cache's tags (``participation_content``) and the outbox's wake-up
(``participation_outbox``) used to be one statement each, as they came up, inside
transactions that hold an event's lock. Here a second connection listens, as the page
caches of other workers and the mail workers do.
"""

from __future__ import annotations

import os
from types import SimpleNamespace

import psycopg
import pytest
import sqlalchemy as sa

from participation.core import notify
from participation.core.page_cache import CHANNEL
from participation.extensions import db
from participation.mail.services import OUTBOX_CHANNEL, queue_mail

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="notifications are PostgreSQL's",
)


@pytest.fixture
def listener(app):
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f"LISTEN {CHANNEL}")
        conn.execute(f"LISTEN {OUTBOX_CHANNEL}")

        def received() -> list[tuple[str, str]]:
            return [(n.channel, n.payload) for n in conn.notifies(timeout=0.5, stop_after=10)]

        yield received


def _mail() -> None:
    queue_mail("password_changed", "ann@example.org", "Subject", "en",
               {"user": SimpleNamespace(name="Ann"), "reset_link": "https://example.org"})


def test_a_commit_sends_the_page_tags_and_the_outbox_wake_up_in_one_statement(
    make_action, listener, count_queries
):
    action = make_action()
    db.session.commit()
    listener()  # what creating the action sent
    with count_queries() as statements:
        action.progress = 40
        db.session.flush()
        _mail()
        action.summary_nl = "Nieuw"
        db.session.commit()
    assert sum("pg_notify" in s for s in statements) == 1
    assert not any(s.lstrip().upper().startswith("NOTIFY") for s in statements)
    received = dict(listener())
    assert f"action:{action.id}" in received[CHANNEL].split()
    assert OUTBOX_CHANNEL in received


def test_a_rolled_back_transaction_sends_nothing(make_action, listener):
    action = make_action()
    db.session.commit()
    listener()
    action.progress = 70
    db.session.flush()
    _mail()
    assert notify.pending(db.session())
    db.session.rollback()
    assert notify.pending(db.session()) == {}
    db.session.commit()
    assert listener() == []
