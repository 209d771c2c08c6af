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
    assert re.findall(r"<td>(\d+)</td>", row) == ["4", "3", "2", "1"]
    assert "3 (75%)" in html and "2 (67%)" in html  # of the step before
    assert "Support: <strong>2</strong> (67%)" in html
    assert "Oppose: <strong>1</strong> (33%)" in html
