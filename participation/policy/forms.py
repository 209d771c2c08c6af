"""Forms of policy staff: reporting back on an action."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange

from participation.policy.services import UPDATE_MAX_LENGTH

STATUS_CHOICES = [
    SelectChoice("planned", _l("Planned")),
    SelectChoice("in_progress", _l("In progress")),
    SelectChoice("done", _l("Done")),
]


class UpdateForm(FlaskForm):
    """What the city did with the feedback on an action."""

    body = TextAreaField(
        _l("What did the city do?"),
        validators=[InputRequired(_l("Write what the city did.")), Length(max=UPDATE_MAX_LENGTH)],
    )
    status = SelectField(_l("Status of the action"), choices=STATUS_CHOICES)
    progress = IntegerField(
        _l("Progress in percent"),
        validators=[InputRequired(_l("Give the progress as a number from 0 to 100.")),
                    NumberRange(min=0, max=100,
                                message=_l("Give the progress as a number from 0 to 100."))],
    )


class FeedbackSwitchForm(FlaskForm):
    """Open or close an action for feedback (only a button)."""
