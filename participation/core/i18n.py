"""The languages of the interface and the time zone of the city: one definition each.

``config.LANGUAGES`` is this tuple; compare with these names rather than writing
``("nl", "en")`` or ``ZoneInfo("Europe/Brussels")`` again.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

#: Languages of the interface, mails and content, the default first.
LANGUAGES: tuple[str, ...] = ("nl", "en")
#: The language of the city, used when nothing else says which one to speak.
DEFAULT_LANGUAGE = "nl"
#: How each language writes dates, times and numbers: as in Belgium (30/11/2026, 24-hour
#: times), not Babel's defaults for "nl" (the Netherlands) and "en" (the United States).
FORMAT_LOCALES: dict[str, str] = {"nl": "nl_BE", "en": "en_GB"}

#: Times are stored in UTC and shown (and entered) in the city's time.
BRUSSELS = ZoneInfo("Europe/Brussels")


def supported_language(language: str | None) -> str:
    """Return ``language`` when the platform speaks it, otherwise the default language."""
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def brussels_day_start(day: date) -> datetime:
    """Return midnight at the start of a Brussels calendar day, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=BRUSSELS)
