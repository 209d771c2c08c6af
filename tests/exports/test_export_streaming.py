"""Exports stream: memory stays flat however many rows, and the first bytes come at once."""

from __future__ import annotations

import tracemalloc

import pytest
import sqlalchemy as sa

from participation.accounts.models import Role, User
from participation.database import utcnow
from participation.exports import opinions as opinion_exports
from participation.extensions import db
from participation.feedback.models import Opinion
from participation.policy.models import PolicyAction

USERS, ACTIONS = 500, 100  # 50,000 opinions
BODY = "I think this action matters for the city and its people. " * 8  # ~460 characters
PEAK_BOUND = 12 * 1024 * 1024


@pytest.fixture
def many_opinions(make_action):
    """Bulk insert 50,000 opinions (500 residents on 100 actions)."""
    priority = make_action().priority
    now = utcnow()
    db.session.execute(sa.insert(PolicyAction), [
        {"code": f"B{n:03d}", "priority_id": priority.id, "title_nl": f"Actie {n}",
         "created_at": now, "updated_at": now}
        for n in range(ACTIONS)
    ])
    db.session.execute(sa.insert(User), [
        {"email": f"bulk{n}@example.org", "name": f"Bulk {n}", "created_at": now,
         "locale": "nl"}
        for n in range(USERS)
    ])
    action_ids = db.session.scalars(
        sa.select(PolicyAction.id).where(PolicyAction.code.like("B%"))).all()
    user_ids = db.session.scalars(
        sa.select(User.id).where(User.email.like("bulk%"))).all()
    stances = ("support", "mixed", "oppose")
    for action_id in action_ids:
        db.session.execute(sa.insert(Opinion), [
            {"action_id": action_id, "user_id": user_id, "stance": stances[user_id % 3],
             "body": BODY, "show_name": False, "source": "online", "locale": "nl",
             "status": "published", "created_at": now, "updated_at": now}
            for user_id in user_ids
        ])
    db.session.commit()
    return USERS * ACTIONS


@pytest.mark.slow
def test_csv_export_streams_50000_rows_in_flat_memory_and_starts_at_once(
    client, login, make_user, many_opinions, monkeypatch
):
    rows_read = 0
    original = opinion_exports.opinion_rows

    def counting_rows(*args, **kwargs):
        nonlocal rows_read
        for row in original(*args, **kwargs):
            rows_read += 1
            yield row

    monkeypatch.setattr(opinion_exports, "opinion_rows", counting_rows)
    original_lines = opinion_exports.opinion_csv_lines

    def counting_lines(*args, **kwargs):  # PostgreSQL writes the lines itself (COPY)
        nonlocal rows_read
        for line in original_lines(*args, **kwargs):
            rows_read += getattr(line, "rows", 1)  # chunks of lines say how many
            yield line

    monkeypatch.setattr(opinion_exports, "opinion_csv_lines", counting_lines)
    login(make_user(roles=(Role.STAFF,)))
    tracemalloc.start()
    try:
        response = client.get("/staff/exports/opinions.csv", buffered=False)
        assert response.status_code == 200
        chunks = iter(response.response)
        first = next(chunks)
        assert first.startswith("\ufeff\"action_code\",".encode())
        assert rows_read < many_opinions  # the first bytes left before all rows were read
        size, lines = len(first), first.count(b"\n")
        for chunk in chunks:
            size += len(chunk)
            lines += chunk.count(b"\n")
        response.close()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert rows_read == many_opinions
    assert lines == many_opinions + 1
    assert size > 2 * PEAK_BOUND  # the whole file would not have fitted under the bound
    assert peak < PEAK_BOUND, f"peak traced memory {peak / 1e6:.1f} MB"
