"""Dates, times and numbers written the way Belgian readers expect, in both languages.

The interface languages are plain "nl" and "en", whose Babel defaults are the Netherlands'
(30-11-2026) and the United States' (11/30/26, 9:38 AM). Ghent's readers expect 30/11/2026
and 24-hour times, so everything is formatted in the language's regional locale
(``core.i18n.FORMAT_LOCALES``: nl_BE and en_GB), in the city's time zone. These replace
Flask-Babel's formatters of the same names.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from babel import Locale, dates, numbers
from flask_babel import get_timezone

from participation.core.bilingual import current_language
from participation.core.i18n import BRUSSELS, FORMAT_LOCALES, supported_language


def format_locale(language: str | None = None) -> Locale:
    """Return the regional locale that formats for a language (the current one by default)."""
    return Locale.parse(FORMAT_LOCALES[supported_language(language or current_language())])


def _zone():
    try:
        return get_timezone()
    except Exception:  # outside an application context
        return BRUSSELS


def format_date(value: date | datetime | None = None, fmt: str = "medium") -> str:
    """Format a day ("30/11/2026" short, "30 November 2026" long in English)."""
    if isinstance(value, datetime):
        # Naive datetimes are UTC, as everywhere in the platform.
        value = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(_zone())
    return dates.format_date(value, fmt, locale=format_locale())


def format_datetime(value: datetime | None = None, fmt: str = "medium") -> str:
    """Format a moment in the city's time ("30/11/2026 10:38" short in both languages)."""
    return dates.format_datetime(value, fmt, tzinfo=_zone(), locale=format_locale())


def format_time(value: time | datetime | None = None, fmt: str = "short") -> str:
    """Format a time of day on the 24-hour clock, in the city's time for a moment."""
    return dates.format_time(value, fmt, tzinfo=_zone(), locale=format_locale())


def format_number(number: int | float) -> str:
    """Format a number with the language's separators (6.500 in Dutch, 6,500 in English)."""
    return numbers.format_decimal(number, locale=format_locale())
