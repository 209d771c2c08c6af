"""RFC 5545 calendars for one event and for feeds of events."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import timedelta
from urllib.parse import urlsplit

import icalendar
from flask import current_app
from flask_babel import gettext as _

from participation.core.i18n import BRUSSELS
from participation.database import utcnow
from participation.events.models import Event, EventStatus


def _host() -> str:
    return urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "localhost"


def event_uid(event: Event) -> str:
    """Return the event's stable calendar UID (never changes when the event is edited)."""
    return f"event-{event.id}@{_host()}"


@functools.cache
def _vtimezone() -> icalendar.Timezone:
    # Building it from the tz database is slow (~10 ms) and its content never changes.
    return icalendar.Timezone.from_tzid("Europe/Brussels")


def event_component(event: Event, url: str, method_cancel: bool = False,
                    reader: str | None = None,
                    with_online_link: bool = False) -> icalendar.Event:
    """Build the VEVENT of one event, with times in Europe/Brussels.

    Texts are in the reader's language (the request's, unless given) or else the other one;
    LANGUAGE says which. The online link goes in only for a confirmed registrant's own
    calendar (``with_online_link``): public calendars say "Online" and point to the event page.
    """
    vevent = icalendar.Event()
    vevent.add("uid", event_uid(event))
    vevent.add("dtstamp", utcnow())
    vevent.add("dtstart", event.starts_at.astimezone(BRUSSELS))
    vevent.add("dtend", event.ends_at.astimezone(BRUSSELS))
    title, summary = event.text("title", reader), event.text("summary", reader)
    vevent.add("summary", title.value, parameters={"LANGUAGE": title.lang})
    vevent.add("description", f"{summary.value}\n\n{url}",
               parameters={"LANGUAGE": summary.lang})
    vevent.add("url", url)
    online = event.online_url if with_online_link else (_("Online") if event.online_url else None)
    location = ", ".join(p for p in (event.venue_name, event.address) if p) or online
    if location:
        vevent.add("location", location)
    vevent.add("last-modified", event.updated_at)
    # SEQUENCE must grow when the event changes, so calendars replace their copy.
    vevent.add("sequence", int(event.updated_at.timestamp()) // 60 % 2_000_000_000)
    cancelled = event.status == EventStatus.CANCELLED or method_cancel
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return vevent


def _calendar(name: str, method: str = "PUBLISH") -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Stad Gent//Participatie//NL")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Brussels")
    cal.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    cal.add_component(_vtimezone())
    return cal


def event_calendar(event: Event, url: str, reader: str | None = None,
                   with_online_link: bool = False) -> bytes:
    """Return a .ics file holding one event (its texts in ``reader``'s language if given; with
    its online link only for a registrant)."""
    cal = _calendar(event.t("title", reader))
    cal.add_component(event_component(event, url, reader=reader,
                                      with_online_link=with_online_link))
    return cal.to_ical()


def feed_calendar(name: str, events: Iterable[Event], url_for_event) -> bytes:
    """Return a subscribable .ics feed of many events."""
    cal = _calendar(name)
    for event in events:
        cal.add_component(event_component(event, url_for_event(event)))
    return cal.to_ical()
