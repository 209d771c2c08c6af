"""Forms of the public event catalogue."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SearchField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from participation.events.models import EventLanguage


class EventFilterForm(FlaskForm):
    """Filters of the event list, submitted with GET so results can be bookmarked."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=100)])
    topic = SelectField(_l("Topic"), choices=[], validate_choice=True, validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("Until"), validators=[Optional()])
    language = SelectField(
        _l("Language of the event"),
        choices=[
            SelectChoice("", _l("Any language")),
            SelectChoice(EventLanguage.DUTCH.value, _l("Dutch")),
            SelectChoice(EventLanguage.ENGLISH.value, _l("English")),
        ],
        validators=[Optional()],
    )
    free_places = BooleanField(_l("Only events with free places"))

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date must be on or after the start date."))
