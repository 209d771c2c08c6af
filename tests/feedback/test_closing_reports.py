"""Closing reports: organisers say what came of their event; residents read it on its page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale

from participation.accounts.models import Role
from participation.database import utcnow
from participation.events.models import EventStatus
from participation.extensions import db
from participation.feedback import closing
from participation.feedback.closing import ClosingReportDetails, ClosingReportError, Said
from participation.feedback.models import OpinionSource

EN = {"Accept-Language": "en"}


@pytest.fixture
def organiser(make_user):
    return make_user(roles=(Role.ORGANISER,), name="Olivia Organiser")


@pytest.fixture
def past_event(make_event, make_action, organiser):
    start = utcnow() - timedelta(days=3)
    return make_event(starts_at=start, organisers=[organiser],
                      actions=[make_action(code="A1"), make_action(code="A2")])


def test_the_participants_are_proposed_from_the_check_ins(past_event, add_registration):
    add_registration(past_event, checked_in=True)
    add_registration(past_event, checked_in=True)
    add_registration(past_event)
    assert closing.checked_in_count(past_event) == 2


def test_organiser_writes_a_report_with_what_was_said_per_action(past_event, organiser):
    a1, a2 = past_event.actions
    report = closing.save_closing_report(past_event, ClosingReportDetails(
        summary_nl="We spraken over fietsstraten.", summary_en="We talked about bike streets.",
        participants=23, said={a1.id: Said("Meer bomen.", "More trees."), a2.id: Said()},
    ), by=organiser)
    assert report.participants == 23
    assert [(o.action_id, o.said_nl, o.said_en) for o in report.outcomes] == [
        (a1.id, "Meer bomen.", "More trees.")]
    assert past_event.closing_report is report


def test_rewriting_replaces_the_notes_per_action(past_event, organiser):
    a1, a2 = past_event.actions
    details = ClosingReportDetails(summary_nl="Eerste versie.", said={a1.id: Said("Bomen.")})
    closing.save_closing_report(past_event, details, by=organiser)
    db.session.commit()
    details = ClosingReportDetails(summary_nl="Tweede versie.",
                                   said={a1.id: Said("Meer bomen."), a2.id: Said("Parking.")})
    report = closing.save_closing_report(past_event, details, by=organiser)
    db.session.commit()
    assert report.summary_nl == "Tweede versie."
    assert [o.said_nl for o in report.outcomes] == ["Meer bomen.", "Parking."]


@pytest.mark.parametrize("change, message", [
    ({"starts_at": "future"}, "once the event has ended"),
    ({"status": EventStatus.CANCELLED}, "that took place"),
])
def test_no_report_before_the_event_ended_or_for_a_cancelled_one(make_event, organiser, change,
                                                                  message):
    fields = {"status": change.get("status", EventStatus.PUBLISHED)}
    if "starts_at" not in change:
        fields["starts_at"] = utcnow() - timedelta(days=1)
    event = make_event(organisers=[organiser], **fields)
    with force_locale("en"), pytest.raises(ClosingReportError, match=message):
        closing.save_closing_report(event, ClosingReportDetails(summary_nl="Verslag."),
                                    by=organiser)


def test_only_the_events_organisers_write_its_report(past_event, make_user):
    other = make_user(roles=(Role.ORGANISER,))
    with pytest.raises(ClosingReportError):
        closing.save_closing_report(past_event, ClosingReportDetails(summary_nl="Verslag."),
                                    by=other)


def test_a_dutch_summary_is_required_and_notes_only_on_discussed_actions(past_event, organiser,
                                                                         make_action):
    with pytest.raises(ClosingReportError) as error:
        closing.save_closing_report(past_event, ClosingReportDetails(summary_nl="  "),
                                    by=organiser)
    assert error.value.field == "summary_nl"
    other = make_action(code="Z9")
    with pytest.raises(ClosingReportError):
        closing.save_closing_report(past_event, ClosingReportDetails(
            summary_nl="Verslag.", said={other.id: Said("Iets.")}), by=organiser)


def test_opinions_given_at_or_after_the_event_are_counted_per_action(past_event, make_opinion):
    a1, _ = past_event.actions
    make_opinion(a1, event=past_event, source=OpinionSource.AT_EVENT)
    make_opinion(a1, event=past_event, source=OpinionSource.AFTER_EVENT)
    make_opinion(a1)  # not about the event
    assert closing.opinions_from_event(past_event) == {a1.id: 2}


class TestPages:
    def test_organiser_writes_the_report_and_residents_read_it_on_the_event_page(
            self, client, login, past_event, organiser, add_registration):
        add_registration(past_event, checked_in=True)
        a1, _ = past_event.actions
        login(organiser)
        page = client.get(f"/manage/events/{past_event.slug}/report", headers=EN)
        assert page.status_code == 200
        assert 'value="1"' in page.text  # participants proposed from the one check-in
        response = client.post(f"/manage/events/{past_event.slug}/report", headers=EN, data={
            "summary_nl": "We spraken over fietsstraten.", "summary_en": "Bike streets.",
            "participants": "12", f"said_nl_{a1.id}": "Meer bomen.",
            f"said_en_{a1.id}": "More trees.",
        })
        assert response.status_code == 302
        client.post("/account/sign-out")
        page = client.get(f"/events/{past_event.slug}", headers=EN).text
        assert "What came of this event" in page
        assert "Bike streets." in page and "12 participants" in page
        assert "More trees." in page

    def test_a_missing_summary_is_shown_on_the_form(self, client, login, past_event, organiser):
        login(organiser)
        response = client.post(f"/manage/events/{past_event.slug}/report", headers=EN,
                               data={"summary_nl": "", "participants": "-3"})
        assert response.status_code == 422
        assert "Summarise in Dutch what came of the event." in response.text
        assert "Give a number of 0 or more." in response.text

    def test_an_upcoming_event_has_no_report_form_yet(self, client, login, make_event,
                                                      organiser):
        event = make_event(organisers=[organiser])
        login(organiser)
        page = client.get(f"/manage/events/{event.slug}/report", headers=EN)
        assert "once the event has ended" in page.text
        assert 'name="summary_nl"' not in page.text

    def test_another_organiser_cannot_open_the_form(self, client, login, past_event, make_user):
        login(make_user(roles=(Role.ORGANISER,)))
        assert client.get(f"/manage/events/{past_event.slug}/report").status_code == 403


def _reminders() -> list:
    from participation.mail.models import OutboxMessage

    return list(db.session.scalars(db.select(OutboxMessage)
                                   .where(OutboxMessage.kind == "closing_report_reminder")
                                   .order_by(OutboxMessage.id)))


def test_organisers_are_reminded_once_to_write_the_report_of_a_past_event(
    make_event, make_user, organiser
):
    other = make_user(roles=(Role.ORGANISER,), name="Omar", locale="nl")
    gone = make_user(roles=(Role.ORGANISER,), active=False)
    ended = make_event(title="Klimaatcafé",
                       organisers=[organiser, other, gone],
                       starts_at=utcnow() - timedelta(days=1, hours=3))
    written = make_event(organisers=[organiser], starts_at=utcnow() - timedelta(days=1))
    make_event(organisers=[organiser], starts_at=utcnow() - timedelta(hours=3))  # too soon
    make_event(organisers=[organiser], starts_at=utcnow() - timedelta(days=40))  # long ago
    make_event(organisers=[organiser], starts_at=utcnow() - timedelta(days=1),
               status=EventStatus.CANCELLED)
    db.session.commit()
    closing.save_closing_report(written, ClosingReportDetails(summary_nl="Verslag."),
                                by=organiser)
    db.session.commit()
    assert closing.send_closing_report_reminders() == 2
    mails = _reminders()
    assert sorted(m.recipient for m in mails) == sorted([organiser.email, other.email])
    dutch = next(m for m in mails if m.recipient == other.email)
    assert "Klimaatcafé" in dutch.subject
    assert f"/manage/events/{ended.slug}/report" in dutch.body_text
    assert ended.closing_reminder_sent_at is not None
    assert closing.send_closing_report_reminders() == 0
    assert len(_reminders()) == 2
