"""Forms of policy staff: editing an action and reporting back on it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from participation.core.forms import WholeNumberField
from participation.policy.services import (
    SUMMARY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    UPDATE_MAX_LENGTH,
)

STATUS_CHOICES = [
    SelectChoice("planned", _l("Planned")),
    SelectChoice("in_progress", _l("In progress")),
    SelectChoice("done", _l("Done")),
]


def _progress_field() -> WholeNumberField:
    """An action's progress: a whole number of percent."""
    return WholeNumberField(
        _l("Progress in percent"),
        validators=[InputRequired(_l("Give the progress as a number from 0 to 100.")),
                    NumberRange(min=0, max=100,
                                message=_l("Give the progress as a number from 0 to 100."))],
    )


class UpdateForm(FlaskForm):
    """What the city did with the feedback on an action."""

    # Dutch, English or both: the service asks for at least one.
    body = TextAreaField(
        _l("What did the city do? (in Dutch)"),
        validators=[Length(max=UPDATE_MAX_LENGTH,
                           message=_l("Write at most %(max)d characters.", max=UPDATE_MAX_LENGTH))],
    )
    body_en = TextAreaField(
        _l("What did the city do? (in English)"),
        validators=[Length(max=UPDATE_MAX_LENGTH,
                           message=_l("Write at most %(max)d characters.", max=UPDATE_MAX_LENGTH))],
    )
    status = SelectField(_l("Status of the action"), choices=STATUS_CHOICES)
    progress = _progress_field()

    def validate_body(self, field) -> None:
        """Ask for the text in at least one language (the service checks it too)."""
        if not (field.data or "").strip() and not (self.body_en.data or "").strip():
            raise ValidationError(_l("Write what the city did, in Dutch, English or both."))


class FeedbackSwitchForm(FlaskForm):
    """Open or close an action for feedback (only a button)."""


class ActionForm(FlaskForm):
    """An action as staff edit it: texts in both languages, status, progress, priority."""

    title_nl = StringField(_l("Title in Dutch"), validators=[
        InputRequired(_l("Write the title in Dutch.")), Length(max=TITLE_MAX_LENGTH)])
    title_en = StringField(_l("Title in English"), validators=[
        Optional(), Length(max=TITLE_MAX_LENGTH)])
    summary_nl = TextAreaField(_l("Description in Dutch"), validators=[
        Optional(), Length(max=SUMMARY_MAX_LENGTH)])
    summary_en = TextAreaField(_l("Description in English"), validators=[
        Optional(), Length(max=SUMMARY_MAX_LENGTH)])
    status = SelectField(_l("Status of the action"), choices=STATUS_CHOICES)
    progress = _progress_field()
    priority = SelectField(_l("Priority"), choices=[], validate_choice=True)
    feedback_open = BooleanField(_l("Open for feedback"))
