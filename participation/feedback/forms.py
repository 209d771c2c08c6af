"""Forms of the feedback domain: giving, reporting and moderating opinions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from participation.core.forms import HoneypotMixin
from participation.feedback.closing import ClosingReportDetails, Said
from participation.feedback.models import (
    CLOSING_SAID_MAX_LENGTH,
    CLOSING_SUMMARY_MAX_LENGTH,
    OPINION_MAX_LENGTH,
    THEME_NAME_MAX_LENGTH,
)
from participation.feedback.services import HIDE_REASON_MAX_LENGTH, REPORT_REASON_MAX_LENGTH

STANCE_CHOICES = [
    SelectChoice("support", _l("I support this action")),
    SelectChoice("mixed", _l("I have mixed feelings")),
    SelectChoice("oppose", _l("I oppose this action")),
]


class OpinionForm(HoneypotMixin, FlaskForm):
    """A resident's stance and opinion on one action."""

    stance = RadioField(_l("Your stance"), choices=STANCE_CHOICES,
                        validators=[InputRequired(_l("Choose your stance."))])
    body = TextAreaField(
        _l("Your opinion"),
        validators=[InputRequired(_l("Write your opinion.")), Length(max=OPINION_MAX_LENGTH)],
    )
    event = SelectField(_l("Did you take part in an event about this?"), choices=[], default="",
                        validate_choice=True)
    show_name = BooleanField(_l("Show my name with my opinion"))


class RecordFeedbackForm(FlaskForm):
    """Feedback an organiser gathered at an event, not tied to a person."""

    action = SelectField(_l("Policy action"), choices=[], validate_choice=True)
    stance = RadioField(_l("Stance"), choices=STANCE_CHOICES,
                        validators=[InputRequired(_l("Choose the stance."))])
    body = TextAreaField(
        _l("What was said"),
        validators=[InputRequired(_l("Write what was said.")), Length(max=OPINION_MAX_LENGTH)],
    )


class ReportForm(HoneypotMixin, FlaskForm):
    """Why someone reports an opinion to the moderators."""

    reason = TextAreaField(
        _l("What is wrong with this opinion?"),
        validators=[InputRequired(_l("Say what is wrong with this opinion.")),
                    Length(max=REPORT_REASON_MAX_LENGTH)],
    )


class HideForm(FlaskForm):
    """Why staff hide an opinion."""

    reason = TextAreaField(
        _l("Reason for hiding"),
        validators=[InputRequired(_l("Give the reason for hiding this opinion.")),
                    Length(max=HIDE_REASON_MAX_LENGTH)],
    )


class ConfirmForm(FlaskForm):
    """A form with only a button (and its CSRF token)."""


class ClosingReportForm(FlaskForm):
    """What came of an event; a pair of fields per action it discussed is added per event."""

    summary_nl = TextAreaField(
        _l("Summary in Dutch"),
        validators=[InputRequired(_l("Summarise in Dutch what came of the event.")),
                    Length(max=CLOSING_SUMMARY_MAX_LENGTH)],
    )
    summary_en = TextAreaField(_l("Summary in English (optional)"),
                               validators=[Length(max=CLOSING_SUMMARY_MAX_LENGTH)])
    participants = IntegerField(
        _l("Number of participants"),
        validators=[Optional(), NumberRange(min=0, message=_l("Give a number of 0 or more."))],
    )

    def said_fields(self, action_id: int) -> tuple:
        """The two fields of one action: what was said, in Dutch and in English."""
        return self[f"said_nl_{action_id}"], self[f"said_en_{action_id}"]

    def to_details(self, action_ids: list[int]) -> ClosingReportDetails:
        return ClosingReportDetails(
            summary_nl=self.summary_nl.data or "",
            summary_en=self.summary_en.data or None,
            participants=self.participants.data,
            said={i: Said(*(f.data or None for f in self.said_fields(i))) for i in action_ids},
        )


def closing_report_form(actions, **kwargs) -> ClosingReportForm:
    """Build the closing report form of an event, with fields for each action it discussed."""

    class EventClosingReportForm(ClosingReportForm):
        pass

    for action in actions:
        setattr(EventClosingReportForm, f"said_nl_{action.id}", TextAreaField(
            _l("What was said (Dutch)"), validators=[Length(max=CLOSING_SAID_MAX_LENGTH)]))
        setattr(EventClosingReportForm, f"said_en_{action.id}", TextAreaField(
            _l("What was said (English, optional)"),
            validators=[Length(max=CLOSING_SAID_MAX_LENGTH)]))
    return EventClosingReportForm(**kwargs)


class ThemeForm(FlaskForm):
    """A theme's name in both languages, and whether every action may use it."""

    name_nl = StringField(_l("Name in Dutch"), validators=[
        InputRequired(_l("Give the theme a name.")), Length(max=THEME_NAME_MAX_LENGTH)])
    name_en = StringField(_l("Name in English"), validators=[
        Optional(), Length(max=THEME_NAME_MAX_LENGTH)])
    shared = BooleanField(_l("Shared by every action"))


class CodingForm(FlaskForm):
    """Add a theme to, or remove it from, the chosen opinions or every one the filter shows."""

    theme = SelectField(_l("Theme"), choices=[], validate_choice=True,
                        validators=[InputRequired(_l("Choose a theme."))])
    scope = RadioField(_l("Which opinions"), default="selected", choices=[
        SelectChoice("selected", _l("The opinions ticked below")),
        SelectChoice("filtered", _l("Every opinion the filter shows")),
    ], validators=[InputRequired()])


class SuggestionForm(FlaskForm):
    """Accept a suggested theme, named by staff."""

    phrase = HiddenField(validators=[InputRequired()])
    name_nl = StringField(_l("Name in Dutch"), validators=[
        InputRequired(_l("Give the theme a name.")), Length(max=THEME_NAME_MAX_LENGTH)])
    name_en = StringField(_l("Name in English"), validators=[
        Optional(), Length(max=THEME_NAME_MAX_LENGTH)])
