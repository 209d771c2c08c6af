"""Demo registration forms: companions and questions on a few demo events, as data.

Loaded by ``participation.demo.load_demo`` through the same services organisers use. Kept
apart from the demo's own data until the demo becomes data files; idempotent: an event
that already asks questions is left alone.
"""

from __future__ import annotations

import sqlalchemy as sa

from participation.events.models import Event
from participation.extensions import db
from participation.registrations import questions
from participation.registrations.models import QuestionKind

#: Per demo event: how many companions one registration may bring, and its questions.
FORMS = {
    "green-deal-in-jouw-wijk": {
        "companions_allowed": 2,
        "questions": [
            {"kind": QuestionKind.ONE_CHOICE, "on_sign_in_sheet": True,
             "label_nl": "Aan welke tafel schuif je aan?",
             "label_en": "Which table do you join?",
             "help_nl": "Elke tafel bespreekt één thema; je kunt halverwege wisselen.",
             "help_en": "Each table discusses one theme; you can switch halfway.",
             "choices_nl": ["Energie en renovatie", "Groen in de straat", "Mobiliteit"],
             "choices_en": ["Energy and renovation", "Greenery in the street", "Mobility"]},
            {"kind": QuestionKind.SHORT_TEXT,
             "label_nl": "In welke wijk woon je?", "label_en": "Which district do you live in?"},
        ],
    },
    "van-boer-tot-bord-gent-en-garde": {
        "companions_allowed": 1,
        "questions": [
            {"kind": QuestionKind.SEVERAL_CHOICES, "on_sign_in_sheet": True,
             "label_nl": "Eetwensen voor de proeverij",
             "label_en": "Dietary wishes for the tasting",
             "choices_nl": ["Vegetarisch", "Veganistisch", "Glutenvrij", "Lactosevrij"],
             "choices_en": ["Vegetarian", "Vegan", "Gluten-free", "Lactose-free"]},
            {"kind": QuestionKind.YES_NO, "required": True,
             "label_nl": "Mogen we foto's van je nemen?", "label_en": "May we take photos of you?"},
        ],
    },
    "jongeren-en-de-toekomst-van-europa": {
        "companions_allowed": 0,
        "questions": [
            {"kind": QuestionKind.NUMBER, "label_nl": "Hoe oud ben je?",
             "label_en": "How old are you?",
             "help_nl": "Zo weten we of we alle leeftijden bereiken.",
             "help_en": "So we know whether we reach every age."},
            {"kind": QuestionKind.LONG_TEXT,
             "label_nl": "Welke vraag wil je zeker stellen?",
             "label_en": "Which question do you certainly want to ask?"},
        ],
    },
}


def load_demo_forms() -> int:
    """Give the demo events their companions and questions; return the questions added."""
    added = 0
    events = db.session.scalars(sa.select(Event).where(Event.slug.in_(FORMS)))
    for event in events:
        form = FORMS[event.slug]
        if questions.questions_of(event):
            continue
        event.companions_allowed = form["companions_allowed"]
        for data in form["questions"]:
            questions.add_question(event, questions.QuestionDetails(**data))
            added += 1
    db.session.flush()
    return added
