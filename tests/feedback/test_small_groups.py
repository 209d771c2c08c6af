"""One rule for small groups, in reports and exports alike: fewer than 5 people are not shown."""

from __future__ import annotations

import sqlalchemy as sa

from participation.accounts.models import AgeBand
from participation.exports.opinions import OpinionFilter, opinion_rows
from participation.feedback import reports
from participation.feedback.models import Opinion, OpinionSource
from participation.feedback.small_groups import (
    SMALL_GROUP_LABEL,
    people_per_group,
    shown_count,
    shown_value,
    small_groups,
)


def test_a_count_under_five_is_shown_as_a_small_group_unless_exact():
    assert [shown_count(n) for n in (0, 1, 4, 5, 12)] == [0, "<5", "<5", 5, 12]
    assert shown_count(3, exact=True) == 3


def test_a_value_of_a_small_group_is_hidden_unless_exact():
    assert shown_value("9050", {"9050"}) == SMALL_GROUP_LABEL
    assert shown_value("9000", {"9050"}) == "9000"
    assert shown_value("9050", {"9050"}, exact=True) == "9050"


def _actions(make_action, number: int) -> list:
    """Actions of one priority: a person gives one opinion per action."""
    first = make_action()
    return [first] + [make_action(priority=first.priority) for _ in range(number - 1)]


def test_groups_count_people_not_opinions(app, make_action, make_user, make_opinion,
                                          make_event):
    actions = _actions(make_action, 6)
    prolific = make_user()
    for n, action in enumerate(actions):
        make_opinion(action, user=prolific, body=f"Opinion {n}", postcode="9050")
    for _ in range(5):
        make_opinion(actions[0], postcode="9000")
    # Feedback recorded at an event has no author: each counts as one person.
    event, organiser = make_event(actions=[actions[0]]), make_user()
    for _ in range(2):
        make_opinion(actions[0], source=OpinionSource.AT_EVENT, postcode="9000", event=event,
                     recorded_by_id=organiser.id)
    opinions = sa.select(Opinion.id)
    assert people_per_group(opinions, Opinion.postcode) == [("9000", 7), ("9050", 1)]
    assert small_groups(opinions, Opinion.postcode) == {"9050"}


def test_reports_and_exports_suppress_the_same_groups(app, make_action, make_user,
                                                       make_opinion):
    actions = _actions(make_action, 5)
    prolific = make_user()
    for n, action in enumerate(actions):
        make_opinion(action, user=prolific, body=f"Opinion {n}", postcode="9050",
                     age_band=AgeBand.AGE_65_PLUS)
    for _ in range(5):
        make_opinion(actions[0], postcode="9000", age_band=AgeBand.AGE_25_34)
    report = reports.priority_report(actions[0].priority)
    assert report.demographics["postcode"] == [("9000", 5), ("9050", "<5")]
    assert report.demographics["age_band"] == [("25_34", 5), ("65_plus", "<5")]
    rows = list(opinion_rows(OpinionFilter(), personal=False))
    assert {(r["postcode"], r["age_band"]) for r in rows} == {("9000", "25_34"), ("<5", "<5")}
