"""The organisers' venue form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from participation.core.forms import OptionalChoice
from participation.places.models import DISTRICTS, Venue
from participation.places.services import VenueDetails


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class VenueForm(FlaskForm):
    """Add or change a venue."""

    name = StringField(_l("Name of the venue"), filters=[_strip],
                       validators=[DataRequired(_l("Enter the name of the venue.")),
                                   Length(max=200)])
    address = StringField(_l("Address"), filters=[_strip],
                          validators=[DataRequired(_l("Enter the address.")), Length(max=300)])
    district = SelectField(
        _l("District of Ghent"),
        choices=[SelectChoice("", _l("Outside Ghent, or not known"))]
        + [SelectChoice(slug, name) for slug, name in DISTRICTS.items()],
        validators=[OptionalChoice()],
    )
    latitude = DecimalField(
        _l("Latitude"), places=None,
        validators=[Optional(), NumberRange(min=-90, max=90,
                                            message=_l("Enter a latitude between -90 and 90."))],
    )
    longitude = DecimalField(
        _l("Longitude"), places=None,
        validators=[Optional(), NumberRange(min=-180, max=180,
                                            message=_l("Enter a longitude between -180 and 180."))],
    )
    step_free = BooleanField(_l("Step-free access"))
    hearing_loop = BooleanField(_l("Hearing loop"))
    accessible_toilet = BooleanField(_l("Accessible toilet"))
    accessibility_nl = TextAreaField(_l("Other accessibility information (Dutch)"),
                                     filters=[_strip], validators=[Length(max=2000)])
    accessibility_en = TextAreaField(_l("Other accessibility information (English)"),
                                     filters=[_strip], validators=[Length(max=2000)])
    getting_there_nl = TextAreaField(_l("Getting there (Dutch)"), filters=[_strip],
                                     validators=[Length(max=2000)])
    getting_there_en = TextAreaField(_l("Getting there (English)"), filters=[_strip],
                                     validators=[Length(max=2000)])

    def to_details(self) -> VenueDetails:
        """Return what the organiser typed as service input."""
        def number(field):
            return float(field.data) if field.data is not None else None

        return VenueDetails(
            name=self.name.data, address=self.address.data,
            latitude=number(self.latitude), longitude=number(self.longitude),
            district=self.district.data or None,
            step_free=self.step_free.data, hearing_loop=self.hearing_loop.data,
            accessible_toilet=self.accessible_toilet.data,
            accessibility_nl=self.accessibility_nl.data or None,
            accessibility_en=self.accessibility_en.data or None,
            getting_there_nl=self.getting_there_nl.data or None,
            getting_there_en=self.getting_there_en.data or None,
        )


def venue_data(venue: Venue) -> dict:
    """Return a venue's values as the form shows them."""
    data = {name: getattr(venue, name) for name in (
        "name", "address", "latitude", "longitude", "step_free", "hearing_loop",
        "accessible_toilet", "accessibility_nl", "accessibility_en", "getting_there_nl",
        "getting_there_en")}
    data["district"] = venue.district or ""
    return data
