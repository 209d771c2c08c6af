"""Content written in Dutch, English or both: readers get theirs, else the other, marked."""

from __future__ import annotations

import json
import re

import icalendar
import pytest
from flask_babel import force_locale

from participation.core.templating import lang_attr, localized
from participation.events.models import EventLanguage
from participation.extensions import db
from participation.localized import Text, pick

EN = {"Accept-Language": "en"}
NL = {"Accept-Language": "nl"}


def html(client, url: str, headers=EN) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def test_reader_gets_their_language_and_else_the_other_one():
    assert pick("Fietsen", "Cycling", "en") == Text("Cycling", "en")
    assert pick("Fietsen", "Cycling", "nl") == Text("Fietsen", "nl")
    assert pick("Fietsen", None, "en") == Text("Fietsen", "nl", fallback=True)
    assert pick("", "Cycling", "nl") == Text("Cycling", "en", fallback=True)
    assert pick("  ", None, "nl") == Text("", "nl")


def test_fallback_text_is_marked_with_lang_and_a_note_in_the_page_language(app):
    with app.test_request_context(), force_locale("en"):
        assert localized(("Fietsen", "Cycling")) == "Cycling"
        assert lang_attr(("Fietsen", "Cycling")) == ""
        assert localized(("Fietsen <b>", None)) == (
            '<span lang="nl">Fietsen &lt;b&gt;</span> '
            '<span class="lang-note">(Only in Dutch)</span>'
        )
        assert localized(("Fietsen", None), note=False) == '<span lang="nl">Fietsen</span>'
        assert lang_attr(("Fietsen", None)) == ' lang="nl"'
        block = localized(("**Vet**", None), markdown=True)
        assert block.startswith('<div lang="nl"><p><strong>Vet</strong></p>')
        assert block.endswith('<p class="lang-note">(Only in Dutch)</p>')
    with app.test_request_context(), force_locale("nl"):
        assert localized((None, "Cycling")) == (
            '<span lang="en">Cycling</span> <span class="lang-note">(Enkel in het Engels)</span>'
        )


def test_english_visitor_reads_english_and_marked_dutch_where_english_is_missing(
    client, make_event
):
    both = make_event(title_nl="Klimaatcafé", title_en="Climate café",
                      summary_nl="Praat mee.", summary_en="Have your say.")
    dutch = make_event(title_nl="Fietsen in de wijk", summary_nl="Een fietstocht.")
    english = make_event(title_en="Living in Ghent as an international",
                         summary_en="Tell the city.", language=EventLanguage.ENGLISH)
    db.session.commit()

    page = html(client, "/events")
    assert "Climate café" in page and "Klimaatcafé" not in page
    assert '<span lang="nl">Fietsen in de wijk</span>' in page
    assert '<span lang="nl">Een fietstocht.</span>' in page
    assert "(Only in Dutch)" in page
    assert ">Living in Ghent as an international<" in page  # English on an English page

    page = html(client, f"/events/{dutch.slug}")
    assert re.search(r'<h1><span lang="nl">Fietsen in de wijk</span> '
                     r'<span class="lang-note">\(Only in Dutch\)</span></h1>', page)

    page = html(client, "/events", NL)
    assert "Klimaatcafé" in page and "Climate café" not in page
    assert '<span lang="en">Living in Ghent as an international</span>' in page
    assert "(Enkel in het Engels)" in page

    page = html(client, f"/events/{both.slug}/register", NL)
    assert "Inschrijven voor Klimaatcafé" in page or "Klimaatcafé" in page
    page = html(client, f"/events/{english.slug}/register", NL)
    assert '<span lang="en">Living in Ghent as an international</span>' in page


def test_other_language_texts_of_the_event_page_are_each_marked(client, make_event):
    event = make_event(
        title_nl="Wandeling", title_en="Walk", summary_nl="Samen wandelen.", summary_en="Walk.",
        description_nl="**Programma**", public_transport_nl="Tram 1", bike_en="Bike rack",
        accessibility_notes_nl="Lift aanwezig.",
    )
    db.session.commit()
    page = html(client, f"/events/{event.slug}")
    assert '<div lang="nl"><p><strong>Programma</strong></p>' in page
    assert '<span lang="nl">Tram 1</span>' in page
    assert ">Bike rack<" in page
    assert '<span lang="nl">Lift aanwezig.</span>' in page
    page = html(client, f"/events/{event.slug}", NL)
    assert '<span lang="en">Bike rack</span>' in page
    assert '<span lang="nl">' not in page


def test_structured_data_and_calendar_say_which_language_each_text_is_in(client, make_event):
    event = make_event(title_nl="Fietsen in de wijk", summary_nl="Een fietstocht.",
                       language=EventLanguage.DUTCH)
    db.session.commit()
    page = html(client, f"/events/{event.slug}")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page,
                                re.S).group(1))
    assert data["@context"] == ["https://schema.org", {"@language": "en"}]
    assert data["name"] == {"@value": "Fietsen in de wijk", "@language": "nl"}
    assert data["inLanguage"] == "nl"

    ics = icalendar.Calendar.from_ical(client.get(f"/events/{event.slug}.ics", headers=EN).data)
    vevent = next(iter(ics.walk("VEVENT")))
    assert vevent["SUMMARY"].params["LANGUAGE"] == "nl"
    assert vevent["DESCRIPTION"].params["LANGUAGE"] == "nl"


def test_missing_languages_are_listed_per_field(make_event):
    event = make_event(title_nl="Wandeling", title_en="Walk", summary_nl="Samen wandelen.",
                       bike_en="Bike rack")
    assert event.missing_languages() == {"summary": "en", "bike": "nl"}


def test_title_is_read_only_so_nothing_writes_a_text_without_saying_its_language(make_event):
    event = make_event()
    with pytest.raises(AttributeError, match="title_nl or title_en"):
        event.title = "Something"


def test_an_event_needs_a_title_in_at_least_one_language(make_event):
    with pytest.raises(Exception, match="title_in_a_language|CHECK"):
        make_event(title_nl="", title_en=None, summary_nl="Iets.")
    db.session.rollback()
