"""Policy staff code opinions, accept a suggested theme and read the report on an action."""

from __future__ import annotations

import pytest

from participation.accounts.models import Role
from participation.extensions import db
from participation.feedback import services as feedback

from .test_e2e_staff import PASSWORD, sign_in

pytestmark = pytest.mark.e2e

TEXTS = [
    "Er zijn te weinig fietsenstallingen aan het station.",
    "Veilige fietsenstallingen in de binnenstad, graag overdekt.",
    "The fietsenstallingen near the station are always full.",
    "De fietsenstallingen aan Sint-Pieters zijn overvol.",
    "Bredere fietspaden langs de Coupure.",
    "Fietspaden zijn te smal voor bakfietsen.",
    "The fietspaden along the ring need lighting.",
    "Goed idee, maar denk ook aan voetgangers.",
]


def test_staff_code_opinions_accept_a_suggestion_and_read_the_report(
    browse, persona, make_user, make_action
):
    action = make_action(code="B12", title_en="Bike parking", title_nl="Fietsparkeren")
    for number, text in enumerate(TEXTS):
        feedback.give_opinion(make_user(email=f"r{number}@example.org"), action,
                              "support" if number % 3 else "mixed", text, False)
    make_user(email="lotte@stad.gent", roles=(Role.STAFF,), password=PASSWORD,
              locale=persona["locale"][:2])
    db.session.commit()

    tab = browse(**persona)
    page = tab.page
    sign_in(tab, "lotte@stad.gent", PASSWORD)
    tab.goto("/staff/actions/B12/suggestions", name="staff-suggestions")
    first = page.locator("section.insight-box").first
    first.locator("input[name=name_en]").fill("Bike parking spaces")
    tab.click(first.locator("button[type=submit]").first)
    assert page.locator(".flash-success").is_visible()

    tab.goto("/staff/actions/B12/coding", name="staff-coding")
    page.locator("details.insight-box summary").click()
    page.locator("#name_nl").fill("Voetgangers")
    tab.click(page.locator("form[action$='/themes'] button[type=submit]"))
    page.locator("input[name=opinion]").last.check()
    page.locator("#theme").select_option(label="Voetgangers")
    tab.click(page.locator("button[name=operation][value=add]"))
    assert page.locator(".flash-success").is_visible()

    tab.goto("/staff/actions/B12/report", name="staff-report")
    expected = "Bike parking spaces" if persona["locale"] == "en-GB" else "fietsenstallingen"
    assert page.locator("table.bar-table th", has_text=expected).count() == 1
    assert page.locator("table.bar-table th", has_text="Voetgangers").count() == 1
    tab.goto("/staff/dashboard", name="staff-dashboard-insight")
