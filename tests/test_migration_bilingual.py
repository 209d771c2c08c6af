"""The bilingual-content migration keeps every existing text, as the Dutch version."""

from __future__ import annotations

import os

import sqlalchemy as sa
from flask_migrate import upgrade

from participation import create_app
from participation.extensions import db
from tests.test_migrations import empty_database_url  # noqa: F401  (fixture)

MIGRATIONS = os.path.join(os.path.dirname(__file__), "..", "migrations")


def test_existing_texts_become_dutch_and_are_searchable(empty_database_url):  # noqa: F811
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="06332a55f064")
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO topics (id, slug, position, name_nl, name_en, description_nl) "
                "VALUES (1, 'climate', 0, 'Klimaat', 'Climate', '')"))
            conn.execute(sa.text(
                "INSERT INTO events (id, slug, title, summary, description, topic_id, "
                "starts_at, ends_at, public_transport, language, status, created_at, "
                "updated_at) VALUES (1, 'cafe', 'Klimaatcafé', 'Praat mee', 'Uitleg', 1, "
                "'2030-01-01 18:00:00', '2030-01-01 20:00:00', 'Tram 1', 'nl', 'published', "
                "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"))
        upgrade(directory=MIGRATIONS, revision="b13a1c2d3e4f")
        with db.engine.connect() as conn:
            row = conn.execute(sa.text(
                "SELECT title_nl, title_en, summary_nl, description_nl, public_transport_nl, "
                "public_transport_en, search_title, search_text FROM events")).one()
        db.engine.dispose()
    assert row[:6] == ("Klimaatcafé", None, "Praat mee", "Uitleg", "Tram 1", None)
    assert row.search_title == "klimaatcafe"
    assert row.search_text == "klimaatcafe praat mee uitleg klimaat climate"
