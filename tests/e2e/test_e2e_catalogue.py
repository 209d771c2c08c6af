"""A resident finds an event in a real browser: filters, event page, calendar, languages."""

from __future__ import annotations

import re

import pytest

from participation.events.models import EventLanguage
from participation.extensions import db

from .conftest import DESKTOP, SMALL_PHONE

pytestmark = pytest.mark.e2e


@pytest.fixture
def catalogue(make_event, make_topic, make_action):
    """Three upcoming events: one matches the resident's filters, two do not."""
    green = make_topic(slug="european-green-deal")
    green.name_nl, green.name_en = "Europese Green Deal", "European Green Deal"
    other = make_topic(slug="future-of-europe")
    other.name_nl, other.name_en = "Toekomst van Europa", "Future of Europe"
    action = make_action(title_nl="Klimaatneutraal in 2050", title_en="Climate neutral by 2050")
    wanted = make_event(slug="green-deal-evening", title="Green Deal evening", topic=green,
                        language=EventLanguage.ENGLISH, capacity=30, actions=[action],
                        public_transport="Tram 1, stop Korenmarkt", step_free=True)
    make_event(slug="full-green-evening", title="Full green evening", topic=green,
               language=EventLanguage.ENGLISH, capacity=0)
    make_event(slug="dutch-future", title="Toekomstavond", topic=other,
               language=EventLanguage.DUTCH)
    db.session.commit()
    return wanted


def test_resident_finds_an_event_by_filter_and_adds_it_to_the_calendar(browse, catalogue):
    tab = browse(locale="en-GB")
    page = tab.page
    tab.goto("/", name="home")
    assert page.locator("html").get_attribute("lang") == "en"
    tab.click(page.get_by_role("link", name="Find an event"), name="events")

    page.get_by_label("Topic").select_option("european-green-deal")
    page.get_by_label("Language of the event").select_option("en")
    page.get_by_label("Only events with free places").check()
    tab.click(page.get_by_role("button", name="Show events"), name="events-filtered")

    assert "topic=european-green-deal" in page.url
    results = page.locator(".results")
    assert results.get_by_role("heading", name="1 event found").is_visible()
    assert results.get_by_role("link", name="Green Deal evening").is_visible()
    assert results.get_by_text("Full green evening").count() == 0
    assert results.get_by_text("Toekomstavond").count() == 0

    tab.click(results.get_by_role("link", name="Green Deal evening"), name="event")
    assert page.get_by_role("heading", level=1).inner_text() == "Green Deal evening"
    assert page.get_by_text("Climate neutral by 2050").is_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Apple Calendar and others (.ics file)").click()
    download = download_info.value
    assert download.suggested_filename == "green-deal-evening.ics"
    calendar = download.path().read_text(encoding="utf-8")
    assert "BEGIN:VEVENT" in calendar
    # The title carries the language it is written in (RFC 5545 LANGUAGE).
    assert re.search(r"^SUMMARY(;LANGUAGE=\w+)?:Green Deal evening\r?$", calendar, re.M)


def test_filter_errors_are_summarised_and_linked_to_their_field(browse, catalogue):
    tab = browse(locale="en-GB")
    page = tab.page
    tab.goto("/events")
    page.get_by_label("From").fill("2030-05-10")
    page.get_by_label("Until").fill("2030-05-01")
    tab.click(page.get_by_role("button", name="Show events"), name="events-with-errors")

    summary = page.get_by_role("alert")
    assert summary.get_by_role("heading", name="There is a problem").is_visible()
    link = summary.get_by_role("link")
    assert "on or after the start date" in link.inner_text()
    link.click()
    assert page.evaluate("document.activeElement.id") == "date_to"
    assert page.get_by_label("Until").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Until").input_value() == "2030-05-01"


def test_language_switch_keeps_the_resident_on_the_same_page(browse, catalogue):
    tab = browse(locale="nl-BE")
    page = tab.page
    h1 = page.get_by_role("heading", level=1)
    tab.goto("/events?topic=european-green-deal")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert h1.inner_text() == "Evenementen"
    assert page.locator("#topic").input_value() == "european-green-deal"

    tab.click(page.get_by_role("link", name="English"))
    assert page.url.endswith("/events?topic=european-green-deal")
    assert page.locator("html").get_attribute("lang") == "en"
    assert h1.inner_text() == "Events"
    assert page.locator("#topic").input_value() == "european-green-deal"

    # The choice is remembered on the next page, whatever the browser asks for.
    tab.click(page.get_by_role("link", name="Green Deal evening"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="About this event").is_visible()
    tab.click(page.get_by_role("link", name="Nederlands"))
    assert page.url.endswith("/events/green-deal-evening")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.get_by_role("heading", name="Over dit evenement").is_visible()


@pytest.mark.parametrize(("browser_language", "page_language"),
                         [("en-GB", "en"), ("nl-BE", "nl"), ("fr-BE", "nl")])
def test_first_visit_follows_the_browser_language(browse, catalogue, browser_language,
                                                  page_language):
    tab = browse(locale=browser_language)
    tab.goto("/")
    assert tab.page.locator("html").get_attribute("lang") == page_language
    skip = {"en": "Skip to main content", "nl": "Ga naar de hoofdinhoud"}[page_language]
    assert tab.page.locator(".skip-link").inner_text() == skip


def test_catalogue_works_without_javascript(browse, catalogue):
    tab = browse(locale="en-GB", javascript=False)
    page = tab.page
    tab.goto("/")
    tab.click(page.get_by_role("link", name="Find an event"))
    page.get_by_label("Search").fill("evening")
    page.get_by_label("Only events with free places").check()
    tab.click(page.get_by_role("button", name="Show events"))
    assert page.get_by_role("heading", name="1 event found").is_visible()
    tab.click(page.get_by_role("link", name="Green Deal evening"))
    tab.click(page.get_by_role("link", name="Nederlands"))
    assert page.locator("html").get_attribute("lang") == "nl"
    assert re.search(r"/events/green-deal-evening$", page.url)


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(browse, catalogue):
    tab = browse(locale="en-GB")
    page = tab.page
    tab.goto("/events")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0 and box["width"] > 20
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    # The next stop is inside the main content, not back in the header.
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")


def test_keyboard_focus_is_always_visible(browse, catalogue):
    tab = browse(locale="en-GB")
    page = tab.page
    tab.goto("/events")
    unstyled = []
    for _ in range(25):
        page.keyboard.press("Tab")
        style = page.evaluate(
            """() => {
                const el = document.activeElement;
                const s = getComputedStyle(el);
                return {tag: el.tagName,
                        text: (el.textContent || el.name || '').trim().slice(0, 40),
                        outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
                        shadow: s.boxShadow !== 'none'};
            }"""
        )
        if style["tag"] == "BODY":
            break
        if not (style["outline"] or style["shadow"]):
            unstyled.append(f"{style['tag']} {style['text']!r}")
    assert unstyled == []


@pytest.mark.parametrize("width", [375, 320, 640], ids=["phone", "small-phone", "desktop-zoom-200"])
def test_pages_reflow_without_sideways_scrolling(browse, catalogue, width):
    """At phone widths, and at 200% zoom of a 1280 px window (640 CSS pixels)."""
    tab = browse(locale="nl-BE", width=width, height=700)
    for path, name in [("/", "home"), ("/events", "events"),
                       ("/events/green-deal-evening", "event"), ("/priorities", "priorities"),
                       ("/privacy", "privacy"), ("/accessibility", "accessibility"),
                       ("/no-such-page", "not-found")]:
        tab.goto(path, name=name)
        overflow = tab.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"


def test_on_a_phone_results_come_first_and_the_event_page_leads_to_registering(browse,
                                                                              catalogue):
    tab = browse(locale="en-GB", width=SMALL_PHONE, height=640)
    page = tab.page
    tab.goto("/events")
    # A compact header: brand and language on one row, the menu below (it took three rows).
    assert page.locator(".site-header").bounding_box()["height"] <= 120
    count = page.get_by_role("heading", name="3 events found")
    box = count.bounding_box()
    assert box["y"] + box["height"] <= 640, "the result count is on the first screen"
    # The filters fold behind one line and open without any script.
    assert not page.get_by_label("Topic").is_visible()
    page.locator(".filters-disclosure > summary").click()
    page.get_by_label("Topic").select_option("european-green-deal")
    tab.click(page.get_by_role("button", name="Show events"), name="events-phone-filtered")
    assert page.get_by_role("heading", name="2 events found").is_visible()
    assert "1 filter on" in page.locator(".filters-disclosure > summary").inner_text()

    tab.goto("/events/green-deal-evening", name="event-phone")
    register = page.get_by_role("link", name="Register", exact=True)
    box = register.bounding_box()
    assert box["y"] + box["height"] <= 640, "the register button is on the first screen"
    assert page.locator(".event-when").inner_text().startswith(
        page.locator(".facts time").first.inner_text())
    # What and when, then the button: it comes before the description in the tab order.
    for _ in range(20):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.closest('.event-body') ? 'body'"
                                " : document.activeElement.textContent.trim()")
        assert focused != "body", "a link in the description came before Register"
        if focused == "Register":
            break
    else:
        pytest.fail("Register was not reached in 20 tab stops")


def test_on_a_wide_screen_the_filters_and_the_register_box_are_side_columns(browse, catalogue):
    tab = browse(locale="en-GB", width=DESKTOP)
    page = tab.page
    tab.goto("/events")
    assert page.get_by_label("Topic").is_visible()
    assert not page.locator(".filters-disclosure > summary").is_visible()
    tab.goto("/events/green-deal-evening")
    aside = page.locator(".register-box").bounding_box()
    body = page.locator(".event-body").bounding_box()
    assert aside["x"] > body["x"] + body["width"] - 1
    assert abs(aside["y"] - body["y"]) < 2


def test_the_event_page_prints_what_when_and_where_without_buttons(browse, catalogue):
    tab = browse(locale="en-GB")
    page = tab.page
    tab.goto("/events/green-deal-evening")
    page.emulate_media(media="print")
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.locator(".event-when").is_visible()
    assert page.get_by_text("Tram 1, stop Korenmarkt").is_visible()
    for hidden in (".site-header", ".site-footer", ".register-box .button", ".add-to-calendar"):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.pdf(format="A4").startswith(b"%PDF")
