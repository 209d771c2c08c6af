"""Liveness (/healthz) and readiness (/readyz) for load balancers."""

from __future__ import annotations

import sqlalchemy as sa

from participation.core.readiness import migration_heads
from participation.extensions import db


def test_liveness_answers_without_asking_the_database(client, count_queries):
    with count_queries() as statements:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert statements == []


def test_readiness_fails_while_the_database_does_not_run_the_current_migrations(client, app):
    assert client.get("/readyz").get_json() == {"status": "ready"}
    [head] = migration_heads(app)
    try:
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = '0ld'"))
        response = client.get("/readyz")
        assert response.status_code == 503
        assert "is not the code's" in response.get_json()["problems"][0]

        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE alembic_version"))
        response = client.get("/readyz")
        assert response.status_code == 503
        assert "not migrated" in response.get_json()["problems"][0]
    finally:
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
            conn.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
            conn.execute(sa.text("INSERT INTO alembic_version VALUES (:v)"), {"v": head})
