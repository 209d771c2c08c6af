"""With CSRF protection on (as in production), the workspace's buttons still work."""

from __future__ import annotations

import re

import pytest

from participation.events.models import EventStatus
from participation.extensions import db


@pytest.fixture
def app_config() -> dict:
    return {"WTF_CSRF_ENABLED": True}


def _token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_publish_button_carries_a_valid_token_and_a_forged_post_is_refused(
    client, login, organiser, make_event
):
    event = make_event(organisers=[organiser], slug="draft", status=EventStatus.DRAFT)
    login(organiser)
    assert client.post("/manage/events/draft/publish").status_code == 400
    page = client.get("/manage/events/draft").get_data(as_text=True)
    response = client.post("/manage/events/draft/publish", data={"csrf_token": _token(page)})
    assert response.status_code == 302
    db.session.expire_all()
    assert event.status == EventStatus.PUBLISHED


def test_event_form_posts_with_its_token(client, login, organiser, event_form):
    login(organiser)
    page = client.get("/manage/events/new").get_data(as_text=True)
    response = client.post("/manage/events/new",
                           data=event_form(csrf_token=_token(page)))
    assert response.status_code == 302
