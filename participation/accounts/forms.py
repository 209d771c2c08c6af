"""Forms of sign-up, sign-in, the account page and the administration of accounts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from participation.accounts.errors import AccountError
from participation.accounts.models import AgeBand, Role
from participation.accounts.services import check_password_rules, normalise_email
from participation.core.forms import CalendarDateField, HoneypotMixin, OptionalChoice

EMAIL_REQUIRED = _l("Enter your e-mail address.")
PASSWORD_REQUIRED = _l("Enter your password.")


class Rule:
    """Check a field with the service's own rule, so that a form reports every field's
    problem in one answer instead of the service's first one after the form passed."""

    def __init__(self, check) -> None:
        self.check = check

    def __call__(self, form, field) -> None:
        if not field.data:
            return  # DataRequired has said so already
        try:
            self.check(field.data)
        except AccountError as error:
            raise ValidationError(str(error.message)) from error


VALID_ADDRESS = Rule(normalise_email)
STRONG_PASSWORD = Rule(check_password_rules)


class SignUpForm(HoneypotMixin, FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(_l("Enter your name.")),
                                                    Length(max=120)])
    email = EmailField(_l("E-mail address"), validators=[DataRequired(EMAIL_REQUIRED),
                                                         Length(max=254), VALID_ADDRESS])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Choose a password.")),
                                                         STRONG_PASSWORD])


class SignInForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(EMAIL_REQUIRED),
                                                         Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(PASSWORD_REQUIRED)])
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class EmailForm(FlaskForm):
    """Forgot password and resend verification: only an address."""

    email = EmailField(_l("E-mail address"), validators=[DataRequired(EMAIL_REQUIRED),
                                                         Length(max=254), VALID_ADDRESS])


class VerifyEmailForm(FlaskForm):
    """Confirming an address asks for the password chosen at sign-up."""

    password = PasswordField(_l("Password"), validators=[DataRequired(PASSWORD_REQUIRED)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"),
                             validators=[DataRequired(_l("Choose a new password.")),
                                         STRONG_PASSWORD])


AGE_BAND_LABELS = {
    AgeBand.UNDER_18: _l("Under 18"),
    AgeBand.AGE_18_24: _l("18 to 24"),
    AgeBand.AGE_25_34: _l("25 to 34"),
    AgeBand.AGE_35_49: _l("35 to 49"),
    AgeBand.AGE_50_64: _l("50 to 64"),
    AgeBand.AGE_65_PLUS: _l("65 or older"),
}

ROLE_LABELS = {
    Role.RESIDENT: _l("Resident"),
    Role.ORGANISER: _l("Organiser"),
    Role.STAFF: _l("Policy staff"),
    Role.ADMIN: _l("Administrator"),
}


def _age_band_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("I prefer not to say"))] + [
        SelectChoice(band.value, label) for band, label in AGE_BAND_LABELS.items()
    ]


class ProfileForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(_l("Enter your name.")),
                                                    Length(max=120)])
    locale = SelectField(_l("Language of our mails"),
                         choices=[SelectChoice("nl", "Nederlands"),
                                  SelectChoice("en", "English")])
    notify_updates = BooleanField(
        _l("Mail me when the city reports back on an action I gave my opinion on")
    )
    profile_consent = BooleanField(
        _l("I agree that the city uses my postcode and age group, without my name, "
           "to see whether the people taking part reflect Ghent")
    )
    postcode = StringField(_l("Postcode (optional)"), validators=[Optional(), Length(max=10)])
    age_band = SelectField(_l("Age group (optional)"), choices=_age_band_choices(),
                           validators=[OptionalChoice()])


class ChangeEmailForm(FlaskForm):
    new_email = EmailField(_l("New e-mail address"),
                           validators=[DataRequired(_l("Enter your new e-mail address.")),
                                       Length(max=254), VALID_ADDRESS])
    current_password = PasswordField(_l("Your current password"),
                                     validators=[DataRequired(PASSWORD_REQUIRED)])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Your current password"),
                                     validators=[DataRequired(PASSWORD_REQUIRED)])
    new_password = PasswordField(_l("New password"),
                                 validators=[DataRequired(_l("Choose a new password.")),
                                             STRONG_PASSWORD])


def role_choices(roles=tuple(Role)) -> list[SelectChoice]:
    """Choices for a role field, in the order of ``ROLE_LABELS``."""
    return [SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()
            if role in roles]


class UserSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(_l("Name or e-mail address"), validators=[Optional(), Length(max=100)])
    role = SelectField(_l("Role"), choices=[SelectChoice("", _l("Any role")), *role_choices()],
                       validators=[OptionalChoice()])


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=role_choices())


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField(_l("Action"), choices=[], validators=[OptionalChoice()],
                         validate_choice=False)
    actor = SearchField(_l("Done by (e-mail address)"), validators=[Optional(), Length(max=254)])
    date_from = CalendarDateField(_l("From"), validators=[Optional()])
    date_to = CalendarDateField(_l("Until"), validators=[Optional()])

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date must be on or after the start date."))
