"""Staff close the loop: updates on an action reach the residents who gave their opinion."""

from __future__ import annotations

import sqlalchemy as sa

from participation.audit.models import AuditEntry
from participation.extensions import db
from participation.feedback.models import OpinionSource
from participation.mail.models import OutboxMessage
from participation.policy.models import ActionStatus, ActionUpdate

EN = {"Accept-Language": "en"}


def test_an_update_mails_each_opted_in_author_once_in_their_language(
    client, login, staff, make_action, make_opinion, make_user, make_event
):
    action = make_action(title_nl="Jongerenuitwisseling", title_en="Youth exchange")
    dutch = make_user(email="an@example.org", locale="nl")
    english = make_user(email="bo@example.org", locale="en")
    opted_out = make_user(email="cy@example.org", notify_updates=False)
    other_action_author = make_user(email="di@example.org")
    for user in (dutch, english, opted_out):
        make_opinion(action, user=user)
    make_opinion(make_action(), user=other_action_author)
    make_opinion(action, source=OpinionSource.AT_EVENT, event=make_event(actions=[action]))
    login(staff)
    response = client.post(f"/staff/actions/{action.code}/update", data={
        "body": "We funded 20 exchanges.\nThank you for your ideas.",
        "status": "in_progress", "progress": "40",
    })
    assert response.status_code == 302
    db.session.refresh(action)
    assert (action.status, action.progress) == (ActionStatus.IN_PROGRESS, 40)
    mails = {m.recipient: m for m in db.session.scalars(sa.select(OutboxMessage))}
    assert set(mails) == {"an@example.org", "bo@example.org"}
    assert "Jongerenuitwisseling" in mails["an@example.org"].body_text
    assert "Youth exchange" in mails["bo@example.org"].body_text
    assert "We funded 20 exchanges." in mails["bo@example.org"].body_text
    assert '<html lang="en">' in mails["bo@example.org"].body_html
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "action.update"))
    assert entry.actor_id == staff.id and entry.details["mails"] == 2
    html = client.get(f"/actions/{action.code}", headers=EN).get_data(as_text=True)
    assert "We funded 20 exchanges.\nThank you for your ideas." in html


def test_an_update_without_text_or_with_bad_progress_is_refused(
    client, login, staff, make_action
):
    action = make_action()
    login(staff)
    response = client.post(f"/staff/actions/{action.code}/update", headers=EN,
                           data={"body": "", "status": "done", "progress": "140"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Write what the city did, in Dutch, English or both." in html and "from 0 to 100" in html
    assert db.session.scalar(sa.select(sa.func.count(ActionUpdate.id))) == 0


def test_staff_close_and_reopen_an_action_for_feedback(client, login, staff, make_action):
    action = make_action()
    login(staff)
    assert f"Close {action.code} for feedback" in client.get(
        "/staff/actions", headers=EN).get_data(as_text=True)
    client.post(f"/staff/actions/{action.code}/feedback", data={"open": "0"})
    db.session.refresh(action)
    assert action.feedback_open is False
    client.post(f"/staff/actions/{action.code}/feedback", data={"open": "1"})
    db.session.refresh(action)
    assert action.feedback_open is True
    logged = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert logged == ["action.feedback_close", "action.feedback_open"]
