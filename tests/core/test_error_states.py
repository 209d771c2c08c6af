"""Every form's error state: a summary first, focus on it, and "Error:" in the title.

The site-wide crawl (tests/e2e/test_site_crawl.py) checks this in a browser for every form;
these tests pin the findings that started it, without a browser.
"""

from __future__ import annotations

import re
from datetime import timedelta

from participation.accounts.models import Role
from participation.database import utcnow

EN = {"Accept-Language": "en"}
NL = {"Accept-Language": "nl"}


def title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


def summary(html: str) -> str | None:
    found = re.search(r'<div class="error-summary"[^>]*>', html)
    return found.group(0) if found else None


def test_a_form_sent_back_with_errors_says_error_in_the_title_and_focuses_its_summary(client):
    response = client.post("/account/sign-up", data={}, headers=EN)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert title(html) == "Error: Create an account · City of Ghent"
    assert "autofocus" in summary(html)


def test_the_error_title_is_dutch_on_a_dutch_page(client):
    html = client.post("/account/sign-up", data={}, headers=NL).get_data(as_text=True)
    assert title(html).startswith("Fout: ")


def test_a_page_without_errors_keeps_its_title(client):
    html = client.get("/account/sign-up", headers=EN).get_data(as_text=True)
    assert title(html) == "Create an account · City of Ghent"
    assert summary(html) is None


def test_only_the_first_of_several_summaries_takes_the_focus(client, login, make_user):
    login(make_user())
    html = client.get("/account", headers=EN).get_data(as_text=True)
    assert "autofocus" not in html


def test_a_report_without_a_reason_gets_a_summary_at_the_top_of_the_page(
        client, login, make_user, make_action, make_opinion):
    action = make_action()
    opinion = make_opinion(action, body="Rude words")
    login(make_user())
    response = client.post(f"/opinions/{opinion.id}/report", data={"reason": ""}, headers=EN)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert title(html).startswith("Error: ")
    top = summary(html)
    assert top is not None and "autofocus" in top
    assert html.index(top) < html.index("<h1")
    assert f'href="#reason-{opinion.id}"' in html


def test_hiding_without_a_reason_gets_a_summary_that_links_to_the_reason(
        client, login, make_user, make_action, make_opinion):
    opinion = make_opinion(make_action())
    login(make_user(roles=(Role.STAFF,)))
    response = client.post(f"/staff/opinions/{opinion.id}/hide", data={"reason": ""},
                           headers=EN)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert title(html).startswith("Error: ")
    assert "autofocus" in summary(html)
    assert f'href="#hide-reason-{opinion.id}"' in html


def test_an_invalid_date_comes_back_as_text_not_in_a_date_input(client):
    html = client.get("/events?date_from=2020-13-45", headers=EN).get_data(as_text=True)
    field = re.search(r'<input[^>]*id="date_from"[^>]*>', html).group(0)
    assert 'value="2020-13-45"' in field
    assert 'type="text"' in field


def test_an_invalid_number_comes_back_as_text_not_in_a_number_input(
        client, login, make_user, make_event):
    organiser = make_user(roles=(Role.ORGANISER,))
    event = make_event(organisers=[organiser])
    login(organiser)
    response = client.post(f"/manage/events/{event.slug}/capacity", data={"capacity": "many"},
                           headers=EN)
    assert response.status_code == 422
    field = re.search(r'<input[^>]*id="capacity"[^>]*>', response.get_data(as_text=True))
    assert 'type="text"' in field.group(0) and 'value="many"' in field.group(0)


def test_the_check_in_page_does_not_take_the_focus_from_the_skip_link(
        client, login, make_user, make_event):
    organiser = make_user(roles=(Role.ORGANISER,))
    event = make_event(organisers=[organiser], starts_at=utcnow() + timedelta(hours=1))
    login(organiser)
    html = client.get(f"/manage/events/{event.slug}/check-in", headers=EN).get_data(as_text=True)
    assert "autofocus" not in html


def test_result_counts_are_announced_without_giving_a_heading_the_status_role(
        client, login, make_user):
    login(make_user(roles=(Role.ADMIN,)))
    for path in ("/admin/users", "/admin/audit"):
        html = client.get(path, headers=EN).get_data(as_text=True)
        assert not re.search(r"<h2[^>]*role=\"status\"", html), path
        assert 'role="status"' in html, path
