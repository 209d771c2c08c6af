"""Search finds events by words in Dutch or English, whatever the accents or capitals."""

from __future__ import annotations

import re
from datetime import timedelta

from participation.database import utcnow
from participation.events.search import fold, query_words
from participation.events.services import EventFilter, find_events
from participation.extensions import db


def titles(q: str) -> list[str]:
    return [e.title_en or e.title_nl for e in find_events(EventFilter(q=q)).items]


def test_fold_drops_accents_and_case_and_squeezes_spaces():
    assert fold("  Éénmaal\tCAFÉ  Ghent ") == "eenmaal cafe ghent"
    assert query_words("Green  Deal, green!") == ["green", "deal"]
    assert query_words("%") == ["%"]


def test_words_are_found_in_either_language(make_event):
    make_event(title_nl="Klimaatcafé", title_en="Climate café", summary_nl="Praat mee.",
               summary_en="Talk with us.")
    make_event(title_nl="Fietsen in de wijk", summary_nl="Een tocht langs het klimaatplan.")
    make_event(title_en="Living in Ghent", summary_en="For internationals.")
    db.session.commit()
    assert titles("climate") == ["Climate café"]
    assert titles("klimaat") == ["Climate café", "Fietsen in de wijk"]
    assert titles("INTERNATIONALS") == ["Living in Ghent"]
    assert titles("cafe") == titles("CAFÉ") == ["Climate café"]


def test_every_word_must_match_somewhere(make_event):
    make_event(title_en="Green Deal in your neighbourhood", summary_en="What changes?")
    make_event(title_nl="De Green Deal en de haven", summary_nl="Over de haven.")
    make_event(title_en="Green jobs", summary_en="Work.")
    db.session.commit()
    assert sorted(titles("Green Deal")) == ["De Green Deal en de haven",
                                            "Green Deal in your neighbourhood"]


def test_venue_topic_and_action_titles_are_searched(make_event, make_topic, make_action):
    topic = make_topic(name_nl="EU-klimaatplan", name_en="EU climate plan")
    action = make_action(title_nl="Zonnepanelen op scholen", title_en="Solar panels on schools")
    make_event(title_nl="Avond A", summary_nl="Iets.", topic=topic)
    make_event(title_nl="Avond B", summary_nl="Iets.", actions=[action])
    make_event(title_nl="Avond C", summary_nl="Iets.", venue_name="Het Pand")
    db.session.commit()
    assert titles("climate plan") == ["Avond A"]
    assert titles("solar") == titles("zonnepanelen") == ["Avond B"]
    assert titles("pand") == ["Avond C"]


def test_renaming_a_topic_or_an_action_is_searchable_at_once(make_event, make_topic,
                                                             make_action):
    topic = make_topic()
    action = make_action()
    make_event(title_nl="Avond", summary_nl="Iets.", topic=topic, actions=[action])
    db.session.commit()
    topic.name_en = "Future of Europe"
    action.title_en = "Twin cities"
    db.session.commit()
    assert titles("future") == titles("twin") == ["Avond"]


def test_title_matches_come_before_other_matches_then_soonest_first(make_event):
    soon = utcnow() + timedelta(days=1)
    make_event(title_en="Evening walk", summary_en="About climate.", starts_at=soon)
    make_event(title_en="Climate later", summary_en="Talk.", starts_at=soon + timedelta(days=5))
    make_event(title_en="Climate sooner", summary_en="Talk.", starts_at=soon + timedelta(days=2))
    db.session.commit()
    assert titles("climate") == ["Climate sooner", "Climate later", "Evening walk"]


def test_english_catalogue_search_for_climate_finds_the_climate_events(client, make_event):
    make_event(title_nl="Het Europese klimaatplan", title_en="The European climate plan",
               summary_nl="Uitleg.", summary_en="Explained.")
    make_event(title_nl="Jongeren aan het woord", title_en="Young people speak",
               summary_nl="Debat.", summary_en="Debate.")
    db.session.commit()
    page = client.get("/events?q=climate", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    found = re.findall(r'class="card-title"><a [^>]*>([^<]*)<', page)
    assert found == ["The European climate plan"]


def test_search_on_postgresql_uses_the_trigram_index(app, make_event):
    if db.engine.dialect.name != "postgresql":
        return
    make_event(title_en="Climate café", summary_en="Talk.")
    db.session.commit()
    with db.engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")
        plan = "\n".join(row[0] for row in conn.exec_driver_sql(
            "EXPLAIN SELECT id FROM events WHERE search_text LIKE '%%climate%%'"))
    assert "ix_events_search_text_trgm" in plan


def test_every_page_of_a_search_holds_the_next_matches_in_order_and_counts_them_all(
    make_event, make_topic
):
    # The page is ranked and counted among all matches by id, then read with its joins
    # (issue 16): the pages together are the matches in order, each once, with the total.
    soon = utcnow() + timedelta(days=1)
    topic, other = make_topic(), make_topic()
    for n in range(14):
        make_event(title_en=f"Walk {n:02}", summary_en="About climate.", topic=topic,
                   starts_at=soon + timedelta(hours=n))
        make_event(title_en=f"Climate talk {n:02}", summary_en="Talk.", topic=topic,
                   starts_at=soon + timedelta(hours=30 - n))
        make_event(title_en=f"Climate elsewhere {n:02}", summary_en="Talk.", topic=other,
                   starts_at=soon + timedelta(hours=n))
    make_event(title_en="Choir", summary_en="Singing.", topic=topic, starts_at=soon)
    db.session.commit()
    flt = EventFilter(q="climate", topic=topic.slug)
    pages = [find_events(flt, page=n, per_page=5) for n in (1, 2, 3, 4, 5, 6, 7)]
    assert [p.total for p in pages[:6]] == [28] * 6 and pages[6].items == []
    assert pages[6].total == 28  # past the last page: counted apart
    found = [event.title_en for p in pages for event in p.items]
    expected = ([f"Climate talk {n:02}" for n in reversed(range(14))]
                + [f"Walk {n:02}" for n in range(14)])
    assert found == expected
