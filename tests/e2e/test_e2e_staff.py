"""Policy staff sign in, moderate residents' opinions and export them."""

from __future__ import annotations

import csv
import io

import pytest

from participation.accounts.models import Role
from participation.extensions import db
from participation.feedback import services as feedback

pytestmark = pytest.mark.e2e

PASSWORD = "staff members read every word"


def sign_in(tab, email: str, password: str) -> None:
    """Sign in through the sign-in form, the way a person does."""
    tab.goto("/account/sign-in")
    tab.page.locator("#email").fill(email)
    tab.page.locator("#password").fill(password)
    tab.click(tab.page.locator("main form button[type=submit]"))
    assert tab.page.locator("form[action='/account/sign-out']").count() == 1


def test_staff_hide_an_opinion_and_export_the_published_ones(
    browse, persona, make_user, make_action
):
    action = make_action(code="B07", feedback_open=True)
    polite = make_user(email="jan@example.org", name="Jan")
    rude = make_user(email="troll@example.org", name="Troll")
    feedback.give_opinion(polite, action, "support", "Good plan for the harbour.", False)
    feedback.give_opinion(rude, action, "oppose", "You are all idiots.", False)
    make_user(email="lotte@stad.gent", roles=(Role.STAFF,), password=PASSWORD,
              locale=persona["locale"][:2])
    db.session.commit()

    tab = browse(**persona)
    page = tab.page
    sign_in(tab, "lotte@stad.gent", PASSWORD)
    tab.goto("/staff/dashboard", name="staff-dashboard")
    assert page.locator("html").get_attribute("lang") == persona["locale"][:2]
    tab.click(page.locator(".staff-nav a[href='/staff/moderation']"), name="moderation")

    rude_item = page.locator("article.moderation-item", has_text="You are all idiots.")
    tab.click(rude_item.locator("form[action$='/hide'] button[type=submit]"),
              name="moderation-errors")
    rude_item = page.locator("article.moderation-item", has_text="You are all idiots.")
    reason = rude_item.locator("textarea[name=reason]")
    assert reason.get_attribute("aria-invalid") == "true"
    reason.fill("Insults other people.")
    tab.click(rude_item.locator("form[action$='/hide'] button[type=submit]"))
    assert page.locator(".flash-success").is_visible()

    tab.goto("/actions/B07")
    assert page.get_by_text("Good plan for the harbour.").is_visible()
    assert page.get_by_text("You are all idiots.").count() == 0

    tab.goto("/staff/dashboard")
    tab.click(page.locator(".staff-nav a[href='/staff/exports']"), name="exports")
    page.locator("input[name=kind][value=opinions]").check()
    page.locator("input[name=format][value=csv]").check()
    page.locator("#action").select_option("B07")
    page.locator("#status").select_option("published")
    with page.expect_download() as download_info:
        page.locator("form.filters button[type=submit]").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    text = download.path().read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row for row in rows if "harbour" in " ".join(row.values())]
    assert not [row for row in rows if "idiots" in " ".join(row.values())]
    assert "troll@example.org" not in text and "jan@example.org" not in text
