"""Pages kept for a visitor with a session (issue 16, items 1 and 3).

A signed-in person asking again for the same page gets it without the view running: no
query, no template, only their own CSRF token put in. The key is their whole session state
(who they are, their language, a flashed message waiting) and the page is dropped by what
it showed, including the person's own state changed in another process. Only on
PostgreSQL, where every process follows the others' commits.
"""

from __future__ import annotations

import os
import re

import pytest

from participation.accounts.models import Role
from participation.extensions import db
from participation.policy.models import Follow
from tests.core.other_process import in_another_process, signed_in_client, wait_for

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="other processes' changes reach this one through PostgreSQL notifications",
)

EN = {"Accept-Language": "en"}
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def app_config():
    return {"PAGE_CACHE_ENABLED": True, "PAGE_CACHE_LISTEN": True, "PAGE_CACHE_SECONDS": 3600,
            "WTF_CSRF_ENABLED": True}


def _get(client, path, headers=EN):
    db.session.expunge_all()  # each request starts from an empty session, as in production
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    return response


def _kept(client, path, headers=EN):
    """Ask until the page is kept (the first visit may mark the session as not fresh)."""
    for _ in range(3):
        _get(client, path, headers)
    return _get(client, path, headers)


def test_a_kept_page_runs_no_query_and_no_template_and_carries_the_persons_own_token(
    app, client, make_user, make_action, login, listening, count_queries, templates_rendered
):
    path = f"/actions/{make_action().code}"
    login(make_user())
    first = _kept(client, path)
    templates_rendered.clear()
    with count_queries() as statements:
        again = _get(client, path)
    assert statements == [] and templates_rendered == []
    assert "Sign out" in again.text and "Stop following" not in again.text
    token = _TOKEN.search(again.text).group(1)
    assert "\x00" not in again.text
    # The same page but for the token (signed afresh on each request).
    assert _TOKEN.sub("", again.text) == _TOKEN.sub("", first.text)
    # The token put in works: following the action from the kept page succeeds.
    response = client.post(f"{path}/follow",
                           data={"follow": "1", "csrf_token": token}, headers=EN)
    assert response.status_code == 302
    assert "Stop following" in _get(client, path).text


def test_each_person_gets_their_own_page(app, make_user, make_action, listening):
    action = make_action()
    path = f"/actions/{action.code}"
    staff = make_user(roles=(Role.RESIDENT, Role.STAFF))
    db.session.add(Follow(user_id=staff.id, action_id=action.id))
    ann = signed_in_client(app, fresh=False, user=staff)
    bo = signed_in_client(app, fresh=False, user=make_user())
    for _ in range(3):
        ann_page = _get(ann, path).text
        bo_page = _get(bo, path).text
        assert "Policy staff" in ann_page and "Stop following" in ann_page
        assert "Policy staff" not in bo_page and "Stop following" not in bo_page
        assert "Sign out" in bo_page
    # Signed out, the same browser never gets the signed-in page.
    with ann.session_transaction() as session:
        session.pop("_user_id")
    signed_out = _get(ann, path).text
    assert "Sign out" not in signed_out and "Policy staff" not in signed_out


def test_a_flashed_message_shows_and_the_kept_page_is_not_the_flashed_one(
    app, client, make_user, make_action, login, listening
):
    path = f"/actions/{make_action().code}"
    login(make_user())
    _kept(client, path)
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "A message for this visit only")]
    assert "A message for this visit only" in _get(client, path).text
    assert "A message for this visit only" not in _get(client, path).text


def test_the_language_asked_for_and_the_one_chosen_elsewhere_count(
    app, make_user, make_action, listening
):
    path = f"/actions/{make_action().code}"
    resident = make_user(locale=None)  # the browser's language decides
    client = signed_in_client(app, fresh=False, user=resident)
    assert _kept(client, path, {"Accept-Language": "en"}).text.startswith(
        '<!doctype html>\n<html lang="en">')
    assert _kept(client, path, {"Accept-Language": "nl"}).text.startswith(
        '<!doctype html>\n<html lang="nl">')
    in_another_process(app, f"""
from participation.accounts.models import User
db.session.get(User, {resident.id}).locale = "nl"
""")
    wait_for(lambda: client.get(path, headers=EN).text.startswith(
        '<!doctype html>\n<html lang="nl">'),
        "the language chosen in another process did not show on the kept page")


def test_a_session_seen_from_another_browser_is_checked_by_flask_login_first(
    app, client, make_user, make_action, login, listening
):
    path = f"/actions/{make_action().code}"
    login(make_user())
    _kept(client, path)
    with client.session_transaction() as session:
        session["_id"] = "made in another browser"
        session["_fresh"] = True
    _get(client, path)
    with client.session_transaction() as session:
        assert session["_fresh"] is False  # Flask-Login ran and marked it, as always


def test_the_kept_pages_per_process_are_bounded(app, client, make_user, make_action, login,
                                                listening):
    app.extensions["page_cache"].personal_max_entries = 2
    paths = [f"/actions/{make_action().code}" for _ in range(4)]
    login(make_user())
    for path in paths:
        _kept(client, path)
    assert len(app.extensions["page_cache"]._personal) == 2
