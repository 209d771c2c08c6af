"""A signed-in person's own state kept in memory is exact across processes (issue 16, item 3).

On PostgreSQL every process follows the others' commits (LISTEN/NOTIFY), so a signed-in
request takes the person's account, roles and follows from memory instead of from three
queries. These tests prove it is dropped the moment another process changes it: a role taken
away, a password changed (every session signed out), an action followed elsewhere. Each
change is made by a separate Python process with the platform's own code, as a second
gunicorn worker or app server would.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from participation.accounts.models import Role
from participation.extensions import db

ROOT = Path(__file__).resolve().parents[2]
EN = {"Accept-Language": "en"}

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="other processes' changes reach this one through PostgreSQL notifications",
)


@pytest.fixture
def app_config():
    return {"PAGE_CACHE_ENABLED": True, "PAGE_CACHE_LISTEN": True, "PAGE_CACHE_SECONDS": 3600}


@pytest.fixture
def listening(app):
    cache = app.extensions["page_cache"]
    cache.usable()  # starts the listener
    _wait(cache.usable, "the page cache never started listening")
    yield cache
    cache.stop_listening()


def _wait(condition, message: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # Requests in tests share the test's session: start each from an empty one, as each
        # request does in production, so that what it knows comes from the kept memory.
        db.session.expunge_all()
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(message, pytrace=False)


def _in_another_process(app, code: str) -> None:
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


def test_a_kept_user_costs_no_query_and_a_role_taken_elsewhere_counts_at_once(
    app, client, make_user, login, listening, count_queries
):
    staff = login(make_user(roles=(Role.RESIDENT, Role.STAFF)))
    assert client.get("/staff/dashboard", headers=EN).status_code == 200
    db.session.expunge_all()  # what the request knows comes from memory, not this session
    with count_queries() as statements:
        assert client.get("/privacy", headers=EN).status_code == 200
    assert not [s for s in statements if "FROM users" in s or "FROM user_roles" in s]

    _in_another_process(app, f"""
from participation.accounts.models import UserRole
role = db.session.get(UserRole, ({staff.id}, "staff"))
db.session.delete(role)
""")
    _wait(lambda: client.get("/staff/dashboard", headers=EN).status_code == 403,
          "the role taken away in another process still opened the staff pages")


def test_a_password_changed_elsewhere_signs_this_session_out(app, client, make_user, login,
                                                             listening):
    resident = login(make_user())
    assert client.get("/account", headers=EN).status_code == 200
    _in_another_process(app, f"""
from participation.accounts.models import User
user = db.session.get(User, {resident.id})
user.session_version += 1
""")
    _wait(lambda: client.get("/account", headers=EN).status_code == 302,
          "the session of before the password change still worked")


def test_following_elsewhere_shows_on_the_next_page(app, client, make_user, make_action, login,
                                                    listening):
    action = make_action()
    resident = login(make_user())
    page = client.get(f"/actions/{action.code}", headers=EN).text
    assert "Stop following" not in page
    _in_another_process(app, f"""
from participation.policy.models import Follow
db.session.add(Follow(user_id={resident.id}, action_id={action.id}))
""")
    _wait(lambda: "Stop following" in client.get(f"/actions/{action.code}", headers=EN).text,
          "a follow made in another process did not show")

    # And stopping here shows at once (this process's own commit).
    client.post(f"/actions/{action.code}/follow", data={"follow": "0"}, headers=EN)
    assert "Stop following" not in client.get(f"/actions/{action.code}", headers=EN).text
