"""RFC 5545 calendars for one event and for feeds of events."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode, urlsplit

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
    location = event_location(event, with_online_link=with_online_link)
    if location:
        vevent.add("location", location)
    if event.venue is not None and event.venue.has_coordinates:
        vevent.add("geo", (event.venue.latitude, event.venue.longitude))
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
    # RFC 7986 REFRESH-INTERVAL, and the older X-PUBLISHED-TTL that Outlook and Apple read:
    # both as durations (PT6H), not as Python's "6:00:00".
    cal.add("refresh-interval", icalendar.vDuration(timedelta(hours=6)),
            parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", icalendar.vDuration(timedelta(hours=6)))
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


def event_location(event: Event, with_online_link: bool = False) -> str:
    """Say where the event is, in one line: venue and address, else "Online".

    The online link itself only for a confirmed registrant's own calendar
    (``with_online_link``): it is never public (Atom feeds, add-to-calendar links).
    """
    place = ", ".join(p for p in (event.venue_name, event.address) if p)
    if place or not event.online_url:
        return place
    return event.online_url if with_online_link else _("Online")


def _utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def google_calendar_url(event: Event, url: str) -> str:
    """Return the link that opens Google Calendar with the event filled in."""
    query = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": f"{_utc_stamp(event.starts_at)}/{_utc_stamp(event.ends_at)}",
        "details": f"{event.summary}\n\n{url}",
        "location": event_location(event),
        "ctz": "Europe/Brussels",
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def outlook_calendar_url(event: Event, url: str) -> str:
    """Return the link that opens Outlook on the web with the event filled in."""
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event.title,
        "startdt": event.starts_at.astimezone(UTC).isoformat(timespec="seconds"),
        "enddt": event.ends_at.astimezone(UTC).isoformat(timespec="seconds"),
        "body": f"{event.summary}\n\n{url}",
        "location": event_location(event),
    }
    return "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(query)


def webcal_url(url: str) -> str:
    """Turn a feed's http(s) address into a ``webcal://`` one that calendars subscribe to."""
    scheme, _, rest = url.partition("://")
    return f"webcal://{rest}" if scheme in ("http", "https") else url


def add_to_calendar_links(event: Event, url: str, ics_url: str) -> dict[str, str]:
    """Return the add-to-calendar links: Google, Outlook and the .ics file (Apple and others)."""
    return {
        "google": google_calendar_url(event, url),
        "outlook": outlook_calendar_url(event, url),
        "ics": ics_url,
    }
