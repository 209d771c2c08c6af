"""schema.org Event descriptions for search engines."""

from __future__ import annotations

from participation.events.models import Event, EventStatus
from participation.localized import Text, current_language


def _value(text: Text) -> str | dict:
    """A string in the document's language, or a value tagged with its own language."""
    if text.lang == current_language():
        return text.value
    return {"@value": text.value, "@language": text.lang}


def event_json_ld(event: Event, url: str) -> dict:
    """Describe the event as schema.org JSON-LD.

    Strings are in the page's language (the context's ``@language``); a text only written
    in the other language carries its own ``@language``. ``inLanguage`` is the language
    spoken at the event.
    """
    data: dict = {
        "@context": ["https://schema.org", {"@language": current_language()}],
        "@type": "Event",
        "name": _value(event.text("title")),
        "description": _value(event.text("summary")),
        "startDate": event.starts_at.isoformat(),
        "endDate": event.ends_at.isoformat(),
        "url": url,
        "inLanguage": {"nl": "nl", "en": "en", "nl_en": ["nl", "en"]}[event.language.value],
        "eventStatus": "https://schema.org/EventCancelled"
        if event.status == EventStatus.CANCELLED
        else "https://schema.org/EventScheduled",
        "organizer": _organizer(event),
        "isAccessibleForFree": True,
    }
    if event.is_online:
        data["eventAttendanceMode"] = "https://schema.org/OnlineEventAttendanceMode"
        # The link itself goes only to confirmed registrants: the page it is on is public.
        data["location"] = {"@type": "VirtualLocation", "url": url}
    else:
        data["eventAttendanceMode"] = (
            "https://schema.org/MixedEventAttendanceMode"
            if event.online_url
            else "https://schema.org/OfflineEventAttendanceMode"
        )
        data["location"] = {
            "@type": "Place",
            "name": event.venue_name or "",
            "address": event.address or "",
        }
        venue = event.venue
        if venue is not None and venue.has_coordinates:
            data["location"]["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": venue.latitude,
                "longitude": venue.longitude,
            }
    if event.capacity is not None:
        data["maximumAttendeeCapacity"] = event.capacity
        data["remainingAttendeeCapacity"] = event.places_left
    return data


def _organizer(event: Event) -> dict:
    organizer = {"@type": "GovernmentOrganization", "name": event.t("contact_service") or
                 "Stad Gent", "url": "https://stad.gent"}
    if event.contact_email:
        organizer["email"] = event.contact_email
    if event.contact_phone:
        organizer["telephone"] = event.contact_phone
    return organizer


def share_tags(event: Event, url: str, image_url: str | None, site_name: str,
               language: str) -> list[tuple[str, str]]:
    """Open Graph and Twitter card tags, so a shared link shows a preview."""
    tags = [
        ("og:type", "website"),
        ("og:site_name", site_name),
        ("og:locale", "en_GB" if language == "en" else "nl_BE"),
        ("og:title", event.title),
        ("og:description", event.summary),
        ("og:url", url),
        ("twitter:card", "summary_large_image" if image_url else "summary"),
        ("twitter:title", event.title),
        ("twitter:description", event.summary),
    ]
    image = event.picture
    if image_url and image is not None:
        width = image.width_list[-1]
        tags += [
            ("og:image", image_url),
            ("og:image:type", "image/jpeg"),
            ("og:image:width", str(width)),
            ("og:image:height", str(image.height_at(width))),
            ("og:image:alt", image.t("alt")),
            ("twitter:image", image_url),
            ("twitter:image:alt", image.t("alt")),
        ]
    return tags
