"""The registration form and the cancel confirmation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from participation.core.forms import HoneypotMixin, OptionalChoice, WholeNumberField
from participation.registrations import questions as q
from participation.registrations.models import QuestionKind, RegistrationQuestion
from participation.registrations.services import (
    CANCEL_REASONS,
    COMPANIONS_MAX,
    EMAIL_MAX,
    NAME_MAX,
    NEEDS_OTHER_MAX,
    ORGANISATION_MAX,
)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def names_from_lines(text: str | None) -> list[str]:
    """Read the companions' names, one per line (blank lines mean 'no name given')."""
    return [line.strip() for line in (text or "").splitlines()]


def companions_field(label=None) -> WholeNumberField:
    """How many people come along (the form shows it when the event allows companions)."""
    return WholeNumberField(
        label or _l("Number of people coming with you"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=COMPANIONS_MAX,
                                            message=_l("Enter a number of 0 or more."))],
    )


def companion_names_field() -> TextAreaField:
    """The companions' names, optional, one per line."""
    return TextAreaField(
        _l("Their names (optional)"),
        filters=[_strip],
        validators=[Optional(), Length(max=(NAME_MAX + 1) * COMPANIONS_MAX)],
    )


def organisation_field() -> StringField:
    """The name of the organisation someone registers on behalf of."""
    return StringField(
        _l("Name of the organisation"), filters=[_strip],
        validators=[Length(max=ORGANISATION_MAX, message=_l(
            "The name of the organisation can be at most %(max)d characters long."))],
    )


class RegistrationForm(HoneypotMixin, FlaskForm):
    """Name, e-mail, optional needs, and consent to the privacy notice."""

    #: (question, field) pairs of the event's own questions; see :func:`registration_form`.
    questions: tuple = ()

    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter your name.")),
            Length(max=NAME_MAX, message=_l("The name can be at most %(max)d characters long.")),
        ],
    )
    email = EmailField(
        _l("E-mail address"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter your e-mail address.")),
            Length(max=EMAIL_MAX,
                   message=_l("The e-mail address can be at most %(max)d characters long.")),
            Email(_l("Enter an e-mail address like name@example.org.")),
        ],
    )
    on_behalf = BooleanField(_l("I register on behalf of an organisation"))
    organisation = organisation_field()
    companions = companions_field()
    companion_names = companion_names_field()
    needs_step_free = BooleanField(_l("I need step-free access"))
    needs_hearing_loop = BooleanField(_l("I need a hearing loop"))
    needs_sign_language = BooleanField(_l("I need Flemish Sign Language interpretation"))
    needs_other = TextAreaField(
        _l("Other access needs or dietary needs"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=NEEDS_OTHER_MAX,
                   message=_l("Describe your needs in at most %(max)d characters.")),
        ],
    )
    def validate_organisation(self, field) -> None:
        """Ask for the organisation's name when the person registers on its behalf."""
        if self.on_behalf.data and not field.data:
            raise ValidationError(_l("Enter the name of the organisation."))

    def organisation_name(self) -> str | None:
        """The organisation, only when the person ticked that they register on its behalf."""
        return self.organisation.data or None if self.on_behalf.data else None

    consent = BooleanField(
        _l("I agree that the City of Ghent uses my details to organise this event, as the "
           "privacy notice explains"),
        validators=[DataRequired(_l("Agree to the privacy notice to register."))],
    )


class ConfirmPlaceForm(FlaskForm):
    """The button that confirms a place from the page the mailed link opens."""


class RemoveCompanionForm(FlaskForm):
    """The button by which a registrant takes one of their companions off the registration."""


class CancelForm(FlaskForm):
    """The one confirmation step before a registration is cancelled, with an optional reason."""

    reason = RadioField(
        _l("Why do you cancel? (optional)"),
        choices=[SelectChoice(reason.value, label) for reason, label in CANCEL_REASONS.items()],
        validators=[OptionalChoice()],
    )


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _question_field(question: RegistrationQuestion, optional: bool = False):
    """The form field of one question, labelled and validated in the current language."""
    required = question.required and not optional
    label = question.t("label")
    answer = _l("Answer this question.")
    needed = [InputRequired(answer)] if required else [Optional()]
    kind = question.kind
    if kind == QuestionKind.SHORT_TEXT:
        return StringField(label, filters=[_strip], validators=[
            *([DataRequired(answer)] if required else [Optional()]),
            Length(max=q.SHORT_TEXT_MAX, message=_l("Answer in at most %(max)d characters."))])
    if kind == QuestionKind.LONG_TEXT:
        return TextAreaField(label, filters=[_strip], validators=[
            *([DataRequired(answer)] if required else [Optional()]),
            Length(max=q.LONG_TEXT_MAX, message=_l("Answer in at most %(max)d characters."))])
    if kind == QuestionKind.NUMBER:
        return WholeNumberField(label, validators=[*needed, NumberRange(
            min=-q.NUMBER_LIMIT + 1, max=q.NUMBER_LIMIT - 1,
            message=_l("Enter a smaller number."))])
    if kind == QuestionKind.YES_NO:
        return RadioField(
            label, choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
            validators=[InputRequired(answer)] if required else [OptionalChoice()],
        )
    choices = [SelectChoice(str(n), option) for n, option in enumerate(question.choice_labels())]
    if kind == QuestionKind.ONE_CHOICE:
        return RadioField(
            label, choices=choices,
            validators=[InputRequired(_l("Choose one of the options."))]
            if required else [OptionalChoice()],
        )
    return CheckboxesField(
        label, choices=choices,
        validators=[DataRequired(_l("Choose at least one option."))]
        if required else [Optional()],
    )


def registration_form(
    questions: list[RegistrationQuestion], base=None, *, optional: bool = False, **kwargs
):
    """Build the registration form (or ``base``) with a field for each of the event's questions
    (all optional when ``optional``, for organisers adding someone by hand)."""
    base = base or RegistrationForm
    if not questions:  # most events: no class of its own to build on every request
        form = base(**kwargs)
        form.questions = []
        return form

    class EventRegistrationForm(base):
        pass

    # Questions come after the form's own fields and before its consent, when it asks for one.
    before = getattr(base, "consent", None) or getattr(base, "website", None)
    for n, question in enumerate(questions, start=1):
        unbound = _question_field(question, optional)
        if before is not None:
            unbound.creation_counter = before.creation_counter - 1 + n / 1000
        setattr(EventRegistrationForm, q.field_name(question), unbound)
    form = EventRegistrationForm(**kwargs)
    form.questions = [(question, form[q.field_name(question)]) for question in questions]
    return form


def answers_from(form) -> dict[int, object]:
    """Read the question fields of a registration form as the service takes them."""
    answers: dict[int, object] = {}
    for question, field in getattr(form, "questions", []):
        value = field.data
        if question.kind == QuestionKind.YES_NO:
            value = {"yes": True, "no": False}.get(value)
        elif question.kind == QuestionKind.ONE_CHOICE:
            value = value if value not in (None, "", "None") else None
        answers[question.id] = value
    return answers
