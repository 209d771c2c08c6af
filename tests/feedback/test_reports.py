"""Reports per action and per priority: figures, suppression of small groups, print and PDF."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from participation.accounts.models import AgeBand
from participation.core.pdf import chromium_path
from participation.database import utcnow
from participation.extensions import db
from participation.feedback import reports, themes
from participation.feedback import services as feedback_services
from participation.feedback.models import OpinionSource, OpinionStatus, Stance


@pytest.fixture
def coded_action(staff, make_action, make_opinion, make_event, make_user, add_registration):
    """An action with opinions over three weeks, two themes, a past event and an update."""
    now = utcnow()
    action = make_action(title_en="More bike parking", title_nl="Meer fietsenstallingen")
    start = now - timedelta(days=10)
    event = make_event(actions=[action], starts_at=start, ends_at=start + timedelta(hours=2),
                       title="Fietscafé")
    people = [make_user() for _ in range(6)]
    for person in people:
        add_registration(event, user=person, checked_in=person is not people[-1])
    opinions = []
    for i, person in enumerate(people):
        opinions.append(make_opinion(
            action, user=person, stance=Stance.SUPPORT if i < 4 else Stance.OPPOSE,
            body=f"Bike parking at the station is too small ({i}).", postcode="9000",
            age_band=AgeBand.AGE_25_34 if i < 5 else AgeBand.AGE_65_PLUS,
            event=event if i < 2 else None,
            source=OpinionSource.AFTER_EVENT if i < 2 else OpinionSource.ONLINE,
            created_at=now - timedelta(days=7 * (i % 3)),
        ))
    make_opinion(action, stance=Stance.OPPOSE, body="Rude words", status=OpinionStatus.HIDDEN)
    parking = themes.create_theme(staff, "Fietsparkeren", "Bike parking", action=action)
    themes.tag_opinions(staff, parking, opinions[:5])
    themes.set_opinion_themes(staff, opinions[1], [parking.id], quote_ids=[parking.id])
    costs = themes.create_theme(staff, "Kosten", "Costs")
    themes.tag_opinions(staff, costs, opinions[4:])
    feedback_services.post_update(staff, action, "We added 400 places at Sint-Pieters.",
                                "in_progress", 40)
    db.session.commit()
    return action


def test_an_action_report_gathers_stances_themes_events_and_updates(coded_action):
    report = reports.action_report(coded_action)
    assert report.stances == {Stance.SUPPORT: 4, Stance.MIXED: 0, Stance.OPPOSE: 2}
    assert report.hidden == 1
    assert sum(sum(week.values()) for week in report.evolution) == 6
    assert len(report.weeks) >= 3
    assert [(line.theme.name_nl, line.count, line.proposed) for line in report.themes] == [
        ("Fietsparkeren", 5, False), ("Kosten", 2, True)]
    assert [q.body for q in report.themes[0].quotes] == [
        "Bike parking at the station is too small (1)."]
    assert len(report.themes[1].quotes) == 2
    assert report.uncoded == 0
    assert [(e.registered, e.attended, e.gave_opinion) for e in report.events] == [(6, 5, 2)]
    assert report.funnel == (6, 5, 2)
    assert [u.body for u in report.updates] == ["We added 400 places at Sint-Pieters."]


def test_small_groups_are_suppressed_in_reports_as_in_exports(coded_action):
    report = reports.action_report(coded_action)
    assert report.demographics["postcode"] == [("9000", 6)]
    assert report.demographics["age_band"] == [("25_34", 5), ("65_plus", "<5")]
    exact = reports.action_report(coded_action, exact=True)
    assert exact.demographics["age_band"] == [("25_34", 5), ("65_plus", 1)]


def test_a_priority_report_adds_up_its_actions(coded_action, make_action):
    make_action(priority=coded_action.priority, code="Z99")
    report = reports.priority_report(coded_action.priority)
    assert [a.code for a in report.actions] == [coded_action.code, "Z99"]
    assert report.total == 6
    assert report.per_action[coded_action.id][Stance.SUPPORT] == 4


def test_a_report_without_opinions_says_so(staff, make_action):
    action = make_action()
    report = reports.action_report(action)
    assert (report.total, report.weeks, report.themes, report.events) == (0, [], [], [])


def test_staff_read_the_report_page_with_themes_quotes_and_suppression(
        client, login, staff, coded_action):
    login(staff)
    response = client.get(f"/staff/actions/{coded_action.code}/report")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for expected in ("More bike parking", "Bike parking", "Costs", "chosen by policy staff",
                     "proposed by the platform as typical", "Fietscafé",
                     "We added 400 places at Sint-Pieters.", "&lt;5", "65 or older",
                     "Download as PDF", "1 opinion was hidden by the moderators"):
        assert expected in html, expected
    assert "Rude words" not in html
    priority = client.get(f"/staff/priorities/{coded_action.priority.slug}/report")
    assert priority.status_code == 200
    assert "More bike parking" in priority.get_data(as_text=True)


def test_report_pages_are_for_staff_only(client, login, resident, coded_action):
    login(resident)
    assert client.get(f"/staff/actions/{coded_action.code}/report").status_code == 403
    assert client.get("/staff/actions/NOPE/report").status_code in (403, 404)


def test_the_report_has_a_print_stylesheet(client, login, staff, coded_action):
    login(staff)
    html = client.get(f"/staff/actions/{coded_action.code}/report").get_data(as_text=True)
    assert "css/insight.css" in html
    with client.get("/static/css/insight.css") as response:
        assert "@media print" in response.get_data(as_text=True)


@pytest.mark.skipif(chromium_path() is None, reason="Chromium is not installed")
def test_the_pdf_printed_by_chromium_carries_the_report(client, login, staff, coded_action):
    login(staff)
    response = client.get(f"/staff/actions/{coded_action.code}/report.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    text = " ".join(text.split())
    for expected in ("More bike parking", "Bike parking", "Costs",
                     "Bike parking at the station is too small (1).",
                     "We added 400 places at Sint-Pieters.", "Fietscafé", "<5"):
        assert expected in text, expected
    assert "Rude words" not in text
