"""What a newcomer tripped over, one test each (the crawl covers the rest in a browser)."""

from __future__ import annotations

import re
from datetime import timedelta

from participation.accounts.models import Role
from participation.database import utcnow
from participation.extensions import db

EN = {"Accept-Language": "en"}


def test_every_page_names_the_platforms_own_icon(client):
    html = client.get("/", headers=EN).get_data(as_text=True)
    icon = re.search(r'<link rel="icon" href="([^"]+)"', html).group(1)
    assert icon.endswith("favicon.svg")
    response = client.get(icon)
    assert response.status_code == 200
    response.close()


def test_the_icon_is_where_browsers_ask_without_a_link(client):
    """Browsers and phones ask /favicon.ico and /apple-touch-icon.png by themselves."""
    ico = client.get("/favicon.ico")
    assert ico.status_code == 200
    assert ico.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert ico.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert ico.cache_control.max_age >= 86400
    png = client.get("/apple-touch-icon.png")
    assert png.status_code == 200 and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    ico.close()
    png.close()


def test_message_registrants_preselects_a_group_so_the_first_preview_works(
        client, login, make_user, make_event):
    organiser = make_user(roles=(Role.ORGANISER,))
    event = make_event(organisers=[organiser])
    login(organiser)
    html = client.get(f"/manage/events/{event.slug}/message", headers=EN).get_data(as_text=True)
    checked = re.findall(r'<input[^>]*name="group"[^>]*>', html)
    assert [i for i in checked if "checked" in i and 'value="confirmed"' in i], checked


def test_a_full_event_refuses_a_walk_in_above_the_form_not_at_the_name(
        client, login, make_user, make_event):
    organiser = make_user(roles=(Role.ORGANISER,))
    event = make_event(organisers=[organiser], capacity=0,
                       starts_at=utcnow() + timedelta(hours=1))
    login(organiser)
    response = client.post(f"/manage/events/{event.slug}/check-in/walk-in",
                           data={"name": "Wanda Walk-in"}, headers=EN)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="walk_in-name-error"' not in html and 'id="name-error"' not in html
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert "full" in summary.lower()


def test_the_register_page_links_to_its_event_once(client, make_event):
    event = make_event(title="Green evening")
    db.session.commit()
    html = client.get(f"/events/{event.slug}/register", headers=EN).get_data(as_text=True)
    main = html[html.index("<main"):html.index("</main>")]
    assert main.count(f'href="/events/{event.slug}"') == 1
