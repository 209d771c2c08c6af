"""The staff dashboard shows opinions over time, the stance split and event funnels."""

from __future__ import annotations

import re
from datetime import timedelta

from participation.database import utcnow
from participation.extensions import db
from participation.feedback.dashboard import opinions_per_week
from participation.feedback.models import OpinionSource, Stance

EN = {"Accept-Language": "en"}


def test_opinions_are_counted_per_week(make_action, make_opinion):
    action = make_action()
    now = utcnow()
    make_opinion(action, created_at=now)
    make_opinion(action, created_at=now)
    make_opinion(action, created_at=now - timedelta(weeks=2))
    make_opinion(action, created_at=now - timedelta(weeks=30))
    starts, series = opinions_per_week(weeks=4, now=now)
    assert len(starts) == 4 and all(s.weekday() == 0 for s in starts)
    assert series[action.id] == [0, 1, 0, 2]


def test_dashboard_draws_charts_with_text_and_a_table_of_the_funnel(
    client, login, staff, make_action, make_event, make_opinion, make_user, add_registration
):
    action = make_action(code="CL01")
    event = make_event(title="Climate café", actions=[action],
                       starts_at=utcnow() - timedelta(days=3))
    people = [make_user() for _ in range(4)]
    for number, person in enumerate(people):
        add_registration(event, person, checked_in=number < 3)
    make_opinion(action, user=people[0], event=event, source=OpinionSource.AFTER_EVENT)
    make_opinion(action, user=people[1], event=event, source=OpinionSource.AFTER_EVENT,
                 stance=Stance.OPPOSE)
    make_opinion(action, event=event, source=OpinionSource.AT_EVENT)
    db.session.commit()
    login(staff)
    response = client.get("/staff/dashboard", headers=EN)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count("<h1") == 1
    # Charts are drawn without inline styles or scripts (the site's own script files are fine).
    assert "<svg" in html and "style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=\"/static/)", html)
    row = re.search(r"<tr><th scope=\"row\">Climate café</th>(.*?)</tr>", html).group(1)
    assert re.findall(r'<td class="num">([^<]+)</td>', row) == ["4", "3 (75%)", "2 (67%)", "1"]
    row = re.search(r"<span class=\"code\">CL01</span>.*?</tr>", html, re.S).group(0)
    # support, mixed, oppose, published, last 7 days
    assert re.findall(r'<td class="num">(\d+)', row) == ["2", "0", "1", "3", "3"]


def test_dashboard_shows_only_what_has_data_and_the_trend(client, login, staff, make_action,
                                                          make_opinion):
    busy = make_action(code="BZ01")
    quiet = make_action(code="QT01", priority=busy.priority)
    make_action(code="NO01")  # a priority of its own, without opinions
    now = utcnow()
    for days in (1, 2, 3, 9):
        make_opinion(busy, created_at=now - timedelta(days=days))
    db.session.commit()
    login(staff)
    html = client.get("/staff/dashboard", headers=EN).get_data(as_text=True)
    assert "Opinions in the last 7 days" in html
    assert "2 more than the 7 days before" in html
    assert "4 more than the 30 days before" in html
    assert "No opinions yet on: QT01." in html
    assert f'<span class="code">{quiet.code}</span>' not in html
    assert "No opinions yet on the actions of: Priority" in html
    assert 'font-size' not in html  # text is page text, never shrunk inside an SVG


def test_dashboard_counts_trends_per_action(make_action, make_opinion):
    from participation.feedback.dashboard import recent_counts

    action = make_action()
    now = utcnow()
    for days in (1, 8, 9, 40):
        make_opinion(action, created_at=now - timedelta(days=days))
    overall, per_action = recent_counts(now)
    assert [(t.days, t.current, t.previous) for t in overall] == [(7, 1, 2), (30, 3, 1)]
    assert per_action[action.id].change == -1
