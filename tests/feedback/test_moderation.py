"""Staff moderate reported opinions in a queue; every step is in the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from participation.audit.models import AuditEntry
from participation.database import utcnow
from participation.extensions import db
from participation.feedback import services
from participation.feedback.models import OpinionStatus

EN = {"Accept-Language": "en"}


def test_reported_opinions_come_first_in_the_queue(make_action, make_opinion, make_user):
    action = make_action()
    old = make_opinion(action, body="Old and reported", created_at=utcnow() - timedelta(days=9))
    make_opinion(action, body="Newest, not reported")
    services.report_opinion(make_user(), old, "Spam")
    queue = services.moderation_queue()
    assert [item.opinion.body for item in queue] == ["Old and reported", "Newest, not reported"]
    assert [r.reason for r in queue[0].open_reports] == ["Spam"]


def test_staff_hide_a_reported_opinion_with_a_reason_and_it_is_audited(
    client, login, staff, make_action, make_opinion, make_user
):
    action = make_action()
    opinion = make_opinion(action, body="Nasty remark")
    services.report_opinion(make_user(), opinion, "Insulting")
    login(staff)
    queue = client.get("/staff/moderation", headers=EN).get_data(as_text=True)
    assert "Nasty remark" in queue and "1 open report" in queue and "Insulting" in queue
    missing = client.post(f"/staff/opinions/{opinion.id}/hide", data={"reason": ""}, headers=EN)
    assert missing.status_code == 422
    assert "Give the reason for hiding this opinion." in missing.get_data(as_text=True)
    response = client.post(f"/staff/opinions/{opinion.id}/hide",
                           data={"reason": "Insults another resident"})
    assert response.status_code == 302
    db.session.refresh(opinion)
    assert opinion.status == OpinionStatus.HIDDEN
    assert opinion.hidden_reason == "Insults another resident"
    assert all(r.resolved_at is not None for r in opinion.reports)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "opinion.hide"))
    assert entry.actor_id == staff.id and entry.target_id == opinion.id
    assert entry.details["reason"] == "Insults another resident"
    assert "Nasty remark" not in client.get(f"/actions/{action.code}").get_data(as_text=True)


def test_staff_restore_a_hidden_opinion_and_it_is_audited(
    client, login, staff, make_action, make_opinion
):
    action = make_action()
    opinion = make_opinion(action, body="Misjudged", status=OpinionStatus.HIDDEN,
                           hidden_reason="Looked like spam")
    login(staff)
    assert "Publish this opinion again" in client.get("/staff/moderation",
                                                      headers=EN).get_data(as_text=True)
    assert client.post(f"/staff/opinions/{opinion.id}/restore").status_code == 302
    db.session.refresh(opinion)
    assert opinion.status == OpinionStatus.PUBLISHED and opinion.hidden_reason is None
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert actions == ["opinion.restore"]
    assert "Misjudged" in client.get(f"/actions/{action.code}").get_data(as_text=True)


def test_only_staff_may_moderate(make_action, make_opinion, resident):
    opinion = make_opinion(make_action())
    with pytest.raises(services.FeedbackError):
        services.hide_opinion(resident, opinion, "No reason")


@pytest.mark.parametrize("url", [
    "/staff/moderation", "/staff/dashboard", "/staff/actions", "/staff/exports",
    "/staff/exports/opinions.csv", "/staff/exports/summary.json",
    "/staff/exports/opinions-dictionary.csv",
])
def test_residents_get_403_on_staff_pages(client, login, resident, url):
    login(resident)
    assert client.get(url).status_code == 403


def test_residents_cannot_hide_or_restore(client, login, resident, make_action, make_opinion):
    opinion = make_opinion(make_action())
    login(resident)
    assert client.post(f"/staff/opinions/{opinion.id}/hide",
                       data={"reason": "x"}).status_code == 403
    assert client.post(f"/staff/opinions/{opinion.id}/restore").status_code == 403
    db.session.refresh(opinion)
    assert opinion.status == OpinionStatus.PUBLISHED
