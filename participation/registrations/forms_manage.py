"""Forms of the organisers' sign-up workspace and check-in page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from participation.core.forms import WholeNumberField
from participation.registrations.forms import (
    companion_names_field,
    companions_field,
    organisation_field,
)
from participation.registrations.models import QuestionKind, RegistrationQuestion
from participation.registrations.questions import HELP_MAX, LABEL_MAX, QuestionDetails


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ManualRegistrationForm(FlaskForm):
    """Register someone who phoned or mailed."""

    name = StringField(_l("Name"), filters=[_strip],
                       validators=[DataRequired(_l("Enter the person's name.")), Length(max=120)])
    email = EmailField(
        _l("E-mail address"), filters=[_strip],
        validators=[Optional(), Length(max=254),
                    Email(_l("Enter an e-mail address like name@example.org."))],
    )
    locale = SelectField(
        _l("Language for mails"),
        choices=[SelectChoice("nl", _l("Dutch")), SelectChoice("en", _l("English"))],
    )
    organisation = organisation_field()
    companions = companions_field(_l("Number of people coming along"))
    companion_names = companion_names_field()
    needs_step_free = BooleanField(_l("Needs step-free access"))
    needs_hearing_loop = BooleanField(_l("Needs a hearing loop"))
    needs_sign_language = BooleanField(_l("Needs Flemish Sign Language interpretation"))
    needs_other = TextAreaField(_l("Other access or dietary needs"), filters=[_strip],
                                validators=[Length(max=500)])


class WalkInForm(FlaskForm):
    """Someone at the door without a registration: added and checked in at once."""

    name = StringField(_l("Name"), filters=[_strip], validators=[Length(max=120)])
    email = EmailField(
        _l("E-mail address"), filters=[_strip],
        validators=[Optional(), Length(max=254),
                    Email(_l("Enter an e-mail address like name@example.org."))],
    )


class OrganiserCancelForm(FlaskForm):
    """An organiser cancels someone's registration and tells them why."""

    message = TextAreaField(
        _l("Reason, for the person"), filters=[_strip],
        validators=[DataRequired(_l("Tell the person why their registration is cancelled; it "
                                    "goes into the mail they get.")), Length(max=1000)],
    )


class CapacityForm(FlaskForm):
    """Change the number of places."""

    capacity = WholeNumberField(
        _l("Number of places"),
        validators=[Optional(), NumberRange(min=0, max=100_000,
                                            message=_l("Enter a number of places of 0 or more."))],
    )


class MessageForm(FlaskForm):
    """A message to every confirmed or every waiting registrant."""

    group = RadioField(
        _l("Send to"),
        choices=[
            SelectChoice("confirmed", _l("Everyone with a confirmed place")),
            SelectChoice("waiting", _l("Everyone on the waiting list")),
        ],
        validators=[DataRequired(_l("Choose who gets the message."))],
        # Preselected, so that a first "Show a preview" never fails for want of a choice.
        default="confirmed",
    )
    # Dutch, English or both: each registrant reads their language, or else the other.
    subject = StringField(_l("Subject in Dutch"), filters=[_strip], render_kw={"lang": "nl"})
    body = TextAreaField(_l("Message in Dutch"), filters=[_strip], render_kw={"lang": "nl"})
    subject_en = StringField(_l("Subject in English"), filters=[_strip],
                             render_kw={"lang": "en"})
    body_en = TextAreaField(_l("Message in English"), filters=[_strip], render_kw={"lang": "en"})


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines()]


class QuestionForm(FlaskForm):
    """A question of the registration form, in Dutch and English."""

    kind = SelectField(
        _l("Kind of answer"),
        choices=[
            SelectChoice(QuestionKind.SHORT_TEXT.value, _l("Short text")),
            SelectChoice(QuestionKind.LONG_TEXT.value, _l("Long text")),
            SelectChoice(QuestionKind.ONE_CHOICE.value, _l("One choice")),
            SelectChoice(QuestionKind.SEVERAL_CHOICES.value, _l("Several choices")),
            SelectChoice(QuestionKind.YES_NO.value, _l("Yes or no")),
            SelectChoice(QuestionKind.NUMBER.value, _l("Whole number")),
        ],
    )
    label_nl = StringField(_l("Question in Dutch"), filters=[_strip], validators=[
        DataRequired(_l("Enter the question in Dutch.")), Length(max=LABEL_MAX)])
    label_en = StringField(_l("Question in English"), filters=[_strip],
                           validators=[Length(max=LABEL_MAX)])
    help_nl = StringField(_l("Help text in Dutch"), filters=[_strip],
                          validators=[Length(max=HELP_MAX)])
    help_en = StringField(_l("Help text in English"), filters=[_strip],
                          validators=[Length(max=HELP_MAX)])
    choices_nl = TextAreaField(_l("Options in Dutch"), filters=[_strip],
                               validators=[Length(max=7000)])
    choices_en = TextAreaField(_l("Options in English"), filters=[_strip],
                               validators=[Length(max=7000)])
    required = BooleanField(_l("An answer is required"))
    on_sign_in_sheet = BooleanField(_l("Show the answers on the sign-in sheet"))

    def to_details(self) -> QuestionDetails:
        """Return what the organiser typed as service input."""
        return QuestionDetails(
            kind=QuestionKind(self.kind.data),
            label_nl=self.label_nl.data,
            label_en=self.label_en.data or None,
            help_nl=self.help_nl.data or None,
            help_en=self.help_en.data or None,
            choices_nl=[c for c in _lines(self.choices_nl.data) if c],
            choices_en=_lines(self.choices_en.data),
            required=self.required.data,
            on_sign_in_sheet=self.on_sign_in_sheet.data,
        )


def question_form_data(question: RegistrationQuestion) -> dict:
    """Return a question's values as the form shows them."""
    return {
        "kind": question.kind.value,
        "label_nl": question.label_nl,
        "label_en": question.label_en,
        "help_nl": question.help_nl,
        "help_en": question.help_en,
        "choices_nl": "\n".join(question.choices_nl or []),
        "choices_en": "\n".join(question.choices_en or []),
        "required": question.required,
        "on_sign_in_sheet": question.on_sign_in_sheet,
    }
