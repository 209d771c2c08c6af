"""PostgreSQL notifications sent with a transaction's commit, in one statement.

The page cache tells every process what a commit changed (``participation_content``) and a
queued mail wakes the workers (``participation_outbox``). Both are ``pg_notify`` calls that
PostgreSQL delivers only if (and when) the transaction commits. Sending each as it comes up
cost a round trip per flush and per mail, inside transactions that hold an event's lock;
here they are gathered per session and sent together just before the commit: one statement
per transaction, whatever it changed. A rolled-back transaction sends nothing.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

_KEY = "pg_notify"

#: Per channel, what to send when the words gathered for it are too many for one payload.
_OVERFLOW: dict[str, tuple[int, str]] = {}


def on_commit(session: Session, channel: str, words: set[str] | frozenset[str] = frozenset()
              ) -> None:
    """Notify ``channel`` with ``words`` (space-separated, sorted) when the session commits."""
    pending: dict[str, set[str]] = session.info.setdefault(_KEY, {})
    pending.setdefault(channel, set()).update(words)


def limit_payload(channel: str, max_length: int, instead: str) -> None:
    """Send ``instead`` on ``channel`` when its words would not fit in ``max_length``."""
    _OVERFLOW[channel] = (max_length, instead)


def pending(session: Session) -> dict[str, set[str]]:
    """What the session will send on commit (for tests and diagnostics)."""
    return session.info.get(_KEY, {})


def _payload(channel: str, words: set[str]) -> str:
    payload = " ".join(sorted(words))
    limit = _OVERFLOW.get(channel)
    if limit and len(payload) > limit[0]:
        return limit[1]
    return payload


def take(session: Session) -> list[tuple[str, str]]:
    """What is pending, as (channel, payload), for a statement about to be sent (for
    ``core.writes``: the ``pg_notify`` calls ride along with its writes); no longer pending
    afterwards. Notifications are delivered only on commit, wherever in the transaction they
    were sent."""
    return payloads(session.info.pop(_KEY, None) or {})


def payloads(gathered: dict[str, set[str]]) -> list[tuple[str, str]]:
    """``{channel: words}`` as (channel, payload), as the commit would send them."""
    return [(channel, _payload(channel, words)) for channel, words in sorted(gathered.items())]


@sa.event.listens_for(Session, "before_commit")
def _send(session: Session) -> None:
    if session.info.get(_KEY) is None and not (session.new or session.dirty or session.deleted):
        return
    session.flush()  # what is still pending adds its own (the page cache's tags)
    if not session.info.get(_KEY):
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.info.pop(_KEY, None)
        return
    calls, params = [], {}
    for i, (channel, payload) in enumerate(take(session)):
        calls.append(f"pg_notify(:c{i}, :p{i})")
        params[f"c{i}"], params[f"p{i}"] = channel, payload
    connection.execute(sa.text("SELECT " + ", ".join(calls)), params)


@sa.event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_KEY, None)
