"""Organisers see which texts of their event lack the other language; staff get the list of
published events and actions (with their updates) not yet complete in both (issue 13)."""

from __future__ import annotations

from participation.accounts.models import Role
from participation.events.models import EventStatus
from participation.extensions import db
from participation.feedback import language_gaps
from participation.policy import services as policy

EN = {"Accept-Language": "en"}


def test_staff_list_holds_published_events_and_actions_in_one_language(
        client, login, make_user, make_event, make_action):
    complete = make_event(title_nl="Volledig", title_en="Complete", summary_nl="Ja",
                          summary_en="Yes")
    dutch_only = make_event(title_nl="Enkel Nederlands", summary_nl="Samenvatting",
                            description_nl="Uitleg", bike_nl="Fietsenstalling", bike_en="Bikes")
    english_only = make_event(title_en="English only", summary_en="Summary")
    draft = make_event(title_nl="Ontwerp", summary_nl="Nog niet klaar",
                       status=EventStatus.DRAFT)
    make_action(code="A01")  # title in both, no summary: complete
    half = make_action(code="A02", title_en=None)
    with_update = make_action(code="A03")
    staff = make_user(roles=(Role.STAFF,))
    policy.add_update(staff, with_update, "Gestart.", "in_progress", 10)
    policy.add_update(staff, with_update, "Klaar.", "done", 100, body_en="Done.")
    db.session.commit()

    assert [e.slug for e in language_gaps.events_in_one_language()] == [
        dutch_only.slug, english_only.slug]
    gaps = language_gaps.actions_in_one_language()
    assert [(g.action.code, len(g.updates)) for g in gaps] == [("A02", 0), ("A03", 1)]
    assert half.missing_languages() == {"title": "en"}

    login(staff)
    page = client.get("/staff/translations", headers=EN).get_data(as_text=True)
    assert "Texts in one language" in page
    assert "English only" in page and "Enkel Nederlands" in page
    assert complete.slug not in page and draft.slug not in page
    assert "Not yet in English: Title, Summary, Description" in page
    assert "Not yet in Dutch: Title, Summary" in page
    assert "not yet in English" in page  # the update of A03 written in Dutch only
    client.get("/language/nl")
    dutch = client.get("/staff/translations")
    assert "Nog niet in het Engels" in dutch.get_data(as_text=True)


def test_organiser_overview_links_to_the_missing_fields(client, login, make_user, make_event):
    organiser = make_user(roles=(Role.ORGANISER,))
    event = make_event(title_nl="Buurtavond", title_en="Neighbourhood evening",
                       summary_nl="Samen", organisers=[organiser])
    login(organiser)
    page = client.get(f"/manage/events/{event.slug}", headers=EN).get_data(as_text=True)
    assert "Not yet in English:" in page
    assert f'href="/manage/events/{event.slug}/edit#summary_en"' in page
    assert "title_en" not in page.split("Not yet in English:")[1].split("</p>")[0]

    complete = make_event(title="Both", summary="Both", organisers=[organiser])
    login(organiser)
    page = client.get(f"/manage/events/{complete.slug}", headers=EN).get_data(as_text=True)
    assert "Not yet in" not in page
