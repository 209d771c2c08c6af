"""Which language a reader gets a bilingual text in (the kernel's half of bilingual content).

Models with ``<field>_nl`` / ``<field>_en`` columns use ``participation.localized.Bilingual``;
templates mark text with ``localized()`` and ``lang_attr()`` (``core.templating``).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import get_locale

from participation.core.i18n import DEFAULT_LANGUAGE


def current_language() -> str:
    """Return the language of the current request or mail: 'nl' or 'en'."""
    try:
        locale = get_locale()
    except Exception:  # outside a request and without a forced locale
        return DEFAULT_LANGUAGE
    return "en" if locale is not None and locale.language == "en" else DEFAULT_LANGUAGE


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
