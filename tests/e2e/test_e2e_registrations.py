"""Residents register, read their mail, manage and cancel, and move up the waiting list."""

from __future__ import annotations

import pytest

from participation.extensions import db
from participation.mail.sender import deliver_pending
from participation.registrations import questions
from participation.registrations import services as registrations
from participation.registrations.models import QuestionKind, Registration

pytestmark = pytest.mark.e2e


@pytest.fixture
def green_deal_evening(make_event, make_topic):
    green = make_topic(slug="european-green-deal")
    green.name_nl, green.name_en = "Europese Green Deal", "European Green Deal"
    make_event(slug="other-evening", title="Toekomstavond")
    event = make_event(slug="green-deal-evening", title="Green Deal-avond", topic=green,
                       capacity=20, step_free=True)
    db.session.commit()
    return event


def test_resident_finds_registers_reads_the_mail_and_cancels(
    browse, persona, mailbox, green_deal_evening
):
    tab = browse(**persona)
    page = tab.page
    tab.goto("/")
    tab.click(page.locator("main a.button[href='/events']"))
    disclosure = page.locator(".filters-disclosure > summary")
    if disclosure.is_visible():  # on a phone the filters are folded away
        disclosure.click()
    page.locator("#topic").select_option("european-green-deal")
    page.locator("#free_places").check()
    tab.click(page.locator("form.filters button[type=submit]"))
    tab.click(page.locator(".results a[href='/events/green-deal-evening']"))
    tab.click(page.locator(".register-box a[href$='/register']"), name="register")

    # Sending the empty form shows every problem at the top, linked to its field.
    tab.click(page.locator("form.registration-form button[type=submit]"),
              name="register-errors")
    summary = page.locator(".error-summary")
    assert summary.locator("a[href='#name']").is_visible()
    assert summary.locator("a[href='#email']").is_visible()
    assert summary.locator("a[href='#consent']").is_visible()
    summary.locator("a[href='#email']").click()
    assert page.evaluate("document.activeElement.id") == "email"

    page.locator("#name").fill("An Peeters")
    page.locator("#email").fill("an@example.org")
    page.locator("#needs_step_free").check()
    page.locator("#consent").check()
    tab.click(page.locator("form.registration-form button[type=submit]"), name="registered")
    # The same page for a new and a known address: the mail says which applies.
    assert page.locator(".check-mail").is_visible()

    mail = mailbox.wait_for("an@example.org")
    # The mail speaks the language the resident registered in.
    expected = {"nl": "Je plaats voor Green Deal-avond is bevestigd",
                "en": "Your place at Green Deal-avond is confirmed"}
    assert mail["Subject"] == expected[persona["locale"][:2]]
    manage_url = mailbox.link(mail, "/registrations/")

    tab.page.goto(manage_url)
    tab.check(name="manage")
    assert page.locator(".registration-status").is_visible()
    tab.click(page.locator("a[href$='/cancel']"), name="cancel")
    tab.click(page.locator("main form button[type=submit]"))
    assert page.locator(".flash-success").is_visible()
    assert page.locator("a[href$='/cancel']").count() == 0

    receipt = mailbox.wait_for("an@example.org", count=2)
    assert "an@example.org" in receipt["To"]
    db.session.rollback()
    db.session.refresh(green_deal_evening)
    assert green_deal_evening.confirmed_count == 0


def test_waiting_list_resident_is_promoted_when_a_place_comes_free(
    browse, persona, mailbox, make_event
):
    event = make_event(slug="full-evening", title="Full evening", capacity=1)
    registrations.register(event, name="Alice", email="alice@example.org", locale="en")
    db.session.commit()
    deliver_pending()
    db.session.commit()

    bob = browse(**persona)
    page = bob.page
    bob.goto("/events/full-evening", name="event-full")
    assert page.locator(".badge-full").is_visible()
    bob.click(page.locator(".register-box a[href$='/register']"), name="register-waiting")
    page.locator("#name").fill("Bob Janssens")
    page.locator("#email").fill("bob@example.org")
    page.locator("#consent").check()
    bob.click(page.locator("form.registration-form button[type=submit]"), name="waiting")
    assert page.locator(".check-mail").is_visible()
    assert "1" in mailbox.text(mailbox.wait_for("bob@example.org"))

    # Alice cancels through the link in her mail: Bob gets her place and a mail saying so.
    alice = browse(locale=persona["locale"])
    alice_link = mailbox.link(mailbox.wait_for("alice@example.org"), "/registrations/")
    alice.page.goto(alice_link)
    alice.check()
    alice.click(alice.page.locator("a[href$='/cancel']"))
    alice.click(alice.page.locator("main form button[type=submit]"))

    promoted = mailbox.wait_for("bob@example.org", count=2)
    bob.page.goto(mailbox.link(promoted, "/registrations/"))
    bob.check(name="manage-promoted")
    db.session.rollback()
    db.session.refresh(event)
    assert (event.confirmed_count, event.waiting_count) == (1, 0)
    assert page.locator("a[href$='/cancel']").is_visible()


def test_resident_answers_the_event_s_questions_and_brings_a_companion(
    browse, persona, make_event
):
    event = make_event(slug="dinner-evening", title="Dinner evening", capacity=10,
                       companions_allowed=2)
    workshop = questions.add_question(event, questions.QuestionDetails(
        kind=QuestionKind.ONE_CHOICE, label_nl="Welke workshop?", label_en="Which workshop?",
        choices_nl=["Klimaat", "Jeugd"], choices_en=["Climate", "Youth"], required=True,
        help_nl="Kies er één.", help_en="Pick one."))
    questions.add_question(event, questions.QuestionDetails(
        kind=QuestionKind.SEVERAL_CHOICES, label_nl="Eetwensen", label_en="Diet",
        choices_nl=["Vegetarisch", "Halal"], choices_en=["Vegetarian", "Halal"]))
    db.session.commit()
    tab = browse(**persona)
    page = tab.page
    tab.goto("/events/dinner-evening/register", name="register-questions")
    page.locator("#name").fill("An Peeters")
    page.locator("#email").fill("an@example.org")
    page.locator("#companions").fill("1")
    page.locator("#companion_names").fill("Bart")
    page.locator("#consent").check()
    # The required question is left open: the summary links to its fieldset, input is kept.
    tab.click(page.locator("form.registration-form button[type=submit]"),
              name="register-questions-errors")
    summary = page.locator(".error-summary")
    summary.locator(f"a[href='#question_{workshop.id}']").click()
    assert page.locator("#companions").input_value() == "1"
    page.locator(f"#question_{workshop.id}-1").check()
    tab.click(page.locator("form.registration-form button[type=submit]"), name="registered-group")
    db.session.rollback()
    registration = db.session.query(Registration).one()
    assert registration.companions == 1 and registration.companion_names == ["Bart"]
    assert registration.answers[0].chosen_nl == ["Jeugd"]
    tab.goto(f"/registrations/{registrations.manage_token(registration)}", name="manage-answers")
    assert "Bart" in page.locator("main").inner_text()


def test_switching_language_keeps_what_was_typed_but_never_a_password(browse, persona):
    tab = browse(**persona)
    page = tab.page
    tab.goto("/account/sign-up")
    page.locator("#name").fill("Aiko Tanaka")
    page.locator("#email").fill("aiko@example.org")
    page.locator("#password").fill("a long enough secret")
    other = "Nederlands" if persona["locale"].startswith("en") else "English"
    tab.click(page.locator(".lang-switch a"), name="sign-up-other-language")
    assert page.locator(".lang-switch a").inner_text() != other
    assert page.locator("#name").input_value() == "Aiko Tanaka"
    assert page.locator("#email").input_value() == "aiko@example.org"
    assert page.locator("#password").input_value() == ""
    # Kept for that one page load only: coming back to the form later starts empty.
    tab.goto("/account/sign-up")
    assert page.locator("#name").input_value() == ""
