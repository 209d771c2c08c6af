"""An organiser creates and publishes an event, checks a person in and exports attendees."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from participation.accounts.models import Role
from participation.events.models import Event
from participation.extensions import db
from participation.registrations import services as registrations

pytestmark = pytest.mark.e2e

PASSWORD = "organisers open the doors early"


def test_organiser_creates_publishes_checks_in_and_exports_attendees(
    browse, persona, make_user, make_topic
):
    topic = make_topic(slug="local-international-policy")
    make_user(email="organiser@stad.gent", name="Olga Organiser", roles=(Role.ORGANISER,),
              password=PASSWORD, locale=persona["locale"][:2])
    db.session.commit()
    day = (datetime.now(ZoneInfo("Europe/Brussels")) + timedelta(days=30)).date()

    tab = browse(**persona)
    page = tab.page
    tab.goto("/account/sign-in")
    page.locator("#email").fill("organiser@stad.gent")
    page.locator("#password").fill(PASSWORD)
    tab.click(page.locator("main form button[type=submit]"))
    tab.click(page.locator("header nav a[href='/manage/events']"), name="manage-events")
    assert page.locator("html").get_attribute("lang") == persona["locale"][:2]
    tab.click(page.locator("main a[href='/manage/events/new']"), name="event-form")

    tab.click(page.locator("main form button[type=submit]").last, name="event-form-errors")
    summary = page.locator(".error-summary")
    assert summary.locator("a[href='#title_nl']").is_visible()
    assert summary.locator("a[href='#starts_at']").is_visible()

    # The organiser writes in their own language; readers of the other one see it marked.
    language = persona["locale"][:2]
    page.locator(f"#title_{language}").fill("Ghent in Europe: open evening")
    page.locator(f"#summary_{language}").fill("Talk with the city about its European plans.")
    page.locator("#topic_id").select_option(str(topic.id))
    page.locator("#starts_at").fill(f"{day.isoformat()}T19:00")
    page.locator("#ends_at").fill(f"{day.isoformat()}T21:00")
    page.locator("#venue_name").fill("Het Pand")
    page.locator("#address").fill("Onderbergen 1, 9000 Gent")
    page.locator("#capacity").fill("25")
    tab.click(page.locator("main form button[type=submit]").last, name="manage-event-draft")
    assert page.locator(".flash-success").is_visible()

    tab.click(page.locator("form[action$='/publish'] button[type=submit]"))
    assert page.locator(".flash-success").is_visible()
    db.session.rollback()
    event = db.session.scalars(db.select(Event).where(Event.slug.like("ghent-in-europe%"))).one()
    assert event.status.value == "published"

    # A resident registers; at the door the organiser finds and checks her in.
    registrations.register(event, name="Ingrid Verhoeven", email="ingrid@example.org")
    db.session.commit()
    tab.click(page.locator(".manage-nav a[href$='/check-in']"), name="check-in")
    page.locator("#q").fill("Ingrid")
    tab.click(page.locator("form.check-in-search button[type=submit]"), name="check-in-found")
    person = page.locator(".check-in-person", has_text="Ingrid Verhoeven")
    tab.click(person.locator("form[action*='/check-in/'] button[type=submit]"))
    assert page.locator("#checked-in-count").inner_text() == "1"

    tab.click(page.locator(f".breadcrumb a[href='/manage/events/{event.slug}']"))
    with page.expect_download() as download_info:
        page.locator(".manage-nav a[href$='/attendees.csv']").click()
    text = download_info.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    ingrid = [row for row in rows if "Ingrid Verhoeven" in row]
    assert len(ingrid) == 1

    # The organiser asks a question of everyone who registers, then cancels Ingrid's place
    # with a reason for her. (End the test's read transaction: SQLite would keep the server's
    # writes waiting.)
    db.session.rollback()
    tab.click(page.locator(".manage-nav a[href$='/questions']"), name="questions")
    page.locator("#kind").select_option("one_choice")
    page.locator("#label_nl").fill("Welke workshop?")
    page.locator("#choices_nl").fill("Klimaat")
    tab.click(page.locator("main form button[type=submit]").last, name="questions-errors")
    assert page.locator(".error-summary a[href='#choices_nl']").is_visible()
    page.locator("#choices_nl").fill("Klimaat\nJeugd")
    page.locator("#required").check()
    tab.click(page.locator("main form button[type=submit]").last, name="questions-added")
    assert page.locator(".question-list li").count() == 1
    tab.click(page.locator(".manage-nav a[href$='/registrations']"), name="sign-ups")
    tab.click(page.locator("table.registrations a[href$='/cancel']").first,
              name="cancel-with-reason")
    page.locator("#message").fill("The room is smaller than planned.")
    tab.click(page.locator("main form button[type=submit]"))
    assert page.locator(".flash-success").is_visible()
