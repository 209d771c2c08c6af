"""The filter form of the exports page (submitted with GET)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from participation.core.forms import CalendarDateField, OptionalChoice


class ExportForm(FlaskForm):
    """Which export, in which format, filtered how."""

    class Meta:
        csrf = False

    kind = RadioField(_l("Export"), default="opinions", choices=[
        SelectChoice("opinions", _l("Every opinion, one row each")),
        SelectChoice("summary",
                     _l("Summary per action: counts per stance, postcode and age band")),
    ])
    format = RadioField(_l("Format"), default="xlsx", choices=[
        SelectChoice("xlsx", _l("Excel (XLSX), with the data dictionary as a second sheet")),
        SelectChoice("csv", _l("CSV (UTF-8, opens in Excel)")),
        SelectChoice("json", _l("JSON")),
    ])
    priority = SelectField(_l("Priority"), choices=[], validators=[OptionalChoice()])
    action = SelectField(_l("Policy action"), choices=[], validators=[OptionalChoice()])
    event = SelectField(_l("Event"), choices=[], validators=[OptionalChoice()])
    stance = SelectField(_l("Stance"), validators=[OptionalChoice()], choices=[
        SelectChoice("", _l("Any stance")),
        SelectChoice("support", _l("Support")),
        SelectChoice("mixed", _l("Mixed")),
        SelectChoice("oppose", _l("Oppose")),
    ])
    status = SelectField(_l("Status"), validators=[OptionalChoice()], choices=[
        SelectChoice("", _l("Published and hidden")),
        SelectChoice("published", _l("Published")),
        SelectChoice("hidden", _l("Hidden")),
    ])
    date_from = CalendarDateField(_l("Given from"), validators=[Optional()])
    date_to = CalendarDateField(_l("Given until"), validators=[Optional()])

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date must be on or after the start date."))
