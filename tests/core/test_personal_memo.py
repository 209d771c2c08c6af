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
from datetime import timedelta

import pytest

from participation.accounts.models import Role
from participation.database import utcnow
from participation.extensions import db
from tests.core.other_process import in_another_process as _in_another_process
from tests.core.other_process import wait_for as _wait

EN = {"Accept-Language": "en"}

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="other processes' changes reach this one through PostgreSQL notifications",
)


@pytest.fixture
def app_config():
    return {"PAGE_CACHE_ENABLED": True, "PAGE_CACHE_LISTEN": True, "PAGE_CACHE_SECONDS": 3600}


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


# The action page (issue 16): the action, the person's own opinion and the events they may
# name are kept too; each is dropped by a change made in another process.


def test_a_signed_in_action_page_costs_no_query_once_kept(app, client, make_user, make_action,
                                                          make_event, make_registration, login,
                                                          listening, count_queries):
    action = make_action()
    resident = login(make_user())
    event = make_event(actions=[action], starts_at=utcnow() - timedelta(days=1),
                       title="Kept evening")
    make_registration(event, user=resident)
    assert "Kept evening" in client.get(f"/actions/{action.code}", headers=EN).text
    db.session.expunge_all()
    with count_queries() as statements:
        page = client.get(f"/actions/{action.code}", headers=EN)
    assert page.status_code == 200 and "Kept evening" in page.text
    assert statements == []


def test_an_opinion_given_or_hidden_elsewhere_shows_on_the_next_page(app, client, make_user,
                                                                    make_action, login, listening):
    action = make_action()
    resident = login(make_user())
    assert "Withdraw my opinion" not in client.get(f"/actions/{action.code}", headers=EN).text
    _in_another_process(app, f"""
from participation.accounts.models import User
from participation.feedback import services
from participation.policy.models import PolicyAction
resident = db.session.get(User, {resident.id})
action = db.session.get(PolicyAction, {action.id})
services.give_opinion(resident, action, "support", "Given in another worker", False)
""")
    _wait(lambda: "Withdraw my opinion" in client.get(f"/actions/{action.code}", headers=EN).text,
          "an opinion given in another process did not show as the resident's own")
    assert "Given in another worker" in client.get(f"/actions/{action.code}", headers=EN).text

    _in_another_process(app, f"""
from participation.feedback.models import Opinion, OpinionStatus
opinion = db.session.scalar(db.select(Opinion).where(Opinion.user_id == {resident.id}))
opinion.status = OpinionStatus.HIDDEN
opinion.hidden_reason = "Names a neighbour"
""")
    _wait(lambda: "Names a neighbour" in client.get(f"/actions/{action.code}", headers=EN).text,
          "the moderators' hiding in another process did not show to the author")


def test_registrations_made_or_cancelled_elsewhere_change_the_events_offered(
    app, client, make_user, make_action, make_event, login, listening
):
    action = make_action()
    resident = login(make_user())
    by_account = make_event(actions=[action], starts_at=utcnow() - timedelta(days=1),
                            title="Evening by account")
    by_address = make_event(actions=[action], starts_at=utcnow() - timedelta(days=2),
                            title="Evening by address")
    db.session.commit()  # the other process sees them
    page = client.get(f"/actions/{action.code}", headers=EN).text
    assert ">Evening by account (" not in page and ">Evening by address (" not in page
    register = """
from datetime import timedelta
from participation.accounts.models import User
from participation.events.models import Event
from participation.registrations import services
event = db.session.get(Event, {event})
services.register(event, name="Resident", email={email!r}, user={user},
                  now=event.starts_at - timedelta(days=1))
"""
    # Signed in, in another worker.
    _in_another_process(app, register.format(
        event=by_account.id, email=resident.email, user=f"db.session.get(User, {resident.id})"))
    _wait(lambda: ">Evening by account (" in client.get(f"/actions/{action.code}", headers=EN).text,
          "an event registered for in another process was not offered")
    # Not signed in, with the account's confirmed address.
    _in_another_process(app, register.format(event=by_address.id, email=resident.email,
                                             user=None))
    _wait(lambda: ">Evening by address (" in client.get(f"/actions/{action.code}", headers=EN).text,
          "an event registered for with the person's address was not offered")
    # Cancelled elsewhere: no longer offered.
    _in_another_process(app, f"""
from participation.registrations import services
from participation.registrations.models import Registration
from datetime import timedelta
registration = db.session.scalar(
    db.select(Registration).where(Registration.event_id == {by_address.id}))
services.cancel(registration, now=registration.event.starts_at - timedelta(hours=1))
""")
    _wait(lambda: ">Evening by address (" not in client.get(f"/actions/{action.code}",
                                                         headers=EN).text,
          "an event whose registration was cancelled in another process was still offered")


def test_an_action_closed_elsewhere_shows_closed(app, client, make_user, make_action, login,
                                                 listening):
    action = make_action()
    login(make_user())
    assert "Give my opinion" in client.get(f"/actions/{action.code}", headers=EN).text
    _in_another_process(app, f"""
from participation.policy.models import PolicyAction
db.session.get(PolicyAction, {action.id}).feedback_open = False
""")
    _wait(lambda: "closed for feedback" in client.get(f"/actions/{action.code}", headers=EN).text,
          "an action closed for feedback in another process still offered the form")



def test_an_action_added_elsewhere_under_a_code_not_found_before_shows(
    app, client, make_user, make_action, login, listening
):
    priority = make_action().priority
    login(make_user())
    assert client.get("/actions/ZZ9", headers=EN).status_code == 404  # kept as not found
    _in_another_process(app, f"""
from participation.policy.models import PolicyAction
db.session.add(PolicyAction(code="ZZ9", priority_id={priority.id}, title_nl="Nieuwe actie",
                            title_en="New action"))
""")
    _wait(lambda: client.get("/actions/ZZ9", headers=EN).status_code == 200,
          "an action added in another process stayed not found")


# Registering (issue 16): the posted form is checked against a kept copy of the event and its
# questions; the service reads the event again under its lock.

REGISTRATION = {"name": "Ann Peeters", "email": "ann@example.org", "consent": "y"}


def _kept_registration_form(client, event) -> str:
    """Post the event's form once with an error: that keeps the event (and registers nobody)."""
    db.session.commit()
    url = f"/events/{event.slug}/register"
    assert client.post(url, data={**REGISTRATION, "name": ""}, headers=EN).status_code == 422
    return url


def test_a_registration_against_a_kept_event_obeys_what_another_process_just_changed(
    app, client, make_event, listening
):
    event = make_event(capacity=5)
    url = _kept_registration_form(client, event)
    _in_another_process(app, f"""
from participation.events.models import Event
db.session.get(Event, {event.id}).registration_paused = True
""")
    # At once, whether or not this process has heard of the change yet: the lock reads the
    # event again.
    assert client.post(url, data=REGISTRATION, headers=EN).status_code == 409
    db.session.expire_all()
    assert event.confirmed_count == 0


def test_a_required_question_added_elsewhere_is_asked_on_the_next_registration(
    app, client, make_event, listening
):
    event = make_event(capacity=5)
    url = _kept_registration_form(client, event)
    _in_another_process(app, f"""
from participation.registrations.models import QuestionKind, RegistrationQuestion
db.session.add(RegistrationQuestion(event_id={event.id}, position=1, kind=QuestionKind.SHORT_TEXT,
                                    label_nl="Dieet?", label_en="Diet?", required=True))
""")
    # The change reaches this process (the kept copy is dropped), then the form asks it.
    _wait(lambda: ("registrations.event", event.slug) not in listening._memos,
          "a question added in another process did not drop the kept event")
    response = client.post(url, data=REGISTRATION, headers=EN)
    assert response.status_code == 422 and "Diet?" in response.text
    db.session.expire_all()
    assert event.confirmed_count == 0
