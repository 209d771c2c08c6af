"""Forms of policy staff: reporting back on an action."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from participation.core.forms import WholeNumberField
from participation.policy.services import UPDATE_MAX_LENGTH

STATUS_CHOICES = [
    SelectChoice("planned", _l("Planned")),
    SelectChoice("in_progress", _l("In progress")),
    SelectChoice("done", _l("Done")),
]


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

    def validate_body(self, field) -> None:
        """Ask for the text in at least one language (the service checks it too)."""
        if not (field.data or "").strip() and not (self.body_en.data or "").strip():
            raise ValidationError(_l("Write what the city did, in Dutch, English or both."))
    progress = WholeNumberField(
        _l("Progress in percent"),
        validators=[InputRequired(_l("Give the progress as a number from 0 to 100.")),
                    NumberRange(min=0, max=100,
                                message=_l("Give the progress as a number from 0 to 100."))],
    )


class FeedbackSwitchForm(FlaskForm):
    """Open or close an action for feedback (only a button)."""
