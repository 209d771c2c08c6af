"""Following an action or a priority, update mails to followers, and one-click unsubscribe."""

from __future__ import annotations

import pytest

from participation.accounts.models import Role
from participation.extensions import db
from participation.feedback import services as feedback_services
from participation.mail.models import OutboxMessage
from participation.mail.sender import build_message
from participation.policy import follows
from participation.policy.models import ActionStatus, Follow

EN = {"Accept-Language": "en"}


@pytest.fixture
def staff(make_user):
    return make_user(roles=[Role.STAFF])


def update_mails() -> list[OutboxMessage]:
    return list(db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.kind == "action_update")
        .order_by(OutboxMessage.recipient)
    ))


def test_resident_follows_an_action_from_its_page_without_giving_an_opinion(
    client, login, make_user, make_action
):
    action = make_action(code="A07")
    resident = login(make_user(email="fan@example.org"))
    page = client.get("/actions/A07", headers=EN).get_data(as_text=True)
    assert "Get a mail when the city reports back" in page
    response = client.post("/actions/A07/follow", data={"follow": "1"})
    assert response.status_code == 302 and response.location.endswith("/actions/A07#follow")
    assert follows.is_following(resident, action)
    client.post("/actions/A07/follow", data={"follow": "1"})  # twice is harmless
    assert db.session.scalar(db.select(db.func.count(Follow.id))) == 1
    assert "Stop following" in client.get("/actions/A07", headers=EN).get_data(as_text=True)
    assert "A07" in client.get("/following", headers=EN).get_data(as_text=True)
    client.post("/actions/A07/follow", data={"follow": "0"})
    assert not follows.is_following(resident, action)


def test_anonymous_visitors_are_asked_to_sign_in_and_cannot_follow(client, make_action):
    make_action(code="A08")
    db.session.commit()
    assert "Sign in to follow" in client.get("/actions/A08", headers=EN).get_data(as_text=True)
    response = client.post("/actions/A08/follow", data={"follow": "1"})
    assert response.status_code in (302, 401) and db.session.scalar(
        db.select(db.func.count(Follow.id))) == 0


def test_unverified_accounts_cannot_follow(client, login, make_user, make_action):
    make_action(code="A09")
    login(make_user(verified=False))
    client.post("/actions/A09/follow", data={"follow": "1"})
    assert db.session.scalar(db.select(db.func.count(Follow.id))) == 0


def test_each_update_mails_followers_of_the_action_and_its_priority_once_each(
    app, staff, make_user, make_action, make_opinion
):
    action = make_action(code="A10")
    fan, priority_fan, author, both = (make_user(email=f"{n}@example.org")
                                       for n in ("fan", "prio", "author", "both"))
    follows.follow(fan, action)
    follows.follow(priority_fan, action.priority)
    make_opinion(action, user=author)
    make_opinion(action, user=both)
    follows.follow(both, action)
    feedback_services.post_update(staff, action, "Budget approved.", ActionStatus.IN_PROGRESS, 40)
    db.session.commit()
    mails = update_mails()
    assert [m.recipient for m in mails] == ["author@example.org", "both@example.org",
                                            "fan@example.org", "prio@example.org"]
    for mail in mails:
        assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert mail.headers["List-Unsubscribe"].startswith("<http://localhost/unsubscribe/")
    fan_mail = next(m for m in mails if m.recipient == "fan@example.org")
    assert "You follow A10" in fan_mail.body_text
    sent = build_message(fan_mail)
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def _link(mail: OutboxMessage) -> str:
    return mail.headers["List-Unsubscribe"].strip("<>").removeprefix("http://localhost")


def test_one_click_unsubscribe_works_without_signing_in_and_stops_only_that_follow(
    client, app, staff, make_user, make_action
):
    action, other = make_action(code="A11"), make_action(code="A12")
    fan = make_user(email="fan@example.org")
    follows.follow(fan, action)
    follows.follow(fan, other)
    feedback_services.post_update(staff, action, "Done.", ActionStatus.DONE, 100)
    db.session.commit()
    [mail] = update_mails()
    link = _link(mail)
    # A mail scanner following the link changes nothing: GET only asks.
    assert "Stop the mails about A11" in client.get(link, headers=EN).get_data(as_text=True)
    assert follows.is_following(fan, action)
    # RFC 8058: the mail app POSTs this body, without cookies or CSRF token.
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(link, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not follows.is_following(fan, action)
    assert follows.is_following(fan, other)
    assert client.post(link, data={"List-Unsubscribe": "One-Click"}).status_code == 200


def test_unsubscribe_from_opinion_mails_turns_them_off_and_tampered_links_fail(
    client, staff, make_user, make_action, make_opinion
):
    action = make_action(code="A13")
    author = make_user(email="author@example.org")
    make_opinion(action, user=author)
    feedback_services.post_update(staff, action, "Planned for spring.", ActionStatus.PLANNED, 0)
    db.session.commit()
    [mail] = update_mails()
    link = _link(mail)
    assert client.post(link[:-3] + "xyz").status_code == 404
    assert client.post(link).status_code == 200
    db.session.expire_all()
    assert author.notify_updates is False


def test_following_a_priority_from_its_page(client, login, make_user, make_action):
    action = make_action()
    resident = login(make_user())
    slug = action.priority.slug
    assert "Follow" in client.get(f"/priorities/{slug}", headers=EN).get_data(as_text=True)
    client.post(f"/priorities/{slug}/follow", data={"follow": "1"})
    assert follows.is_following(resident, action.priority)


def test_demo_residents_follow_actions_and_a_priority(app):
    from participation.demo import load_demo

    assert load_demo()["follows"] >= 4
    assert db.session.scalar(db.select(db.func.count(Follow.id))) >= 4
    assert load_demo()["follows"] == 0
