"""Forms of the public event catalogue."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from participation.core.forms import CalendarDateField, HoneypotMixin, OptionalChoice
from participation.events.models import EventLanguage
from participation.events.services import EARLIEST_DATE, LATEST_DATE
from participation.places.models import DISTRICTS


def within_calendar(form, field):
    """Refuse dates no event could have (year 1 or 99999)."""
    if field.data and not EARLIEST_DATE <= field.data <= LATEST_DATE:
        raise ValidationError(
            _l("Enter a date between %(first)s and %(last)s.",
               first=EARLIEST_DATE.isoformat(), last=LATEST_DATE.isoformat())
        )


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class EventFilterForm(FlaskForm):
    """Filters of the event list, submitted with GET so results can be bookmarked."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=100)])
    topic = SelectField(_l("Topic"), choices=[], validate_choice=True,
                        validators=[OptionalChoice()])
    date_from = CalendarDateField(_l("From"), validators=[Optional(), within_calendar])
    date_to = CalendarDateField(_l("Until"), validators=[Optional(), within_calendar])
    language = SelectField(
        _l("Language of the event"),
        choices=[
            SelectChoice("", _l("Any language")),
            SelectChoice(EventLanguage.DUTCH.value, _l("Dutch")),
            SelectChoice(EventLanguage.ENGLISH.value, _l("English")),
        ],
        validators=[OptionalChoice()],
    )
    district = SelectField(
        _l("District of Ghent"),
        choices=[SelectChoice("", _l("Every district"))]
        + [SelectChoice(slug, name) for slug, name in DISTRICTS.items()],
        validators=[OptionalChoice()],
    )
    free_places = BooleanField(_l("Only events with free places"))

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date must be on or after the start date."))


class QuestionForm(HoneypotMixin, FlaskForm):
    """A resident's question to the organisers of an event."""

    name = StringField(_l("Your name"), filters=[_strip],
                       validators=[DataRequired(_l("Enter your name.")), Length(max=120)])
    email = EmailField(
        _l("Your e-mail address"), filters=[_strip],
        validators=[DataRequired(_l("Enter your e-mail address: the organisers answer there.")),
                    Length(max=254),
                    Email(_l("Enter an e-mail address like name@example.org."))],
    )
    question = TextAreaField(
        _l("Your question"), filters=[_strip],
        validators=[DataRequired(_l("Write your question.")),
                    Length(max=2000, message=_l("Write at most 2000 characters."))],
    )
