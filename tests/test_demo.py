"""The demo content: complete, idempotent, and with dates relative to now."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from participation.accounts.models import Role, User
from participation.demo import load_demo
from participation.events.models import Event, EventLanguage, EventStatus
from participation.extensions import db
from participation.policy.models import ActionStatus, PolicyAction, PolicyDocument, Priority
from participation.registrations.models import Registration, RegistrationStatus

#: Each test loads the whole demo (seconds): `make test` runs them, `make test-fast` skips them
#: (tests/policy/test_cli.py still loads the demo once in the fast loop).
pytestmark = pytest.mark.slow

NOW = datetime(2030, 3, 4, 9, 30, tzinfo=UTC)
MODELS = (PolicyDocument, Priority, PolicyAction, User, Event, Registration)


def row_counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in MODELS
    }


def upcoming_published() -> list[Event]:
    return list(
        db.session.scalars(
            sa.select(Event).where(Event.status == EventStatus.PUBLISHED, Event.starts_at > NOW)
        )
    )


def test_loading_twice_creates_nothing_the_second_time(app):
    first = load_demo(NOW)
    db.session.commit()
    before = row_counts()

    second = load_demo(NOW)
    db.session.commit()

    assert all(first.values())
    assert set(second.values()) == {0}
    assert row_counts() == before
    assert before["Event"] == first["events"]
    assert before["Registration"] == first["registrations"]


def test_demo_has_four_top_priorities_and_the_note_s_actions(app):
    load_demo(NOW)

    top = db.session.scalars(sa.select(Priority).where(Priority.is_top_priority)).all()
    assert sorted(p.slug for p in top) == [
        "climate-neutral-2050",
        "european-capital-of-culture-2030",
        "european-youth-capital-2024",
        "technology-capital",
    ]
    codes = set(db.session.scalars(sa.select(PolicyAction.code)))
    assert {f"A{n:02d}" for n in range(1, 21)} <= codes
    assert {"GD01", "CP01", "CF01"} <= codes
    for action in db.session.scalars(sa.select(PolicyAction)):
        assert action.title_en and action.summary_nl and action.summary_en
        if action.status == ActionStatus.DONE:
            assert action.progress == 100


def test_demo_accounts_hold_their_roles(app):
    load_demo(NOW)

    users = {u.email: u for u in db.session.scalars(sa.select(User))}
    # Created like any account made on the command line: residents with a role added.
    assert users["organiser@example.org"].role_names == {Role.RESIDENT, Role.ORGANISER}
    assert users["staff@example.org"].role_names == {Role.RESIDENT, Role.STAFF}
    assert users["admin@example.org"].is_admin
    assert all(u.email_verified and u.password_hash is None for u in users.values())


def test_demo_events_are_upcoming_varied_and_linked(app):
    load_demo(NOW)

    events = upcoming_published()
    assert len(events) >= 12
    assert any(e.is_online and e.venue_name is None for e in events)
    assert any(e.language == EventLanguage.ENGLISH for e in events)
    assert any(e.language == EventLanguage.BILINGUAL for e in events)
    assert any(e.capacity is None for e in events)
    for event in events:
        assert event.starts_at > NOW
        assert event.ends_at > event.starts_at
        assert 1 <= len(event.actions) <= 4
        assert [u.email for u in event.organisers] == ["organiser@example.org"]
        assert event.registration_opens_at is None or event.registration_opens_at <= NOW
        assert event.registration_closes_at in (None, event.starts_at)
        assert event.registration_state(NOW) == "open"


def test_every_demo_event_discusses_at_least_one_action(app):
    load_demo(NOW)

    assert all(event.actions for event in db.session.scalars(sa.select(Event)))
    statuses = set(db.session.scalars(sa.select(Event.status)))
    assert {EventStatus.PUBLISHED, EventStatus.DRAFT} <= statuses
    assert db.session.scalar(sa.select(sa.func.count()).where(Event.ends_at < NOW)) == 1


def test_nearly_full_events_count_their_real_registrations(app):
    load_demo(NOW)
    db.session.commit()

    nearly_full = [
        e for e in upcoming_published() if e.capacity and e.confirmed_count >= e.capacity - 3
    ]
    assert 2 <= len(nearly_full) <= 3
    for event in nearly_full:
        registrations = db.session.scalars(
            sa.select(Registration).where(Registration.event_id == event.id)
        ).all()
        confirmed = [r for r in registrations if r.status == RegistrationStatus.CONFIRMED]
        assert event.confirmed_count == len(confirmed) == len(registrations)
        assert not event.is_full
        codes = [r.code for r in confirmed]
        assert len(set(codes)) == len(codes)
        assert all(len(c) == 6 and not set(c) & set("0O1I") for c in codes)


def test_event_times_follow_now(app):
    later = datetime(2031, 7, 1, 12, 0, tzinfo=UTC)

    load_demo(later)

    events = db.session.scalars(
        sa.select(Event).where(Event.status == EventStatus.PUBLISHED, Event.starts_at > later)
    ).all()
    assert len(events) >= 12
    # 19:00 in Brussels is 17:00 UTC in summer time.
    assert any(e.starts_at.hour == 17 and e.starts_at.minute == 0 for e in events)


def test_demo_opinions_fill_the_staff_pages(app):
    from participation.feedback.models import Opinion, OpinionReport, OpinionStatus, Theme
    from participation.feedback.reports import action_report
    from participation.feedback.suggestions import suggest_themes
    from participation.policy.services import get_action

    load_demo(NOW)
    db.session.commit()
    opinions = db.session.scalars(sa.select(Opinion)).all()
    assert len(opinions) >= 250
    assert {o.locale for o in opinions} == {"nl", "en"}
    assert {o.stance.value for o in opinions} == {"support", "mixed", "oppose"}
    assert len({o.action_id for o in opinions}) >= 6
    assert len({o.created_at.date() for o in opinions}) > 30
    assert any(o.status == OpinionStatus.HIDDEN for o in opinions)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OpinionReport)) > 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Theme)) > 3
    report = action_report(get_action("A03"), now=NOW)
    assert report.themes and report.events and report.funnel[1] > 0
    assert suggest_themes(get_action("A02"))


def test_demo_events_are_in_both_languages_but_one_dutch_and_one_english_only(app):
    """``make run`` shows the complete case and both fallbacks (issue 13)."""
    load_demo(NOW)
    incomplete = {}
    for event in db.session.scalars(sa.select(Event)):
        missing = event.missing_languages(("title", "summary", "description"))
        if missing:
            incomplete[event.slug] = set(missing.values())
    assert incomplete == {
        "renovatiegolf-samen-renoveren": {"en"},
        "internationals-in-ghent-have-your-say": {"nl"},
    }
    complete = db.session.scalars(sa.select(Event).where(Event.title_en.is_not(None))).all()
    for event in complete:
        # Venue notes too, wherever the venue has them in Dutch.
        for field in ("public_transport", "bike", "accessibility_notes"):
            if getattr(event, f"{field}_nl"):
                assert getattr(event, f"{field}_en"), (event.slug, field)


def test_demo_events_ask_questions_and_allow_companions(app, client):
    load_demo(NOW)
    db.session.commit()
    data = client.get("/api/v1/events/green-deal-in-jouw-wijk").get_json()
    assert data["companions_allowed"] == 2
    assert [q["type"] for q in data["questions"]] == ["one_choice", "short_text"]
    kinds = {q["type"] for slug in ("van-boer-tot-bord-gent-en-garde",
                                    "jongeren-en-de-toekomst-van-europa")
             for q in client.get(f"/api/v1/events/{slug}").get_json()["questions"]}
    assert kinds == {"several_choices", "yes_no", "number", "long_text"}
