"""The rules for giving, changing, withdrawing and recording opinions."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from participation.accounts.models import AgeBand, Role
from participation.database import utcnow
from participation.extensions import db
from participation.feedback import services
from participation.feedback.models import Opinion, OpinionSource, Stance


@pytest.fixture(autouse=True)
def _english(app):
    """Read the service's messages in English (the site's default language is Dutch)."""
    with force_locale("en"):
        yield


def test_verified_resident_gives_an_opinion_on_an_open_action(resident, make_action):
    action = make_action()
    opinion = services.give_opinion(resident, action, "support", "  More exchanges!  ", False)
    assert opinion.stance == Stance.SUPPORT
    assert opinion.body == "More exchanges!"
    assert opinion.source == OpinionSource.ONLINE
    assert services.author_label(opinion) == "A resident"
    assert services.stance_counts(action) == {Stance.SUPPORT: 1, Stance.MIXED: 0,
                                              Stance.OPPOSE: 0}


def test_giving_again_changes_the_one_opinion(resident, make_action):
    action = make_action()
    first = services.give_opinion(resident, action, "support", "Yes", False)
    second = services.give_opinion(resident, action, "oppose", "On second thought, no", True)
    assert first.id == second.id
    assert db.session.scalar(sa.select(sa.func.count(Opinion.id))) == 1
    assert second.stance == Stance.OPPOSE and second.show_name
    assert services.author_label(second) == "Rita Resident"


def test_withdrawn_opinion_is_gone(resident, make_action):
    action = make_action()
    services.give_opinion(resident, action, "mixed", "Not sure", False)
    services.withdraw_opinion(resident, action)
    assert services.own_opinion(resident, action) is None
    with pytest.raises(services.FeedbackError):
        services.withdraw_opinion(resident, action)


def test_closed_action_refuses_new_changed_and_withdrawn_opinions(resident, make_action):
    action = make_action()
    services.give_opinion(resident, action, "support", "Yes", False)
    action.feedback_open = False
    with pytest.raises(services.FeedbackError, match="closed"):
        services.give_opinion(resident, action, "oppose", "No", False)
    with pytest.raises(services.FeedbackError, match="closed"):
        services.withdraw_opinion(resident, action)
    assert services.own_opinion(resident, action).stance == Stance.SUPPORT


def test_unverified_resident_cannot_give_an_opinion(make_user, make_action):
    user = make_user(verified=False)
    with pytest.raises(services.FeedbackError, match="Confirm your e-mail"):
        services.give_opinion(user, make_action(), "support", "Yes", False)


@pytest.mark.parametrize("stance, body, field", [
    ("maybe", "Text", "stance"), ("support", "   ", "body"), ("support", "x" * 2001, "body"),
])
def test_bad_stance_or_text_is_refused_on_its_field(resident, make_action, stance, body, field):
    with pytest.raises(services.FeedbackError) as caught:
        services.give_opinion(resident, make_action(), stance, body, False)
    assert caught.value.field == field


def test_the_database_refuses_a_second_opinion_by_the_same_person(resident, make_action):
    action = make_action()
    services.give_opinion(resident, action, "support", "Yes", False)
    db.session.commit()
    db.session.add(Opinion(action_id=action.id, user_id=resident.id, stance=Stance.OPPOSE,
                           body="Twice"))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_an_event_can_only_be_named_when_registered_for_it(
    resident, make_action, make_event, add_registration
):
    action = make_action()
    event = make_event(actions=[action], starts_at=utcnow() - timedelta(days=2))
    with pytest.raises(services.FeedbackError) as caught:
        services.give_opinion(resident, action, "support", "Yes", False, event=event)
    assert caught.value.field == "event"
    add_registration(event, resident)
    opinion = services.give_opinion(resident, action, "support", "Yes", False, event=event)
    assert opinion.event == event and opinion.source == OpinionSource.ONLINE


def test_an_event_that_has_not_started_cannot_be_named(
    resident, make_action, make_event, add_registration
):
    action = make_action()
    event = make_event(actions=[action])
    add_registration(event, resident)
    assert services.events_for_opinion(resident) == []
    with pytest.raises(services.FeedbackError, match="once it has taken place"):
        services.give_opinion(resident, action, "support", "Soon", False, event=event)


def test_a_checked_in_participant_gives_feedback_after_the_event(
    resident, make_action, make_event, add_registration
):
    action = make_action()
    event = make_event(actions=[action], starts_at=utcnow() - timedelta(days=2))
    add_registration(event, resident, checked_in=True)
    opinion = services.give_opinion(resident, action, "mixed", "Good evening", False, event=event)
    assert opinion.source == OpinionSource.AFTER_EVENT
    assert event.id in [choice.id for choice in services.events_for_opinion(resident)]


def test_profile_facts_are_kept_only_with_consent(make_user, make_action):
    action = make_action()
    without = make_user(postcode="9000", age_band=AgeBand.AGE_25_34)
    consented = make_user(postcode="9050", age_band=AgeBand.AGE_65_PLUS,
                          profile_consent_at=utcnow())
    assert services.give_opinion(without, action, "support", "Yes", False).postcode is None
    opinion = services.give_opinion(consented, action, "support", "Yes", False)
    assert (opinion.postcode, opinion.age_band) == ("9050", AgeBand.AGE_65_PLUS)


def test_organiser_records_feedback_at_their_event_without_a_person(
    make_user, make_action, make_event
):
    action, other_action = make_action(), make_action()
    organiser = make_user(roles=(Role.ORGANISER,))
    event = make_event(actions=[action], organisers=[organiser],
                       starts_at=utcnow() - timedelta(hours=3))
    opinion = services.record_event_feedback(organiser, event, action, "oppose",
                                             "Table 3: too expensive")
    assert opinion.user_id is None and opinion.event == event
    assert opinion.source == OpinionSource.AT_EVENT
    assert services.author_label(opinion) == "Recorded at the event"
    with pytest.raises(services.FeedbackError) as caught:
        services.record_event_feedback(organiser, event, other_action, "oppose", "Off topic")
    assert caught.value.field == "action"
    stranger = make_user(roles=(Role.ORGANISER,))
    with pytest.raises(services.FeedbackError, match="organisers"):
        services.record_event_feedback(stranger, event, action, "support", "Yes")
    admin = make_user(roles=(Role.ADMIN,))
    assert services.record_event_feedback(admin, event, action, "support", "Yes").id


def test_feedback_cannot_be_recorded_before_the_event(make_user, make_action, make_event):
    action = make_action()
    organiser = make_user(roles=(Role.ORGANISER,))
    event = make_event(actions=[action], organisers=[organiser])
    with pytest.raises(services.FeedbackError, match="started"):
        services.record_event_feedback(organiser, event, action, "support", "Early")


def test_stance_counts_for_many_actions_take_one_query(
    make_action, make_opinion, count_queries
):
    actions = [make_action() for _ in range(4)]
    for action in actions:
        make_opinion(action, stance=Stance.OPPOSE)
    make_opinion(actions[0], status="hidden")
    with count_queries() as statements:
        counts = services.stance_counts_for([a.id for a in actions])
    assert len(statements) == 1
    assert all(counts[a.id][Stance.OPPOSE] == 1 for a in actions)
    assert counts[actions[0].id][Stance.SUPPORT] == 0
