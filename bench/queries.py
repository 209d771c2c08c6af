"""Count the SQL statements each page runs, in-process through the Flask test client."""

from __future__ import annotations

import contextlib
import importlib
import os

import sqlalchemy as sa


@contextlib.contextmanager
def bench_app(database_url: str, **overrides):
    """The platform in production settings against the benchmark database."""
    from participation import create_app

    saved = dict(os.environ)
    os.environ.update({
        "APP_ENV": "production",
        "SECRET_KEY": "bench-" + "x" * 40,
        "DATABASE_URL": database_url,
        "RATELIMIT_ENABLED": "false",
        **{name: str(value).lower() for name, value in overrides.items()},
    })
    try:
        import config

        importlib.reload(config)  # it reads the environment when imported
        app = create_app("production")
        with app.app_context():
            yield app
            from participation.extensions import db

            db.session.remove()
            db.engine.dispose()
    finally:
        os.environ.clear()
        os.environ.update(saved)


def statements_per_page(database_url: str, paths: dict[str, str]) -> dict[str, dict]:
    """Render each page once to warm up, then count the statements of a second request.

    The page cache is turned off: this counts what a page costs when it is rendered.
    """
    from participation.extensions import db

    results: dict[str, dict] = {}
    with bench_app(database_url, PAGE_CACHE_ENABLED=False) as app:
        client = app.test_client()
        for name, path in paths.items():
            client.get(path, base_url="https://localhost")
            statements: list[str] = []

            def before(conn, cursor, statement, parameters, context, executemany,
                       _seen=statements):
                _seen.append(statement)

            sa.event.listen(db.engine, "before_cursor_execute", before)
            try:
                response = client.get(path, base_url="https://localhost")
            finally:
                sa.event.remove(db.engine, "before_cursor_execute", before)
            results[name] = {"path": path, "status": response.status_code,
                             "queries": len(statements)}
    return results
