"""Rows kept in memory and put into a request's session without a query (``core.snapshots``)."""

from __future__ import annotations

from participation.core import snapshots
from participation.extensions import db
from participation.registrations.models import Registration


def test_a_kept_row_changed_in_place_by_one_request_is_not_changed_for_the_next(app):
    """Rows are kept as plain data; each request gets its own instance and its own lists."""
    kept = {"id": 1, "event_id": 1, "companion_names": ["Bea"], "email": "a@example.org"}
    with app.test_request_context():
        first = snapshots.materialise(Registration, kept)
        first.companion_names.append("Cas")
        db.session.expunge_all()
        second = snapshots.materialise(Registration, kept)
        assert second.companion_names == ["Bea"] and second is not first
        assert not db.session.is_modified(second)
