"""A resident signs up, confirms the address, gives an opinion on an action and edits it."""

from __future__ import annotations

import pytest

from participation.extensions import db
from participation.feedback.models import Opinion

pytestmark = pytest.mark.e2e


def test_resident_signs_up_verifies_gives_an_opinion_and_edits_it(
    browse, persona, mailbox, make_action
):
    action = make_action(code="A12", title_nl="Gent klimaatneutraal",
                         title_en="Ghent climate neutral", feedback_open=True)
    db.session.commit()
    tab = browse(**persona)
    page = tab.page
    tab.goto("/actions/A12", name="action")
    tab.click(page.locator("#your-opinion a[href*='/account/sign-in']"))
    tab.click(page.locator("main a[href='/account/sign-up']"), name="sign-up")

    page.locator("#name").fill("Sofie De Smet")
    page.locator("#email").fill("sofie@example.org")
    page.locator("#password").fill("short")
    tab.click(page.locator("main form button[type=submit]"), name="sign-up-errors")
    assert page.locator(".error-summary a[href='#password']").is_visible()
    assert page.locator("#name").input_value() == "Sofie De Smet"
    page.locator("#password").fill("three rivers meet in Ghent")
    tab.click(page.locator("main form button[type=submit]"), name="check-mail")

    verification = mailbox.wait_for("sofie@example.org")
    tab.page.goto(mailbox.link(verification, "/verify/"))
    tab.check(name="verify")
    # Confirming asks for the password chosen at sign-up, then signs in.
    page.locator("#password").fill("three rivers meet in Ghent")
    tab.click(page.locator("main form button[type=submit]"))
    assert page.locator(".flash-success").is_visible()

    tab.goto("/actions/A12")
    assert page.locator("html").get_attribute("lang") == persona["locale"][:2]
    form = page.locator("form[action='/actions/A12/opinion']")
    tab.click(form.locator("button[type=submit]"), name="opinion-errors")
    summary = page.locator(".error-summary")
    assert summary.locator("a[href='#stance']").is_visible()
    assert summary.locator("a[href='#body']").is_visible()

    page.locator("input[name=stance][value=support]").check()
    page.locator("#body").fill("More trees on the Korenmarkt, please.")
    tab.click(form.locator("button[type=submit]"), name="opinion-given")
    assert page.locator(".flash-success").is_visible()
    assert page.locator("#opinions").get_by_text("More trees on the Korenmarkt").is_visible()

    # Editing shows what was given before and keeps one opinion per resident.
    assert page.locator("#body").input_value() == "More trees on the Korenmarkt, please."
    page.locator("input[name=stance][value=mixed]").check()
    page.locator("#body").fill("More trees, but keep the market square free.")
    tab.click(form.locator("button[type=submit]"))
    assert page.locator(".flash-success").is_visible()
    assert page.locator("#opinions").get_by_text("keep the market square free").is_visible()
    assert page.locator("#opinions").get_by_text("More trees on the Korenmarkt").count() == 0

    db.session.rollback()
    opinions = db.session.scalars(db.select(Opinion).where(Opinion.action_id == action.id)).all()
    assert [(o.stance.value, o.body) for o in opinions] == [
        ("mixed", "More trees, but keep the market square free.")
    ]
