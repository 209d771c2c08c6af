"""With CSRF protection on (as in production), the action page's forms carry their token."""

from __future__ import annotations

import re

import pytest

from participation.extensions import db
from participation.feedback.models import OpinionReport


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def test_forms_on_the_action_page_work_with_their_token_and_fail_without(
    client, login, resident, make_action, make_opinion
):
    action = make_action()
    other = make_opinion(action, body="Someone else's view")
    login(resident)
    html = client.get(f"/actions/{action.code}").get_data(as_text=True)
    tokens = re.findall(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                        r'name="csrf_token" value="([^"]+)"', html)
    token = next(t for pair in tokens for t in pair if t)
    assert html.count('id="csrf_token"') <= 1
    refused = client.post(f"/actions/{action.code}/opinion",
                          data={"stance": "support", "body": "No token"})
    assert refused.status_code == 400
    given = client.post(f"/actions/{action.code}/opinion",
                        data={"stance": "support", "body": "With token", "csrf_token": token})
    assert given.status_code == 302
    reported = client.post(f"/opinions/{other.id}/report",
                           data={"reason": "Spam", "csrf_token": token})
    assert reported.status_code == 302
    assert db.session.query(OpinionReport).count() == 1
