"""The organisers' event form: every field of an event, with times in Brussels time."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from participation.core.forms import WholeNumberField
from participation.core.i18n import BRUSSELS
from participation.events.models import Event, EventLanguage
from participation.events.services import EARLIEST_DATE, LATEST_DATE
from participation.events.services_manage import (
    SLUG_MAX,
    SLUG_PATTERN,
    TEXT_COLUMNS,
    EventDetails,
)

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def _topic_id(value) -> int | None:
    """Coerce a chosen id (topic, venue); the empty placeholder option means none was chosen."""
    return int(value) if value not in (None, "") else None


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def to_utc(local: datetime | None) -> datetime | None:
    """Read a naive date and time as Brussels time and return it in UTC."""
    if local is None:
        return None
    return local.replace(tzinfo=BRUSSELS).astimezone(UTC)


def to_local(moment: datetime | None) -> datetime | None:
    """Return a UTC moment as a naive Brussels date and time for a ``datetime-local`` input."""
    if moment is None:
        return None
    return moment.astimezone(BRUSSELS).replace(tzinfo=None)


class BrusselsDateTimeField(DateTimeLocalField):
    """A ``datetime-local`` input read as Brussels time; says which field is wrong."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=[LOCAL_FORMAT, "%Y-%m-%d %H:%M"], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(
                _l("Enter %(field)s as a date and time, for example 2026-05-14 19:30.",
                   field=str(self.label.text).lower())
            ) from error
        if self.data is not None and not EARLIEST_DATE <= self.data.date() <= LATEST_DATE:
            self.data = None
            raise ValueError(
                _l("Enter %(field)s between %(first)s and %(last)s.",
                   field=str(self.label.text).lower(), first=EARLIEST_DATE.isoformat(),
                   last=LATEST_DATE.isoformat())
            )


def _max(limit: int, what) -> Length:
    """A length check whose message names the field: "The Dutch title can be at most ..."."""
    return Length(max=limit, message=_l("%(what)s can be at most %(max)d characters long.",
                                        what=what, max=limit))


def _text(kind, label, what, limit: int, lang: str, *validators):
    """An optional text field in one language (``lang`` on the input: spell-checking)."""
    return kind(label, filters=[_strip], render_kw={"lang": lang},
                validators=[*validators, _max(limit, what)])


def _in_a_language(other: str, message):
    """Ask for this text or its other-language twin ``other`` (the service checks it too, but
    saying so here shows it with the form's other errors)."""

    def check(form, field):
        if not (field.data or "").strip() and not (form[other].data or "").strip():
            raise ValidationError(message)

    return check


def _slug(form, field):
    if field.data and not SLUG_PATTERN.match(field.data):
        raise ValidationError(
            _l("The web address may only hold lowercase letters, digits and hyphens, "
               "for example green-deal-evening.")
        )


class EventForm(FlaskForm):
    """Create or edit an event."""

    # Each text in Dutch, English or both (the service asks for at least one title and
    # summary); readers get their language, or else the other one marked as such.
    title_nl = _text(StringField, _l("Title in Dutch"), _l("The Dutch title"), 200, "nl",
                     _in_a_language("title_en", _l("Enter a title, in Dutch, English or both.")))
    title_en = _text(StringField, _l("Title in English"), _l("The English title"), 200, "en")
    slug = StringField(
        _l("Web address (slug)"), filters=[_strip],
        validators=[Optional(), Length(max=SLUG_MAX), _slug],
    )
    summary_nl = _text(TextAreaField, _l("Summary in Dutch"), _l("The Dutch summary"), 500, "nl",
                       _in_a_language("summary_en",
                                      _l("Enter a short summary, in Dutch, English or both.")))
    summary_en = _text(TextAreaField, _l("Summary in English"), _l("The English summary"), 500,
                       "en")
    description_nl = _text(TextAreaField, _l("Description in Dutch"),
                           _l("The Dutch description"), 20_000, "nl")
    description_en = _text(TextAreaField, _l("Description in English"),
                           _l("The English description"), 20_000, "en")
    topic_id = SelectField(_l("Topic"), coerce=_topic_id,
                           validators=[DataRequired(_l("Choose a topic."))])
    starts_at = BrusselsDateTimeField(
        _l("Start"), validators=[InputRequired(_l("Enter the start date and time."))]
    )
    ends_at = BrusselsDateTimeField(
        _l("End"), validators=[InputRequired(_l("Enter the end date and time."))]
    )
    venue_id = SelectField(_l("Venue"), coerce=_topic_id, validate_choice=True)
    venue_name = StringField(_l("Other venue: name"), filters=[_strip],
                             validators=[Length(max=200)])
    address = StringField(_l("Address"), filters=[_strip], validators=[Length(max=300)])
    online_url = StringField(
        _l("Online link"), filters=[_strip],
        validators=[
            Optional(),
            Length(max=500),
            URL(message=_l("Enter the online link as a full web address, "
                           "for example https://example.org/stream.")),
        ],
    )
    public_transport_nl = _text(TextAreaField, _l("By public transport, in Dutch"),
                                _l("This text"), 2000, "nl")
    public_transport_en = _text(TextAreaField, _l("By public transport, in English"),
                                _l("This text"), 2000, "en")
    bike_nl = _text(TextAreaField, _l("By bike, in Dutch"), _l("This text"), 2000, "nl")
    bike_en = _text(TextAreaField, _l("By bike, in English"), _l("This text"), 2000, "en")
    step_free = BooleanField(_l("Step-free access"))
    hearing_loop = BooleanField(_l("Hearing loop"))
    sign_language_on_request = BooleanField(_l("Flemish Sign Language interpretation on request"))
    accessibility_notes_nl = _text(TextAreaField, _l("Other accessibility information, in Dutch"),
                                   _l("This text"), 2000, "nl")
    accessibility_notes_en = _text(
        TextAreaField, _l("Other accessibility information, in English"), _l("This text"), 2000,
        "en")
    contact_service_nl = StringField(_l("Organising service (Dutch)"), filters=[_strip],
                                     validators=[Length(max=200)])
    contact_service_en = StringField(_l("Organising service (English)"), filters=[_strip],
                                     validators=[Length(max=200)])
    contact_email = EmailField(
        _l("Contact e-mail address"), filters=[_strip],
        validators=[Optional(), Length(max=254),
                    Email(_l("Enter an e-mail address like name@example.org."))],
    )
    contact_phone = StringField(
        _l("Contact phone number"), filters=[_strip],
        validators=[Optional(), Length(max=40),
                    Regexp(r"^\+?[0-9 ()./-]{6,}$",
                           message=_l("Enter a phone number, for example 09 210 10 10."))],
    )
    language = SelectField(
        _l("Language of the event"),
        choices=[
            SelectChoice(EventLanguage.DUTCH.value, _l("Dutch")),
            SelectChoice(EventLanguage.ENGLISH.value, _l("English")),
            SelectChoice(EventLanguage.BILINGUAL.value, _l("Dutch and English")),
        ],
    )
    capacity = WholeNumberField(
        _l("Number of places"),
        validators=[Optional(), NumberRange(min=0, max=100_000,
                                            message=_l("Enter a number of places of 0 or more."))],
    )
    companions_allowed = WholeNumberField(
        _l("Companions per registration"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=20, message=_l(
            "Enter a number of companions from 0 to 20."))],
    )
    places_per_organisation = WholeNumberField(
        _l("Places per organisation"),
        validators=[Optional(), NumberRange(min=1, max=100_000, message=_l(
            "Enter a number of places of 1 or more, or leave empty for no limit."))],
    )
    confirm_within_hours = WholeNumberField(
        _l("Confirm by mail within (hours)"),
        validators=[Optional(), NumberRange(min=1, max=168, message=_l(
            "Give between 1 and 168 hours (a week), or leave it empty."))],
    )
    registration_opens_at = BrusselsDateTimeField(_l("Registration opens"),
                                                  validators=[Optional()])
    registration_closes_at = BrusselsDateTimeField(_l("Registration closes"),
                                                   validators=[Optional()])
    actions = SelectMultipleField(_l("Policy actions discussed"), coerce=int,
                                  validators=[Optional()])
    organiser_emails = TextAreaField(
        _l("Organisers"), filters=[_strip],
        validators=[DataRequired(_l("Enter the e-mail address of at least one organiser.")),
                    Length(max=5000)],
    )

    def to_details(self) -> EventDetails:
        """Return what the organiser typed as service input, with times in UTC."""
        emails = [e for e in re.split(r"[\s,;]+", self.organiser_emails.data or "") if e]
        return EventDetails(
            **{name: getattr(self, name).data or None for name in TEXT_COLUMNS},
            slug=self.slug.data or None,
            topic_id=self.topic_id.data,
            starts_at=to_utc(self.starts_at.data),
            ends_at=to_utc(self.ends_at.data),
            venue_id=self.venue_id.data,
            venue_name=self.venue_name.data or None,
            address=self.address.data or None,
            online_url=self.online_url.data or None,
            step_free=self.step_free.data,
            hearing_loop=self.hearing_loop.data,
            sign_language_on_request=self.sign_language_on_request.data,
            contact_service_nl=self.contact_service_nl.data or None,
            contact_service_en=self.contact_service_en.data or None,
            contact_email=(self.contact_email.data or "").lower() or None,
            contact_phone=self.contact_phone.data or None,
            language=EventLanguage(self.language.data),
            capacity=self.capacity.data,
            companions_allowed=self.companions_allowed.data or 0,
            places_per_organisation=self.places_per_organisation.data,
            confirm_within_hours=self.confirm_within_hours.data,
            registration_opens_at=to_utc(self.registration_opens_at.data),
            registration_closes_at=to_utc(self.registration_closes_at.data),
            action_ids=list(self.actions.data or []),
            organiser_emails=emails,
        )


def form_data(event: Event) -> dict:
    """Return an event's values as the form shows them (times in Brussels)."""
    return {
        **{name: getattr(event, name) for name in TEXT_COLUMNS},
        "slug": event.slug,
        "topic_id": event.topic_id,
        "starts_at": to_local(event.starts_at),
        "ends_at": to_local(event.ends_at),
        "venue_id": event.venue_id,
        "venue_name": event.venue_name,
        "address": event.address,
        "online_url": event.online_url,
        "step_free": event.step_free,
        "hearing_loop": event.hearing_loop,
        "sign_language_on_request": event.sign_language_on_request,
        "contact_service_nl": event.contact_service_nl,
        "contact_service_en": event.contact_service_en,
        "contact_email": event.contact_email,
        "contact_phone": event.contact_phone,
        "language": event.language.value,
        "capacity": event.capacity,
        "companions_allowed": event.companions_allowed,
        "places_per_organisation": event.places_per_organisation,
        "confirm_within_hours": event.confirm_within_hours,
        "registration_opens_at": to_local(event.registration_opens_at),
        "registration_closes_at": to_local(event.registration_closes_at),
        "actions": [a.id for a in event.actions],
        "organiser_emails": "\n".join(u.email for u in event.organisers),
    }


class EventImageForm(FlaskForm):
    """Upload the event's image with what it shows."""

    image = FileField(_l("Image"), validators=[FileRequired(_l("Choose an image file."))])
    alt_nl = StringField(_l("What the image shows (Dutch)"), filters=[_strip],
                         validators=[Length(max=300)])
    alt_en = StringField(_l("What the image shows (English)"), filters=[_strip],
                         validators=[Length(max=300)])
