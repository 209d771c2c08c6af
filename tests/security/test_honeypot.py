"""A hidden field catches form-filling robots on public forms; people never trip it."""

from __future__ import annotations

import re

import sqlalchemy as sa

from participation.accounts.models import User
from participation.extensions import db
from participation.feedback.models import Opinion, OpinionReport
from participation.mail.models import OutboxMessage
from participation.registrations.models import Registration

EN = {"Accept-Language": "en"}


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _honeypot_inputs(html: str) -> list[str]:
    return re.findall(r'<input[^>]*name="website"[^>]*>', html)


def _assert_honeypot_is_hidden_and_labelled(html: str, count: int = 1) -> None:
    inputs = _honeypot_inputs(html)
    assert len(inputs) == count
    for tag in inputs:
        assert 'tabindex="-1"' in tag and 'autocomplete="off"' in tag and 'value=""' in tag
        field_id = re.search(r'id="([^"]+)"', tag).group(1)
        assert f'<label for="{field_id}">Leave this field empty</label>' in html
    assert html.count('class="honeypot visually-hidden"') == count


def test_the_registration_form_refuses_a_filled_honeypot_and_writes_nothing(client, make_event):
    event = make_event()
    url = f"/events/{event.slug}/register"
    _assert_honeypot_is_hidden_and_labelled(client.get(url, headers=EN).get_data(as_text=True))
    form = {"name": "Bot", "email": "bot@example.org", "consent": "y"}
    response = client.post(url, data={**form, "website": "http://spam.example"}, headers=EN)
    assert response.status_code == 422
    assert "Leave this field empty." in response.get_data(as_text=True)
    assert _count(Registration) == 0 and _count(OutboxMessage) == 0
    # The same form with the field left empty registers.
    assert client.post(url, data={**form, "website": ""}, headers=EN).status_code == 303
    assert _count(Registration) == 1


def test_sign_up_refuses_a_filled_honeypot_and_writes_nothing(client):
    _assert_honeypot_is_hidden_and_labelled(
        client.get("/account/sign-up", headers=EN).get_data(as_text=True))
    form = {"name": "Bot", "email": "bot@example.org", "password": "a long enough password"}
    response = client.post("/account/sign-up", data={**form, "website": "x"}, headers=EN)
    assert response.status_code == 422
    assert _count(User) == 0 and _count(OutboxMessage) == 0
    assert client.post("/account/sign-up", data=form, headers=EN).status_code == 302
    assert _count(User) == 1


def test_opinion_and_report_forms_refuse_a_filled_honeypot(
        client, login, make_user, make_action, make_opinion):
    action = make_action()
    other = make_opinion(action)
    login(make_user())
    page = client.get(f"/actions/{action.code}", headers=EN).get_data(as_text=True)
    # The opinion form and one report form per opinion, each with its own id.
    _assert_honeypot_is_hidden_and_labelled(page, count=2)
    opinion = {"stance": "support", "body": "Robots love this action."}
    response = client.post(f"/actions/{action.code}/opinion",
                           data={**opinion, "website": "x"}, headers=EN)
    assert response.status_code == 422
    assert _count(Opinion) == 1
    response = client.post(f"/opinions/{other.id}/report",
                           data={"reason": "Spam", "website": "x"}, headers=EN)
    assert response.status_code == 422
    assert _count(OpinionReport) == 0
    assert client.post(f"/actions/{action.code}/opinion", data=opinion).status_code == 302
    assert client.post(f"/opinions/{other.id}/report", data={"reason": "Spam"}).status_code == 302
    assert _count(Opinion) == 2 and _count(OpinionReport) == 1
