"""The registration form and the cancel confirmation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from participation.core.forms import HoneypotMixin
from participation.registrations.services import EMAIL_MAX, NAME_MAX, NEEDS_OTHER_MAX


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class RegistrationForm(HoneypotMixin, FlaskForm):
    """Name, e-mail, optional needs, and consent to the privacy notice."""

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
    consent = BooleanField(
        _l("I agree that the City of Ghent uses my details to organise this event, as the "
           "privacy notice explains"),
        validators=[DataRequired(_l("Agree to the privacy notice to register."))],
    )


class ConfirmPlaceForm(FlaskForm):
    """The button that confirms a place from the page the mailed link opens."""


class CancelForm(FlaskForm):
    """The one confirmation step before a registration is cancelled."""
