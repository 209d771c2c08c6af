"""Coding opinions with themes: the rules, the pages, bulk coding and the audit trail."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from participation.audit.models import AuditEntry
from participation.extensions import db
from participation.feedback import themes
from participation.feedback.models import OpinionStatus, OpinionTheme, Stance
from participation.feedback.services import FeedbackError


def _entries(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_staff_create_a_theme_in_both_languages_for_one_action(staff, make_action):
    action = make_action()
    theme = themes.create_theme(staff, "  Veilig  fietsen ", "Safe cycling", action=action)
    assert (theme.name_nl, theme.name_en, theme.action_id) == ("Veilig fietsen", "Safe cycling",
                                                               action.id)
    assert _entries("theme.create")[0].details["name_nl"] == "Veilig fietsen"


def test_a_theme_name_is_unique_among_an_actions_and_the_shared_themes(staff, make_action):
    action = make_action()
    themes.create_theme(staff, "Kosten", None)
    with pytest.raises(FeedbackError) as raised:
        themes.create_theme(staff, "kosten", None, action=action)
    assert raised.value.field == "name_nl"


def test_residents_cannot_code_opinions(resident, make_action):
    with pytest.raises(FeedbackError):
        themes.create_theme(resident, "Kosten", None, action=make_action())


def test_shared_themes_serve_every_action_and_action_themes_only_their_own(
        staff, make_action, make_opinion):
    first, second = make_action(), make_action()
    shared = themes.create_theme(staff, "Kosten", "Costs")
    own = themes.create_theme(staff, "Fietsen", "Cycling", action=first)
    assert [t.id for t in themes.themes_for(second)] == [shared.id]
    opinion = make_opinion(second)
    with pytest.raises(FeedbackError):
        themes.tag_opinions(staff, own, [opinion])
    assert themes.tag_opinions(staff, shared, [opinion]) == 1


def test_every_tagging_and_untagging_is_audited_per_opinion(staff, make_action, make_opinion):
    action = make_action()
    opinions = [make_opinion(action) for _ in range(3)]
    theme = themes.create_theme(staff, "Kosten", None, action=action)
    assert themes.tag_opinions(staff, theme, opinions) == 3
    assert themes.tag_opinions(staff, theme, opinions[:2]) == 0  # already coded
    assert themes.untag_opinions(staff, theme, opinions[:1]) == 1
    tagged = _entries("opinion.tag")
    assert [(e.target_type, e.target_id, e.actor_id) for e in tagged] == [
        ("Opinion", o.id, staff.id) for o in opinions]
    assert tagged[0].details == {"theme_id": theme.id, "theme": "Kosten"}
    assert [e.target_id for e in _entries("opinion.untag")] == [opinions[0].id]


def test_counts_per_theme_count_published_opinions_unless_asked(staff, make_action,
                                                                make_opinion):
    action = make_action()
    shown = make_opinion(action)
    hidden = make_opinion(action, status=OpinionStatus.HIDDEN)
    theme = themes.create_theme(staff, "Kosten", None, action=action)
    themes.tag_opinions(staff, theme, [shown, hidden])
    assert themes.theme_counts([action.id])[action.id] == {theme.id: 1}
    assert themes.theme_counts([action.id], published_only=False)[action.id] == {theme.id: 2}


def test_filters_by_theme_uncoded_stance_and_words(staff, make_action, make_opinion):
    action = make_action()
    bike = make_opinion(action, body="Meer fietsenstallingen", stance=Stance.SUPPORT)
    tram = make_opinion(action, body="De tram is te duur", stance=Stance.OPPOSE)
    theme = themes.create_theme(staff, "Fietsen", None, action=action)
    themes.tag_opinions(staff, theme, [bike])

    def ids(**kwargs):
        return [o.id for o in themes.coding_page(action, themes.CodingFilter(**kwargs)).items]

    assert ids(theme=theme.id) == [bike.id]
    assert ids(uncoded=True) == [tram.id]
    assert ids(stance="oppose") == [tram.id]
    assert ids(text="FIETS") == [bike.id]
    assert ids(text="100%") == []


def test_one_opinion_gets_exactly_the_ticked_themes_and_quotes(staff, make_action,
                                                              make_opinion):
    action = make_action()
    opinion = make_opinion(action)
    a = themes.create_theme(staff, "A", None, action=action)
    b = themes.create_theme(staff, "B", None, action=action)
    themes.set_opinion_themes(staff, opinion, [a.id, b.id], quote_ids=[b.id])
    assert {(c.theme_id, c.is_quote) for c in opinion.codings} == {(a.id, False), (b.id, True)}
    themes.set_opinion_themes(staff, opinion, [b.id])
    assert {(c.theme_id, c.is_quote) for c in opinion.codings} == {(b.id, False)}
    assert [e.action for e in db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.target_id == opinion.id,
                                    AuditEntry.target_type == "Opinion")
        .order_by(AuditEntry.id))] == ["opinion.tag", "opinion.tag", "theme.quote",
                                       "opinion.untag", "theme.unquote"]


def test_deleting_a_theme_uncodes_its_opinions(staff, make_action, make_opinion):
    action = make_action()
    opinion = make_opinion(action)
    theme = themes.create_theme(staff, "A", None, action=action)
    themes.tag_opinions(staff, theme, [opinion])
    themes.delete_theme(staff, theme)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OpinionTheme)) == 0
    assert _entries("theme.delete")[0].details == {"name_nl": "A", "opinions": 1}


# --- pages -------------------------------------------------------------------------------


def test_staff_code_filtered_opinions_in_bulk(client, login, staff, make_action, make_opinion):
    action = make_action()
    bikes = [make_opinion(action, body=f"Fietsen {i}") for i in range(3)]
    other = make_opinion(action, body="Iets anders")
    theme = themes.create_theme(staff, "Fietsen", "Cycling", action=action)
    login(staff)
    page = client.get(f"/staff/actions/{action.code}/coding?q=fiets")
    assert page.status_code == 200
    assert "3 opinions match." in page.get_data(as_text=True)
    response = client.post(f"/staff/actions/{action.code}/coding?q=fiets", data={
        "theme": str(theme.id), "scope": "filtered", "operation": "add"})
    assert response.status_code == 302
    coded = set(db.session.scalars(sa.select(OpinionTheme.opinion_id)))
    assert coded == {o.id for o in bikes}
    response = client.post(f"/staff/actions/{action.code}/coding", data={
        "theme": str(theme.id), "scope": "selected", "opinion": [str(bikes[0].id)],
        "operation": "remove"})
    assert response.status_code == 302
    assert other.id not in set(db.session.scalars(sa.select(OpinionTheme.opinion_id)))
    assert len(set(db.session.scalars(sa.select(OpinionTheme.opinion_id)))) == 2


def test_bulk_coding_without_a_ticked_opinion_says_so(client, login, staff, make_action,
                                                      make_opinion):
    action = make_action()
    make_opinion(action)
    theme = themes.create_theme(staff, "Fietsen", None, action=action)
    login(staff)
    response = client.post(f"/staff/actions/{action.code}/coding", data={
        "theme": str(theme.id), "scope": "selected", "operation": "add"})
    assert response.status_code == 422
    assert "Tick at least one opinion." in response.get_data(as_text=True)


@pytest.mark.parametrize("number", ["99999999999999999999", "2147483648", "²", "0", "-1"])
def test_a_theme_page_or_opinion_no_row_can_have_is_ignored_not_an_error(
    client, login, staff, make_action, make_opinion, number
):
    # Found by the form fuzzer on PostgreSQL: a number past the id column's range, or a digit
    # int() cannot read, turned the coding page's filter into a server error.
    action = make_action()
    opinion = make_opinion(action, body="Fietsen")
    theme = themes.create_theme(staff, "Fietsen", None, action=action)
    login(staff)
    page = client.get(f"/staff/actions/{action.code}/coding?theme={number}&page={number}")
    assert page.status_code == 200
    assert "Fietsen" in page.get_data(as_text=True)  # no filter: the first page of all
    response = client.post(f"/staff/actions/{action.code}/coding", data={
        "theme": str(theme.id), "scope": "selected", "opinion": [number, str(opinion.id)],
        "operation": "add"})
    assert response.status_code == 302
    assert set(db.session.scalars(sa.select(OpinionTheme.opinion_id))) == {opinion.id}
    response = client.post(f"/staff/opinions/{opinion.id}/themes", data={
        "theme": [number], "quote": [number]})
    assert response.status_code in (302, 303)
    assert set(db.session.scalars(sa.select(OpinionTheme.opinion_id))) == set()


def test_a_taken_theme_name_comes_back_on_the_form(client, login, staff, make_action):
    action = make_action()
    themes.create_theme(staff, "Fietsen", None, action=action)
    login(staff)
    response = client.post(f"/staff/actions/{action.code}/themes",
                           data={"name_nl": "fietsen", "name_en": "Bikes <b>"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There already is a theme with this name." in html
    assert 'value="Bikes &lt;b&gt;"' in html


def test_staff_code_one_opinion_and_rename_a_theme(client, login, staff, make_action,
                                                   make_opinion):
    action = make_action()
    opinion = make_opinion(action)
    theme = themes.create_theme(staff, "Fietsen", None, action=action)
    login(staff)
    assert client.get(f"/staff/opinions/{opinion.id}/themes").status_code == 200
    response = client.post(f"/staff/opinions/{opinion.id}/themes",
                           data={"theme": [str(theme.id)], "quote": [str(theme.id)]})
    assert response.status_code == 302
    assert [(c.theme_id, c.is_quote) for c in opinion.codings] == [(theme.id, True)]
    response = client.post(f"/staff/themes/{theme.id}",
                           data={"name_nl": "Fietsenstallingen", "name_en": "Bike parking"})
    assert response.status_code == 302
    db.session.refresh(theme)
    assert theme.name_en == "Bike parking"


def test_exports_carry_the_themes_in_the_language_of_the_export(staff, make_action,
                                                                make_opinion):
    from participation.exports.opinions import OPINION_COLUMNS, OpinionFilter, opinion_rows

    action = make_action()
    coded = make_opinion(action, body="coded")
    plain = make_opinion(action, body="plain")
    for name_nl, name_en in (("Kosten", "Costs"), ("Fietsen", None)):
        theme = themes.create_theme(staff, name_nl, name_en, action=action)
        themes.tag_opinions(staff, theme, [coded])
    rows = {r["text"]: r for r in opinion_rows(OpinionFilter(), personal=False, language="en")}
    assert sorted(rows[coded.body]["themes"].split("; ")) == ["Costs", "Fietsen"]
    assert list(opinion_rows(OpinionFilter(), False, "nl"))[1]["themes"] is None
    assert plain.id > coded.id
    assert "themes" in {c.key for c in OPINION_COLUMNS}


def test_a_name_with_non_ascii_capitals_is_taken_once(staff, make_action):
    action = make_action()
    themes.create_theme(staff, "Één stad", None, action=action)
    with pytest.raises(FeedbackError):
        themes.create_theme(staff, "Één stad", None, action=action)


def test_the_summary_export_counts_opinions_per_theme(staff, make_action, make_opinion):
    from participation.exports.opinions import OpinionFilter, summary_rows

    action = make_action()
    opinions = [make_opinion(action) for _ in range(6)]
    theme = themes.create_theme(staff, "Kosten", "Costs", action=action)
    themes.tag_opinions(staff, theme, opinions[:5])
    rare = themes.create_theme(staff, "Zeldzaam", None, action=action)
    themes.tag_opinions(staff, rare, opinions[:1])
    rows = [(r["group"], r["opinions"]) for r in summary_rows(OpinionFilter(), False, "en")
            if r["breakdown"] == "theme"]
    assert rows == [("Costs", 5), ("Zeldzaam", "<5")]
