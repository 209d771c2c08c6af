"""Other processes' commits reaching this one (PostgreSQL notifications), for the tests of
what is kept in memory: a change made by a separate Python process, as a second gunicorn
worker or app server would make it, and a wait for the next page to show it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from participation.extensions import db

ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition, message: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # Requests in tests share the test's session: start each from an empty one, as each
        # request does in production, so that what it knows comes from the kept memory.
        db.session.expunge_all()
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(message, pytrace=False)


def in_another_process(app, code: str) -> None:
    """Run ``code`` with the platform's app and session in a process of its own, and commit."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    script = (
        "from participation import create_app\n"
        "from participation.extensions import db\n"
        f"app = create_app({{'SQLALCHEMY_DATABASE_URI': {url!r}}})\n"
        "with app.app_context():\n"
        + "".join(f"    {line}\n" for line in code.strip().splitlines())
        + "    db.session.commit()\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, timeout=60,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})


def signed_in_client(app, user, fresh: bool = True):
    """A test client of its own with ``user`` signed in (``fresh=False``: as Flask-Login
    leaves a session after its first request from another browser)."""
    client = app.test_client()
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = fresh
    return client
