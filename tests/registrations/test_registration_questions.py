"""Questions per event: organisers ask them, registrants answer, answers stay readable."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
import sqlalchemy as sa

from participation.accounts.models import Role
from participation.events import services_manage
from participation.extensions import db
from participation.privacy import services as privacy
from participation.registrations import questions, services
from participation.registrations import workspace as ws
from participation.registrations.models import (
    QuestionKind,
    Registration,
    RegistrationAnswer,
    RegistrationQuestion,
    RegistrationSource,
)

EN = {"Accept-Language": "en"}


@pytest.fixture
def ask(app):
    """Add a question to an event through the service."""

    def ask(event, kind=QuestionKind.SHORT_TEXT, label_nl="Vraag", **fields):
        return questions.add_question(
            event, questions.QuestionDetails(kind=kind, label_nl=label_nl, **fields)
        )

    return ask


@pytest.fixture
def dinner(make_event, ask):
    """An event asking for a workshop (required), a diet, a yes/no and a number."""
    event = make_event(slug="dinner", capacity=10)
    workshop = ask(event, QuestionKind.ONE_CHOICE, "Welke workshop?", label_en="Which workshop?",
                   choices_nl=["Klimaat", "Jeugd"], choices_en=["Climate", "Youth"],
                   required=True, help_nl="Kies er één.", help_en="Pick one.")
    diet = ask(event, QuestionKind.SEVERAL_CHOICES, "Eetwensen", label_en="Diet",
               choices_nl=["Vegetarisch", "Halal", "Glutenvrij"],
               choices_en=["Vegetarian", "Halal", "Gluten-free"], on_sign_in_sheet=True)
    photo = ask(event, QuestionKind.YES_NO, "Foto's oké?", label_en="Photos fine?")
    age = ask(event, QuestionKind.NUMBER, "Leeftijd", label_en="Age")
    return event, workshop, diet, photo, age


# --- the organisers' questions ---------------------------------------------------------------


def test_a_choice_question_needs_two_options_and_a_dutch_label(make_event, ask):
    event = make_event()
    with pytest.raises(questions.QuestionError) as caught:
        ask(event, QuestionKind.ONE_CHOICE, "Workshop?", choices_nl=["Enkel"])
    assert caught.value.field == "choices_nl"
    with pytest.raises(questions.QuestionError) as caught:
        ask(event, QuestionKind.SHORT_TEXT, "  ")
    assert caught.value.field == "label_nl"
    with pytest.raises(questions.QuestionError) as caught:
        ask(event, QuestionKind.ONE_CHOICE, "W?", choices_nl=["A", "B"], choices_en=["A", "B", "C"])
    assert caught.value.field == "choices_en"


def test_questions_keep_their_order_and_move(make_event, ask):
    event = make_event()
    first, second, third = (ask(event, label_nl=n) for n in ("Een", "Twee", "Drie"))
    questions.move_question(third, -1)
    assert questions.questions_of(event) == [first, third, second]
    questions.move_question(first, -1)  # already first: nothing changes
    assert questions.questions_of(event) == [first, third, second]


# --- answers ---------------------------------------------------------------------------------


def test_answers_are_checked_and_stored_in_both_languages(dinner, sign_up):
    event, workshop, diet, photo, age = dinner
    registration = sign_up(event, answers={
        workshop.id: "1", diet.id: ["0", "2"], photo.id: False, age.id: 34,
    }).registration
    shown = {a.label_en: (a.chosen_nl, a.chosen_en, a.yes, a.text) for a in registration.answers}
    assert shown == {
        "Which workshop?": (["Jeugd"], ["Youth"], None, None),
        "Diet": (["Vegetarisch", "Glutenvrij"], ["Vegetarian", "Gluten-free"], None, None),
        "Photos fine?": (None, None, False, None),
        "Age": (None, None, None, "34"),
    }


@pytest.mark.parametrize(("answer", "message"), [
    (None, "Answer this question."),
    ("7", "Choose one of the options."),
    (["0", "1"], "Choose only one option."),
])
def test_a_wrong_or_missing_required_answer_is_refused_on_its_field(dinner, sign_up, answer,
                                                                     message):
    event, workshop, *_ = dinner
    with pytest.raises(questions.AnswerError, match=message) as caught:
        sign_up(event, answers={workshop.id: answer})
    assert caught.value.field == f"question_{workshop.id}"
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0


def test_organisers_adding_someone_may_leave_required_questions_open(dinner, sign_up):
    event, *_ = dinner
    result = sign_up(event, source=RegistrationSource.MANUAL, consent=False)
    assert result.created and result.registration.answers == []


def test_changing_or_removing_a_question_keeps_earlier_answers_readable(dinner, sign_up):
    event, workshop, diet, *_ = dinner
    registration = sign_up(event, answers={workshop.id: "0", diet.id: ["1"]}).registration
    questions.update_question(workshop, questions.QuestionDetails(
        kind=QuestionKind.ONE_CHOICE, label_nl="Welk atelier?", choices_nl=["Water", "Lucht"],
        required=True))
    questions.remove_question(diet)
    db.session.expire_all()
    answers = {a.t("label"): a.display() for a in registration.answers}
    assert answers == {"Which workshop?": "Climate", "Diet": "Halal"}
    assert [a.question_id for a in registration.answers] == [workshop.id, None]


def test_organisers_see_the_answers_added_up_per_option(client, login, make_user, dinner,
                                                         sign_up):
    event, workshop, diet, photo, age = dinner
    organiser = make_user(roles=(Role.ORGANISER,))
    event.organisers.append(organiser)
    sign_up(event, answers={workshop.id: "0", diet.id: ["0", "2"], photo.id: True, age.id: 30})
    sign_up(event, answers={workshop.id: "0", diet.id: ["0"], photo.id: False, age.id: 12})
    sign_up(event, answers={workshop.id: "1"})
    gone = sign_up(event, answers={workshop.id: "1", diet.id: ["1"], age.id: 99}).registration
    services.cancel(gone)
    # An option renamed later: earlier answers are counted under the wording they chose.
    questions.update_question(workshop, questions.QuestionDetails(
        kind=QuestionKind.ONE_CHOICE, label_nl="Welke workshop?", label_en="Which workshop?",
        choices_nl=["Klimaatplan", "Jeugd"], choices_en=["Climate plan", "Youth"],
        required=True))
    totals = {t.question: t for t in ws.answer_totals(event)}
    assert list(totals) == ["Which workshop?", "Diet", "Photos fine?", "Age"]
    assert totals["Which workshop?"].options == [("Climate plan", 0), ("Youth", 1),
                                                 ("Klimaat", 2)]
    assert totals["Diet"].options == [("Vegetarian", 2), ("Halal", 0), ("Gluten-free", 1)]
    assert totals["Diet"].answered == 2
    assert totals["Photos fine?"].options == [("yes", 1), ("no", 1)]
    assert (totals["Age"].answered, totals["Age"].number_sum) == (2, 42)
    db.session.commit()

    login(organiser)
    page = client.get(f"/manage/events/{event.slug}/registrations",
                      headers=EN).get_data(as_text=True)
    assert "Answers to your questions" in page
    assert "<li>Vegetarian: 2</li>" in page and "<li>Youth: 1</li>" in page
    assert "Total: 42, from 2 answers." in page


def test_duplicating_an_event_copies_its_questions_not_the_answers(dinner, sign_up, make_user):
    event, workshop, *_ = dinner
    sign_up(event, answers={workshop.id: "0"})
    admin = make_user(roles=(Role.ADMIN,))
    copy = services_manage.duplicate_event(event, by=admin)
    copied = questions.questions_of(copy)
    assert [(q.label_nl, q.kind, q.required, q.choices_en) for q in copied] == [
        (q.label_nl, q.kind, q.required, q.choices_en) for q in questions.questions_of(event)]
    assert {q.id for q in copied}.isdisjoint(q.id for q in questions.questions_of(event))
    assert db.session.scalar(sa.select(sa.func.count(RegistrationAnswer.id))) == 1


def test_answers_are_in_the_personal_data_download_and_purged(dinner, sign_up, make_user):
    event, workshop, *_ = dinner
    user = make_user(email="ann@example.org")
    sign_up(event, email="ann@example.org", user=user, answers={workshop.id: "1"})
    [entry] = privacy.personal_data(user)["registration_answers"]
    assert (entry["chosen_nl"], entry["chosen_en"]) == (["Jeugd"], ["Youth"])
    privacy.purge_personal_data(0, now=event.ends_at + (event.ends_at - event.starts_at))
    assert db.session.scalar(sa.select(sa.func.count(RegistrationAnswer.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(RegistrationQuestion.id))) == 4


# --- through the forms -----------------------------------------------------------------------


def test_the_form_asks_the_questions_with_fieldsets_legends_and_help(client, dinner):
    event, workshop, diet, photo, age = dinner
    db.session.commit()
    page = client.get("/events/dinner/register", headers=EN).get_data(as_text=True)
    assert f'<fieldset id="question_{workshop.id}"' in page
    assert "<legend>Which workshop? <span class=\"required\">(required)</span></legend>" in page
    assert f'aria-describedby="question_{workshop.id}-hint"' in page and "Pick one." in page
    assert 'type="radio"' in page and 'type="checkbox"' in page
    assert "<legend>Diet</legend>" in page and "Gluten-free" in page
    assert f'name="question_{age.id}"' in page and 'type="number"' in page
    # Questions come before the consent, which stays last.
    assert page.index("Which workshop?") < page.index('name="consent"')
    dutch = client.get("/events/dinner/register").get_data(as_text=True)
    assert "Welke workshop?" in dutch and "Glutenvrij" in dutch


def test_a_missing_answer_keeps_every_input_and_names_the_question(client, dinner):
    event, workshop, diet, photo, age = dinner
    db.session.commit()
    response = client.post("/events/dinner/register", headers=EN, data={
        "name": "Ann", "email": "ann@example.org", "consent": "y",
        f"question_{diet.id}": ["0", "2"], f"question_{photo.id}": "yes",
        f"question_{age.id}": "41",
    })
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'href="#question_{workshop.id}"' in page and "Choose one of the options." in page
    assert f'id="question_{workshop.id}-error"' in page
    assert page.count("checked") == 4  # two diets, "yes", and the consent
    assert 'value="41"' in page and 'value="Ann"' in page


def test_answers_given_through_the_form_show_on_the_manage_page_and_export(
    client, login, make_user, dinner
):
    event, workshop, diet, photo, age = dinner
    organiser = make_user(email="olga@example.org", roles=(Role.ORGANISER,))
    event.organisers = [organiser]
    db.session.commit()
    response = client.post("/events/dinner/register", headers=EN, data={
        "name": "Ann", "email": "ann@example.org", "consent": "y",
        f"question_{workshop.id}": "0", f"question_{diet.id}": ["1"],
        f"question_{photo.id}": "no",
    }, follow_redirects=True)
    assert response.status_code == 200
    registration = db.session.scalars(sa.select(Registration)).one()
    page = client.get(f"/registrations/{services.manage_token(registration)}",
                      headers=EN).get_data(as_text=True)
    assert "<dt>Which workshop?</dt>" in page and "<dd>Climate</dd>" in page
    assert "<dd>no</dd>" in page

    login(organiser)
    rows = list(csv.reader(io.StringIO(client.get(
        "/manage/events/dinner/attendees.csv", headers=EN).data.decode("utf-8-sig"))))
    header, row = rows[0], rows[1]
    assert header[-4:] == ["Which workshop?", "Diet", "Photos fine?", "Age"]
    assert row[-4:] == ["Climate", "Halal", "no", ""]
    book = openpyxl.load_workbook(io.BytesIO(client.get(
        "/manage/events/dinner/attendees.xlsx", headers=EN).data))
    cells = [[cell.value for cell in line] for line in book.worksheets[0].iter_rows()]
    assert cells[0][-4:] == header[-4:]
    assert cells[1][-4:] == ["Climate", "Halal", "no", None]
    sheet = client.get("/manage/events/dinner/sign-in-sheet", headers=EN).get_data(as_text=True)
    assert "<th scope=\"col\">Diet</th>" in sheet and "Halal" in sheet
    assert "Which workshop?" not in sheet
    workspace = client.get("/manage/events/dinner/registrations",
                           headers=EN).get_data(as_text=True)
    assert "<dt>Which workshop?</dt><dd>Climate</dd>" in workspace


def test_organisers_add_change_move_and_remove_questions(client, login, make_user, make_event):
    organiser = make_user(email="olga@example.org", roles=(Role.ORGANISER,))
    event = make_event(slug="evening", organisers=[organiser])
    db.session.commit()
    login(organiser)
    base = "/manage/events/evening/questions"
    response = client.post(base, headers=EN, data={
        "kind": "one_choice", "label_nl": "Welke workshop?", "choices_nl": "Klimaat\n",
    })
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Give at least two options" in page and 'value="Welke workshop?"' in page
    for label, kind, choices in (("Welke workshop?", "one_choice", "Klimaat\nJeugd"),
                                 ("Opmerkingen", "long_text", "")):
        assert client.post(base, headers=EN, data={
            "kind": kind, "label_nl": label, "label_en": "", "choices_nl": choices,
            "required": "y",
        }).status_code == 302
    first, second = questions.questions_of(event)
    assert first.choices_nl == ["Klimaat", "Jeugd"] and second.choices_nl is None

    edit = client.get(f"{base}/{first.id}", headers=EN).get_data(as_text=True)
    assert "Klimaat\nJeugd</textarea>" in edit
    assert client.post(f"{base}/{first.id}", headers=EN, data={
        "kind": "one_choice", "label_nl": "Welk atelier?", "label_en": "Which workshop?",
        "choices_nl": "Klimaat\nJeugd", "choices_en": "Climate\nYouth",
    }).status_code == 302
    assert client.post(f"{base}/{second.id}/move", data={"direction": "up"}).status_code == 302
    db.session.expire_all()
    assert [q.label_nl for q in questions.questions_of(event)] == ["Opmerkingen", "Welk atelier?"]
    assert client.post(f"{base}/{second.id}/remove").status_code == 302
    listing = client.get(base, headers=EN).get_data(as_text=True)
    assert "Welk atelier?" in listing and "Opmerkingen" not in listing
