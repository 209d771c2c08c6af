"""The questions an event asks when people register, and the rules of their answers.

Organisers add, change, order and remove questions; the registration service checks and
stores the answers with :func:`answers_for`. An answer copies its question's label and the
chosen options, so changing or removing a question later keeps earlier answers readable.
Services flush and never commit: the caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from participation.events.models import Event
from participation.extensions import db
from participation.registrations.errors import RegistrationError
from participation.registrations.models import (  # noqa: F401  (part of this module's API)
    QuestionKind,
    RegistrationAnswer,
    RegistrationQuestion,
)

LABEL_MAX = RegistrationQuestion.__table__.c.label_nl.type.length
HELP_MAX = RegistrationQuestion.__table__.c.help_nl.type.length
CHOICE_MAX = 200
CHOICES_MAX = 30
QUESTIONS_MAX = 30
SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 2000
NUMBER_LIMIT = 1_000_000_000


class QuestionError(RegistrationError):
    """A question an organiser wrote breaks a rule; ``field`` names the form field."""


class AnswerError(RegistrationError):
    """An answer breaks its question's rules; ``field`` is the question's form field."""


@dataclass
class QuestionDetails:
    """What an organiser fills in about a question."""

    kind: QuestionKind
    label_nl: str
    label_en: str | None = None
    help_nl: str | None = None
    help_en: str | None = None
    #: One option per entry; English options run parallel to the Dutch ones.
    choices_nl: list[str] = field(default_factory=list)
    choices_en: list[str] = field(default_factory=list)
    required: bool = False
    on_sign_in_sheet: bool = False


def field_name(question: RegistrationQuestion) -> str:
    """The name of the question's field on the registration form."""
    return f"question_{question.id}"


def questions_of(event: Event) -> list[RegistrationQuestion]:
    """Return the event's questions in the order of the form."""
    return list(
        db.session.scalars(
            sa.select(RegistrationQuestion)
            .where(RegistrationQuestion.event_id == event.id)
            .order_by(RegistrationQuestion.position, RegistrationQuestion.id)
        )
    )


def _tidy(text: str | None) -> str | None:
    return (text or "").strip() or None


def _checked(details: QuestionDetails) -> QuestionDetails:
    kind = QuestionKind(details.kind)
    label_nl, label_en = _tidy(details.label_nl), _tidy(details.label_en)
    if not label_nl:
        raise QuestionError(_l("Enter the question in Dutch."), field="label_nl")
    for name, value in (("label_nl", label_nl), ("label_en", label_en)):
        if value and len(value) > LABEL_MAX:
            raise QuestionError(
                _l("A question can be at most %(max)d characters long.", max=LABEL_MAX),
                field=name)
    help_nl, help_en = _tidy(details.help_nl), _tidy(details.help_en)
    for name, value in (("help_nl", help_nl), ("help_en", help_en)):
        if value and len(value) > HELP_MAX:
            raise QuestionError(
                _l("A help text can be at most %(max)d characters long.", max=HELP_MAX),
                field=name)
    choices_nl = [c.strip() for c in details.choices_nl if c and c.strip()]
    choices_en = [(c or "").strip() for c in details.choices_en]
    while choices_en and not choices_en[-1]:
        choices_en.pop()
    if kind.has_choices:
        if len(choices_nl) < 2:
            raise QuestionError(_l("Give at least two options, one per line."),
                                field="choices_nl")
        if len(choices_nl) > CHOICES_MAX or any(len(c) > CHOICE_MAX for c in choices_nl):
            raise QuestionError(
                _l("Give at most %(num)d options of at most %(max)d characters each.",
                   num=CHOICES_MAX, max=CHOICE_MAX), field="choices_nl")
        if len(set(choices_nl)) != len(choices_nl):
            raise QuestionError(_l("Each option can appear only once."), field="choices_nl")
        if len(choices_en) > len(choices_nl) or any(len(c) > CHOICE_MAX for c in choices_en):
            raise QuestionError(
                _l("Give the English options in the same order as the Dutch ones, one per "
                   "line, and no more of them."), field="choices_en")
    else:
        choices_nl, choices_en = [], []
    return QuestionDetails(
        kind=kind, label_nl=label_nl, label_en=label_en, help_nl=help_nl, help_en=help_en,
        choices_nl=choices_nl, choices_en=choices_en, required=bool(details.required),
        on_sign_in_sheet=bool(details.on_sign_in_sheet),
    )


def _apply(question: RegistrationQuestion, details: QuestionDetails) -> None:
    for name in ("kind", "label_nl", "label_en", "help_nl", "help_en", "required",
                 "on_sign_in_sheet"):
        setattr(question, name, getattr(details, name))
    question.choices_nl = details.choices_nl or None
    question.choices_en = details.choices_en or None


def add_question(event: Event, details: QuestionDetails) -> RegistrationQuestion:
    """Add a question at the end of the event's form.

    :raises QuestionError: the question is incomplete, or the form has enough questions.
    """
    details = _checked(details)
    existing = questions_of(event)
    if len(existing) >= QUESTIONS_MAX:
        raise QuestionError(
            _l("An event can ask at most %(num)d questions.", num=QUESTIONS_MAX))
    question = RegistrationQuestion(
        event_id=event.id, position=(existing[-1].position + 1) if existing else 1
    )
    _apply(question, details)
    db.session.add(question)
    db.session.flush()
    return question


def update_question(question: RegistrationQuestion, details: QuestionDetails) -> None:
    """Change a question; answers given before keep the wording they were given to."""
    _apply(question, _checked(details))
    db.session.flush()


def remove_question(question: RegistrationQuestion) -> None:
    """Remove a question from the form; answers given before stay with the registrations."""
    db.session.delete(question)
    db.session.flush()


def move_question(question: RegistrationQuestion, step: int) -> None:
    """Move a question one place up (``step=-1``) or down (``step=1``) on the form."""
    questions = questions_of(question.event)
    index = questions.index(question)
    other = index + (1 if step > 0 else -1)
    if not 0 <= other < len(questions):
        return
    questions[index], questions[other] = questions[other], questions[index]
    for position, each in enumerate(questions, start=1):
        each.position = position
    db.session.flush()


def copy_questions(source: Event, target: Event) -> None:
    """Give ``target`` the same questions as ``source`` (never the answers)."""
    for question in questions_of(source):
        copy = RegistrationQuestion(event_id=target.id, position=question.position)
        for name in ("kind", "label_nl", "label_en", "help_nl", "help_en", "choices_nl",
                     "choices_en", "required", "on_sign_in_sheet"):
            setattr(copy, name, getattr(question, name))
        db.session.add(copy)
    db.session.flush()


# --- answers -----------------------------------------------------------------------------


def _missing(value) -> bool:
    return value is None or value == "" or value == []


def _answer(question: RegistrationQuestion, value) -> RegistrationAnswer | None:
    """Check one answer and return it as a row to store, or None when not answered."""
    name = field_name(question)
    kind = question.kind
    if _missing(value):
        return None
    answer = RegistrationAnswer(
        question_id=question.id, kind=kind, label_nl=question.label_nl,
        label_en=question.label_en,
    )
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        text = str(value).strip()
        limit = SHORT_TEXT_MAX if kind == QuestionKind.SHORT_TEXT else LONG_TEXT_MAX
        if len(text) > limit:
            raise AnswerError(
                _l("Answer in at most %(max)d characters.", max=limit), field=name)
        if not text:
            return None
        answer.text = text
    elif kind == QuestionKind.NUMBER:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise AnswerError(_l("Enter a whole number."), field=name) from None
        if abs(number) >= NUMBER_LIMIT:
            raise AnswerError(_l("Enter a smaller number."), field=name)
        answer.text = str(number)
    elif kind == QuestionKind.YES_NO:
        if value not in (True, False):
            raise AnswerError(_l("Answer yes or no."), field=name)
        answer.yes = bool(value)
    else:
        picked = value if isinstance(value, list | tuple) else [value]
        options = question.choices_nl or []
        try:
            indexes = sorted({int(i) for i in picked})
        except (TypeError, ValueError):
            raise AnswerError(_l("Choose one of the options."), field=name) from None
        if not indexes or indexes[0] < 0 or indexes[-1] >= len(options):
            raise AnswerError(_l("Choose one of the options."), field=name)
        if kind == QuestionKind.ONE_CHOICE and len(indexes) > 1:
            raise AnswerError(_l("Choose only one option."), field=name)
        english = list(question.choices_en or [])
        answer.chosen_nl = [options[i] for i in indexes]
        answer.chosen_en = [english[i] if i < len(english) and english[i] else options[i]
                            for i in indexes]
    return answer


def answers_for(
    event: Event, given: dict[int, object] | None, *, enforce_required: bool = True,
    asked: list[RegistrationQuestion] | None = None,
) -> list[RegistrationAnswer]:
    """Check the answers to the event's questions (keyed by question id) and return them as
    rows to store. Yes/no answers are booleans, choices are option indexes (a list for
    several choices), numbers are ints. ``asked``: the event's questions, when the caller
    loaded them already (for its form).

    :raises AnswerError: an answer breaks its question's rules, or a required one is missing.
    """
    given = given or {}
    answers = []
    for question in asked if asked is not None else questions_of(event):
        answer = _answer(question, given.get(question.id))
        if answer is None:
            if question.required and enforce_required:
                raise AnswerError(_l("Answer this question."), field=field_name(question))
            continue
        answers.append(answer)
    return answers
