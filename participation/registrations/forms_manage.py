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
    subject = StringField(_l("Subject"), filters=[_strip],
                          validators=[DataRequired(_l("Enter a subject.")), Length(max=200)])
    body = TextAreaField(
        _l("Message"), filters=[_strip],
        validators=[DataRequired(_l("Enter the message.")), Length(max=10_000)],
    )
