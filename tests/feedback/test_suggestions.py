"""Suggested themes: deterministic on fixed texts, never published by themselves."""

from __future__ import annotations

import sqlalchemy as sa

from participation.extensions import db
from participation.feedback import suggestions, themes
from participation.feedback.models import OpinionStatus, OpinionTheme, Theme

BIKES = [
    "Er zijn te weinig fietsenstallingen aan het station.",
    "Veilige fietsenstallingen in de binnenstad, graag overdekt.",
    "More bike parking near the station please; the fietsenstallingen are always full.",
    "De fietsenstallingen aan Sint-Pieters zijn overvol.",
    "Bredere fietspaden langs de Coupure.",
    "Fietspaden zijn te smal voor bakfietsen.",
    "The fietspaden along the ring need lighting.",
    "Goed idee, maar de stad moet ook aan voetgangers denken.",
]
TRAMS = [
    "De tram naar Gentbrugge is altijd te laat.",
    "Trams should run every ten minutes in the evening.",
    "Een nachttram in het weekend zou helpen.",
    "Goed idee, de stad moet ook aan voetgangers denken.",
]


def _opinions(make_opinion, action, texts, **fields):
    return [make_opinion(action, body=text, **fields) for text in texts]


def test_distinctive_phrases_of_an_action_are_suggested_with_their_opinions(
        make_action, make_opinion):
    bikes, trams = make_action(), make_action()
    made = _opinions(make_opinion, bikes, BIKES)
    _opinions(make_opinion, trams, TRAMS)
    found = suggestions.suggest_themes(bikes)
    assert [s.phrase for s in found] == ["fietsenstallingen", "fietspaden"]
    assert found[0].opinion_ids == tuple(o.id for o in made[:4])
    assert found[1].opinion_ids == tuple(o.id for o in made[4:7])
    # The same texts give the same suggestions, scores included.
    assert suggestions.suggest_themes(bikes) == found


def test_stop_words_and_words_every_action_shares_are_not_suggested(make_action,
                                                                    make_opinion):
    bikes, trams = make_action(), make_action()
    _opinions(make_opinion, bikes, BIKES)
    _opinions(make_opinion, trams, TRAMS)
    phrases = {s.phrase for s in suggestions.suggest_themes(bikes, limit=50)}
    assert not phrases & {"goed", "idee", "stad", "the", "de", "voetgangers"}


def test_no_suggestions_for_an_action_with_few_or_hidden_opinions(make_action, make_opinion):
    action = make_action()
    _opinions(make_opinion, action, BIKES[:4])
    _opinions(make_opinion, action, BIKES[4:], status=OpinionStatus.HIDDEN)
    assert suggestions.suggest_themes(action) == []


def test_accepting_creates_a_named_theme_and_codes_the_matching_opinions(
        staff, make_action, make_opinion):
    action = make_action()
    made = _opinions(make_opinion, action, BIKES)
    theme = suggestions.accept_suggestion(staff, action, "fietsenstallingen",
                                          "Fietsparkeren", "Bike parking")
    assert (theme.name_nl, theme.name_en, theme.suggested_phrase) == (
        "Fietsparkeren", "Bike parking", "fietsenstallingen")
    coded = set(db.session.scalars(sa.select(OpinionTheme.opinion_id)))
    assert coded == {o.id for o in made[:4]}
    # Accepted: no longer suggested.
    assert "fietsenstallingen" not in {s.phrase for s in suggestions.suggest_themes(action)}


def test_rejected_suggestions_are_not_proposed_again(staff, make_action, make_opinion):
    action = make_action()
    _opinions(make_opinion, action, BIKES)
    suggestions.reject_suggestion(staff, action, "fietspaden")
    assert "fietspaden" not in {s.phrase for s in suggestions.suggest_themes(action)}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Theme)) == 0


def test_suggestions_page_publishes_nothing_until_staff_accept(client, login, staff,
                                                               make_action, make_opinion):
    action = make_action()
    _opinions(make_opinion, action, BIKES)
    login(staff)
    page = client.get(f"/staff/actions/{action.code}/suggestions")
    assert page.status_code == 200
    assert "“fietsenstallingen”" in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Theme)) == 0
    response = client.post(f"/staff/actions/{action.code}/suggestions/accept", data={
        "phrase": "fietspaden", "name_nl": "", "name_en": "Cycle paths"})
    assert response.status_code == 422
    assert 'value="Cycle paths"' in response.get_data(as_text=True)
    response = client.post(f"/staff/actions/{action.code}/suggestions/accept", data={
        "phrase": "fietspaden", "name_nl": "Fietspaden", "name_en": "Cycle paths"})
    assert response.status_code == 302
    assert [t.name_en for t in themes.themes_for(action)] == ["Cycle paths"]
    response = client.post(f"/staff/actions/{action.code}/suggestions/reject",
                           data={"phrase": "fietsenstallingen"})
    assert response.status_code == 302
    assert "“fietsenstallingen”" not in client.get(
        f"/staff/actions/{action.code}/suggestions").get_data(as_text=True)


def test_representative_quotes_are_the_texts_closest_to_the_rest():
    texts = ["fietsen fietsen stalling", "fietsen stalling station", "tram laat",
             "fietsen stalling"]
    assert suggestions.representative(texts, 2) == [3, 0]


def test_a_refused_suggestion_says_what_is_wrong_at_the_top_and_links_to_the_field(
        client, login, staff, make_action, make_opinion):
    action = make_action()
    _opinions(make_opinion, action, BIKES)
    login(staff)
    response = client.post(f"/staff/actions/{action.code}/suggestions/accept", data={
        "phrase": "fietspaden", "name_nl": "", "name_en": "Cycle paths"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    summary = html[html.index('class="error-summary"'):]
    assert 'role="alert"' in html and ("<title>Error:" in html or "<title>Fout:" in html)
    assert 'href="#name_nl-1-fietspaden"' in summary[:summary.index("</div>")]
    assert 'id="name_nl-1-fietspaden"' in html
    # A suggestion that is no longer proposed: the message, without a link to nowhere.
    response = client.post(f"/staff/actions/{action.code}/suggestions/accept", data={
        "phrase": "tramlijnen", "name_nl": "Trams", "name_en": "Trams"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and ("<title>Error:" in html or "<title>Fout:" in html)
    summary = html[html.index('class="error-summary"'):]
    assert "no longer proposed" in summary or "niet langer" in summary or "niet meer" in summary
