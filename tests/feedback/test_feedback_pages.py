"""Residents give, change, withdraw and report opinions on the public action page."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from participation.accounts.models import Role
from participation.database import utcnow
from participation.extensions import db
from participation.feedback.models import Opinion, OpinionReport, OpinionStatus, Stance

EN = {"Accept-Language": "en"}


def page(client, action, **params):
    response = client.get(f"/actions/{action.code}", query_string=params, headers=EN)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_resident_gives_changes_and_withdraws_an_opinion(client, login, resident, make_action):
    action = make_action()
    login(resident)
    assert "Give my opinion" in page(client, action)
    response = client.post(f"/actions/{action.code}/opinion", headers=EN,
                           data={"stance": "support", "body": "Yes please", "event": ""})
    assert response.status_code == 302
    html = page(client, action)
    assert "Yes please" in html and "A resident" in html
    assert "Save my changed opinion" in html and "Withdraw my opinion" in html
    client.post(f"/actions/{action.code}/opinion", headers=EN,
                data={"stance": "oppose", "body": "Changed my mind", "show_name": "y"})
    html = page(client, action)
    assert "Changed my mind" in html and "Yes please" not in html
    assert "Rita Resident" in html
    client.post(f"/actions/{action.code}/opinion/withdraw", headers=EN)
    html = page(client, action)
    assert "Changed my mind" not in html
    assert "Nobody has given an opinion on this action yet." in html


def test_a_missing_text_is_reported_on_the_form_keeping_the_stance(
    client, login, resident, make_action
):
    action = make_action()
    login(resident)
    response = client.post(f"/actions/{action.code}/opinion", headers=EN,
                           data={"stance": "mixed", "body": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and "Write your opinion." in html
    assert re.search(r'<input checked[^>]*value="mixed"', html)
    assert db.session.scalar(sa.select(sa.func.count(Opinion.id))) == 0


def test_opinion_text_is_escaped_and_keeps_its_line_breaks(
    client, login, resident, make_action
):
    action = make_action()
    login(resident)
    client.post(f"/actions/{action.code}/opinion",
                data={"stance": "support", "body": "<script>alert(1)</script>\nSecond line"})
    html = page(client, action)
    assert "<script>alert(1)</script>" not in html
    assert '<p class="plain-text">&lt;script&gt;alert(1)&lt;/script&gt;\nSecond line</p>' in html


def test_closed_action_shows_no_form_and_refuses_posts(client, login, resident, make_action):
    action = make_action(feedback_open=False)
    login(resident)
    html = page(client, action)
    assert "This action is closed for feedback." in html and "Give my opinion" not in html
    response = client.post(f"/actions/{action.code}/opinion", headers=EN,
                           data={"stance": "support", "body": "Late"})
    assert response.status_code == 422
    assert "closed for feedback" in response.get_data(as_text=True)


def test_unverified_resident_is_asked_to_confirm_their_address(
    client, login, make_user, make_action
):
    action = make_action()
    login(make_user(verified=False))
    html = page(client, action)
    assert "Confirm your e-mail address first" in html and "Give my opinion" not in html


def test_visitors_see_counts_per_stance_with_a_bar_and_pages_of_opinions(
    client, make_action, make_opinion
):
    action = make_action()
    for number in range(12):
        make_opinion(action, stance=Stance.SUPPORT if number < 9 else Stance.OPPOSE,
                     body=f"Opinion number {number:02d}")
    db.session.commit()
    html = page(client, action)
    assert "12 published opinions" in html
    assert "Support: <strong>9</strong> (75%)" in html
    assert "Oppose: <strong>3</strong> (25%)" in html
    assert '<svg class="chart chart-stance"' in html and "style=" not in html
    assert "Opinion number 11" in html and "Opinion number 01" not in html
    assert "Opinion number 01" in page(client, action, page=2)
    assert "Sign in to give your opinion" in html


def test_hidden_opinions_and_personal_data_never_reach_the_public_page(
    client, make_action, make_opinion, make_user
):
    action = make_action()
    author = make_user(name="Private Person", email="private@example.org",
                       postcode="9000", profile_consent_at=utcnow())
    make_opinion(action, user=author, body="Visible text", postcode="9000")
    make_opinion(action, body="Hidden insult", status=OpinionStatus.HIDDEN,
                 hidden_reason="insult")
    db.session.commit()
    html = page(client, action)
    assert "Visible text" in html and "Hidden insult" not in html
    assert "Private Person" not in html and "private@example.org" not in html
    assert "1 published opinion" in html


def test_the_event_choice_lists_only_events_the_resident_registered_for(
    client, login, resident, make_action, make_event, add_registration
):
    action = make_action()
    mine = make_event(title="My evening", actions=[action], starts_at=utcnow() - timedelta(days=1))
    make_event(title="Someone else's evening", actions=[action])
    add_registration(mine, resident, checked_in=True)
    login(resident)
    html = page(client, action)
    assert f'<option value="{mine.id}">My evening' in html
    assert "<option" in html and "Someone else&#39;s evening (" not in html
    client.post(f"/actions/{action.code}/opinion",
                data={"stance": "support", "body": "Was there", "event": str(mine.id)})
    opinion = db.session.scalar(sa.select(Opinion))
    assert opinion.event_id == mine.id and opinion.source.value == "after_event"
    assert "after the event My evening" in page(client, action)


def test_signed_in_people_report_an_opinion_once(
    client, login, make_user, make_action, make_opinion
):
    action = make_action()
    opinion = make_opinion(action, body="Rude words")
    login(make_user())
    assert "Report this opinion" in page(client, action)
    response = client.post(f"/opinions/{opinion.id}/report", data={"reason": "Insulting"})
    assert response.status_code == 302
    again = client.post(f"/opinions/{opinion.id}/report", data={"reason": "Still"}, headers=EN)
    assert again.status_code == 422
    assert "You have already reported this opinion." in again.get_data(as_text=True)
    empty = client.post(f"/opinions/{opinion.id}/report", data={"reason": ""}, headers=EN)
    assert empty.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(OpinionReport.id))) == 1


def test_organiser_records_feedback_at_their_event_through_a_form(
    client, login, make_user, make_action, make_event
):
    action = make_action(title_nl="Youth exchange", title_en="Youth exchange")
    organiser = make_user(roles=(Role.ORGANISER,))
    event = make_event(actions=[action], organisers=[organiser],
                       starts_at=utcnow() - timedelta(hours=1))
    login(organiser)
    url = f"/events/{event.slug}/feedback"
    assert "Youth exchange" in client.get(url, headers=EN).get_data(as_text=True)
    response = client.post(url, data={"action": action.code, "stance": "mixed",
                                      "body": "Post-it: more youth budget"})
    assert response.status_code == 302
    assert "Post-it: more youth budget" in client.get(url).get_data(as_text=True)
    html = page(client, action)
    assert "Post-it: more youth budget" in html and "Recorded at the event" in html
    bad = client.post(url, data={"action": action.code, "stance": "mixed", "body": ""})
    assert bad.status_code == 422


def test_other_people_cannot_record_feedback_for_an_event(
    client, login, resident, make_action, make_event
):
    event = make_event(actions=[make_action()])
    login(resident)
    assert client.get(f"/events/{event.slug}/feedback").status_code == 403
