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


#: The browser the signed-in resident uses: the session is made for it (Flask-Login keeps a
#: hash of the address and the browser in the session), and the load generators send it.
BROWSER = "participation-bench/1"


def signed_in_cookie(database_url: str, secret_key: str) -> str | None:
    """A session cookie of a verified resident, as the served app (same secret) accepts it.

    Built with the platform's own sign-in (Flask-Login) and session interface, so it carries
    whatever the app puts in a session (user id, session version, the CSRF token the sign-in
    form made), for requests from 127.0.0.1 with the ``BROWSER`` user agent, as if that
    browser had signed in.
    """
    from flask import session
    from flask_login import login_user
    from flask_wtf.csrf import generate_csrf

    from participation.accounts.models import User
    from participation.extensions import db

    with bench_app(database_url, SECRET_KEY=secret_key) as app:
        app.config["SECRET_KEY"] = secret_key
        user = db.session.scalar(sa.select(User).where(User.email_verified_at.is_not(None))
                                 .order_by(User.id).limit(1))
        if user is None:
            return None
        with app.test_request_context("/", base_url="https://localhost",
                                      environ_base={"REMOTE_ADDR": "127.0.0.1"},
                                      headers={"User-Agent": BROWSER}):
            # A browser that signed in holds a CSRF token in its session (the sign-in form
            # made it); without one every page would make one and send a new cookie.
            generate_csrf()
            login_user(user)
            response = app.response_class()
            app.session_interface.save_session(app, session, response)
            for header in response.headers.getlist("Set-Cookie"):
                name, _, rest = header.partition("=")
                if name == app.config["SESSION_COOKIE_NAME"]:
                    return f"{name}={rest.split(';', 1)[0]}"
    return None
