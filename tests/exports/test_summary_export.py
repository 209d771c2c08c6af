"""The summary per action hides groups smaller than five people outside admin exports."""

from __future__ import annotations

import pytest

from participation.accounts.models import AgeBand, Role
from participation.extensions import db
from participation.feedback.models import Stance


@pytest.fixture
def action_with_opinions(make_action, make_opinion):
    action = make_action(code="YC01")
    for number in range(7):
        make_opinion(action, stance=Stance.SUPPORT if number < 6 else Stance.OPPOSE,
                     postcode="9000" if number < 5 else "9050",
                     age_band=AgeBand.AGE_18_24 if number < 2 else None)
    db.session.commit()
    return action


def counts(data: list[dict]) -> dict[tuple[str, str], object]:
    return {(row["breakdown"], row["group"]): row["opinions"] for row in data}


def test_small_groups_are_shown_as_less_than_five_for_staff(
    client, login, make_user, action_with_opinions
):
    login(make_user(roles=(Role.STAFF,)))
    data = client.get("/staff/exports/summary.json").get_json()
    assert counts(data) == {
        ("total", "all"): 7,
        ("stance", "oppose"): "<5",
        ("stance", "support"): 6,
        ("postcode", "9000"): 5,
        ("postcode", "9050"): "<5",
        ("age_band", "18_24"): "<5",
        ("age_band", "unknown"): 5,
    }
    assert {row["action_code"] for row in data} == {"YC01"}


def test_admins_see_exact_counts(client, login, make_user, action_with_opinions):
    login(make_user(roles=(Role.ADMIN,)))
    data = client.get("/staff/exports/summary.json").get_json()
    assert counts(data)[("stance", "oppose")] == 1
    assert counts(data)[("age_band", "18_24")] == 2


def test_summary_csv_opens_in_excel_with_the_same_suppression(
    client, login, make_user, action_with_opinions
):
    login(make_user(roles=(Role.STAFF,)))
    text = client.get("/staff/exports/summary.csv").get_data().decode("utf-8")
    assert text.startswith('\ufeff"action_code","action_title","breakdown","group","opinions"\r\n')
    assert '"postcode","9050","<5"' in text
