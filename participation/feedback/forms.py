"""Forms of the feedback domain: giving, reporting and moderating opinions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from participation.feedback.models import OPINION_MAX_LENGTH
from participation.feedback.services import HIDE_REASON_MAX_LENGTH, REPORT_REASON_MAX_LENGTH

STANCE_CHOICES = [
    SelectChoice("support", _l("I support this action")),
    SelectChoice("mixed", _l("I have mixed feelings")),
    SelectChoice("oppose", _l("I oppose this action")),
]


class OpinionForm(FlaskForm):
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


class ReportForm(FlaskForm):
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
