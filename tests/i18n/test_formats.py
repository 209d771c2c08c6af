"""Dates, times and numbers as Belgian readers write them: nl_BE and en_GB, not nl_NL or en_US."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask_babel import force_locale

from participation.core.formats import format_date, format_datetime, format_number, format_time

MOMENT = datetime(2026, 11, 30, 8, 38, tzinfo=UTC)  # 09:38 in Brussels


def test_dutch_dates_are_written_as_in_belgium(app):
    with app.app_context(), force_locale("nl"):
        assert format_date(MOMENT, "short") == "30/11/2026"
        assert format_date(date(2026, 11, 30), "long") == "30 november 2026"
        assert format_datetime(MOMENT, "short") == "30/11/2026, 09:38"
        assert format_time(MOMENT) == "09:38"


def test_english_dates_are_british_with_24_hour_times(app):
    with app.app_context(), force_locale("en"):
        assert format_date(MOMENT, "short") == "30/11/2026"
        assert format_date(MOMENT, "long") == "30 November 2026"
        assert format_date(MOMENT, "full") == "Monday, 30 November 2026"
        assert format_datetime(MOMENT, "short") == "30/11/2026, 09:38"
        assert format_time(MOMENT) == "09:38"


def test_a_late_moment_is_dated_by_the_brussels_day(app):
    late = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # already 1 December in Ghent
    with app.app_context(), force_locale("en"):
        assert format_date(late, "short") == "01/12/2026"


def test_numbers_use_each_languages_separators(app):
    with app.app_context():
        with force_locale("nl"):
            assert format_number(6500) == "6.500"
        with force_locale("en"):
            assert format_number(6500) == "6,500"


def test_english_event_page_shows_british_date_and_24_hour_time(client, make_event):
    event = make_event(starts_at=datetime(2026, 12, 15, 18, 30, tzinfo=UTC))
    page = client.get(f"/events/{event.slug}", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    assert "Tuesday, 15 December 2026, 19:30–21:30" in page
    assert " PM" not in page and "12/15/26" not in page


def test_dutch_event_page_shows_belgian_date(client, make_event):
    event = make_event(starts_at=datetime(2026, 12, 15, 18, 30, tzinfo=UTC))
    page = client.get(f"/events/{event.slug}", headers={"Accept-Language": "nl"}).get_data(
        as_text=True)
    assert "dinsdag 15 december 2026, 19:30–21:30" in page


def test_result_counts_are_grouped_and_plural(app, client, make_event):
    for _ in range(2):
        make_event()
    page = client.get("/events", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "2 events found" in page
