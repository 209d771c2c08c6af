"""Form pieces shared by every domain: the honeypot of public forms, and fields and
validators that hostile input cannot crash."""

from __future__ import annotations

from functools import lru_cache

from babel import support
from flask import current_app, flash, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto, _is_submitted
from werkzeug.datastructures import CombinedMultiDict, ImmutableMultiDict, MultiDict
from wtforms import DateField, FileField, IntegerField, StringField
from wtforms.i18n import messages_path
from wtforms.validators import Optional, ValidationError


def _must_be_empty(form, field) -> None:
    if field.data:
        raise ValidationError(_l("Leave this field empty."))


class HoneypotMixin:
    """Add a hidden field that people leave empty and robots fill in.

    Render it with ``honeypot(form)`` from templates/_macros/forms.html: visually hidden,
    out of the tab order, without autocomplete, and labelled so that screen-reader users
    know to skip it. A filled field fails validation, so the view answers with its usual
    422 page and writes nothing.
    """

    #: A name robots like to fill in; people never see the field.
    website = StringField(_l("Leave this field empty"), validators=[_must_be_empty])
    # Fields are ordered by creation: keep the honeypot after the form's own fields, so that
    # error summaries and "first field" fallbacks never point at it.
    website.creation_counter = 10**9


class OptionalChoice(Optional):
    """``Optional`` for select fields: only a missing or empty value skips the field.

    Plain ``Optional`` treats whitespace as empty and then wipes the field's "not a valid
    choice" error, so a value like ``" "`` would reach the view as if it were a choice.
    """

    def __init__(self):
        super().__init__(strip_whitespace=False)


class WholeNumberField(IntegerField):
    """An ``IntegerField`` that refuses numbers too long to mean anything.

    WTForms' ``NumberRange`` turns the number into a float and fails with an OverflowError
    on a few hundred digits; such input is simply not a valid number here.
    """

    MAX_DIGITS = 15

    def process_formdata(self, valuelist):
        if valuelist and len(str(valuelist[0]).strip().lstrip("+-")) > self.MAX_DIGITS:
            self.data = None
            raise ValueError(_named(_l("Enter %(field)s as a whole number, for example 12."),
                                   self))
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_named(_l("Enter %(field)s as a whole number, for example 12."),
                                    self)) from error


class CalendarDateField(DateField):
    """A ``DateField`` whose error names the field and shows the format, instead of WTForms'
    generic "Not a valid date value."."""

    #: Years a date of this platform can have: year 1 or 9999 would overflow when turned into
    #: the start or end of a day in UTC.
    YEARS = range(1900, 3000)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(self._message()) from error
        if self.data is not None and self.data.year not in self.YEARS:
            self.data = None
            raise ValueError(self._message())

    def _message(self) -> str:
        # Made only when needed: translating it costs on every catalogue page otherwise.
        return _named(_l("Enter %(field)s as a date, for example 2026-05-14."), self)


def _named(message, field) -> str:
    """Fill a message's %(field)s with the field's label, in lower case."""
    return str(message) % {"field": str(field.label.text).lower()}


def put_form_error(form, error, default_field: str | None = None, *,
                   flash_otherwise: bool = False) -> None:
    """Show a ``DomainError`` on the form field it names, else on ``default_field``.

    An error that names no field of this form (and no default) is shown above the form
    (``form.form_errors``), or flashed with ``flash_otherwise`` for pages whose template
    shows no form summary. The message becomes a plain string: lazy strings would count as
    safe HTML.
    """
    field = form._fields.get(error.field) if error.field else None
    if field is None and default_field:
        field = form._fields.get(default_field)
    message = str(error.message)
    if field is not None:
        field.errors = [*field.errors, message]
    elif flash_otherwise:
        flash(message, "error")
    else:
        form.form_errors.append(message)


def _form_data_without_stray_files(meta, form, formdata):
    """Flask-WTF's ``wrap_formdata``, but a file part reaches only a file field.

    Flask-WTF hands every file part to the form, so a multipart POST sending ``email`` as a
    file gave a text field a FileStorage (a 500 in its validators). Here a file part whose
    name is no file field is simply absent, and the field is empty like any missing input.
    """
    if formdata is not _Auto:
        return formdata
    if not _is_submitted():
        return None
    file_fields = {field.name for field in form if isinstance(field, FileField)}
    files = MultiDict(
        [(key, value) for key, value in request.files.items(multi=True) if key in file_fields]
    )
    if files:
        return CombinedMultiDict((files, request.form))
    if request.form:
        return request.form
    if request.is_json:
        return ImmutableMultiDict(request.get_json())
    return None


class _WTFormsTranslations:
    """WTForms' own messages ("Not a valid choice") in the page's language.

    Flask-WTF reads WTForms' catalogue from disk on every request that builds a form; the
    catalogues never change while the app runs, so each language's is read once.
    """

    def gettext(self, string):
        return _wtforms_catalogue(str(get_locale() or "nl")).ugettext(string)

    def ngettext(self, singular, plural, n):
        return _wtforms_catalogue(str(get_locale() or "nl")).ungettext(singular, plural, n)


@lru_cache(maxsize=8)
def _wtforms_catalogue(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


def _get_translations(self, form):
    if not current_app.config.get("WTF_I18N_ENABLED", True):
        return None
    return _WTFORMS_TRANSLATIONS


_WTFORMS_TRANSLATIONS = _WTFormsTranslations()


def guard_form_input() -> None:
    """Make every FlaskForm ignore file parts sent in place of text fields, and read WTForms'
    messages from a catalogue loaded once per language (idempotent)."""
    FlaskForm.Meta.wrap_formdata = _form_data_without_stray_files
    FlaskForm.Meta.get_translations = _get_translations
