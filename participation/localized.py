"""Content the city and organisers write in Dutch, English or both.

A bilingual field is two columns, ``<field>_nl`` and ``<field>_en`` (see ``Bilingual``).
A reader gets their own language when it is there, otherwise the other one; wherever the
shown text is not in the page's language, it carries ``lang`` and a short note ("Only in
Dutch"), so screen readers pronounce it right (WCAG 3.1.2) and readers know why.

In templates::

    {{ localized(event, "title") }}                  {# text, <span lang> + note if fallback #}
    {{ localized(event, "description", markdown=True) }}   {# block: <div lang> + note #}
    <h1{{ lang_attr(event, "title") }}>{{ event.t("title") }}</h1>

In Python: ``event.t("title")`` (the text) and ``event.text("title")`` (text and language).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import get_locale

#: The languages content is written in; the first is the city's own.
LANGUAGES = ("nl", "en")


def current_language() -> str:
    """Return the language of the current request or mail: 'nl' or 'en'."""
    try:
        locale = get_locale()
    except Exception:  # outside a request and without a forced locale
        return "nl"
    return "en" if locale is not None and locale.language == "en" else "nl"


def other_language(language: str) -> str:
    """Return the other of the two content languages."""
    return "nl" if language == "en" else "en"


@dataclass(frozen=True)
class Text:
    """A text as shown to one reader: what it says and which language it is in."""

    value: str
    lang: str
    #: True when the reader's language was missing and the other one is shown.
    fallback: bool = False

    def __str__(self) -> str:
        return self.value

    def __bool__(self) -> bool:
        return bool(self.value)


def pick(nl: str | None, en: str | None, reader: str | None = None) -> Text:
    """Choose the reader's version of a text, or else the other language's."""
    reader = reader or current_language()
    values = {"nl": nl or "", "en": en or ""}
    if values[reader].strip():
        return Text(values[reader], reader)
    other = other_language(reader)
    if values[other].strip():
        return Text(values[other], other, fallback=True)
    return Text("", reader)


class Bilingual:
    """Mixin for models with ``<field>_nl`` / ``<field>_en`` columns.

    ``BILINGUAL_FIELDS`` lists the fields a reader sees; ``missing_languages()`` tells
    organisers and staff which of them still lack a language.
    """

    BILINGUAL_FIELDS: tuple[str, ...] = ()

    def text(self, field: str, reader: str | None = None) -> Text:
        """Return the field in the reader's language, else in the other, with its language."""
        return pick(getattr(self, f"{field}_nl", None), getattr(self, f"{field}_en", None),
                    reader)

    def t(self, field: str, reader: str | None = None) -> str:
        """Return the field's text in the reader's language, else in the other language."""
        return self.text(field, reader).value

    def missing_languages(self, fields: Iterable[str] | None = None) -> dict[str, str]:
        """Map each field written in only one language to the language it lacks."""
        missing = {}
        for field in fields or self.BILINGUAL_FIELDS:
            nl = (getattr(self, f"{field}_nl", None) or "").strip()
            en = (getattr(self, f"{field}_en", None) or "").strip()
            if bool(nl) != bool(en):
                missing[field] = "en" if nl else "nl"
        return missing


class localized_field:  # noqa: N801  (used like ``property``)
    """Read-only attribute ``obj.title`` == ``obj.t("title")``, for code that only displays.

    Queries and forms use the ``_nl``/``_en`` columns; templates that show the text next
    to other content should use ``localized()`` so it is marked with ``lang``.
    """

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return obj.t(self.name)

    def __set__(self, obj, value) -> None:
        raise AttributeError(
            f"{type(obj).__name__}.{self.name} is read-only: set {self.name}_nl or {self.name}_en"
        )


def sql_pick(model, field: str, reader: str | None = None):
    """A SQL expression for ``field`` in the reader's language, else the other language."""
    reader = reader or current_language()
    first = getattr(model, f"{field}_{reader}")
    second = getattr(model, f"{field}_{other_language(reader)}")
    return sa.func.coalesce(sa.func.nullif(first, ""), second)
