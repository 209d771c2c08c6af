"""An event's image: organisers upload one with alt text in the event's languages."""

from __future__ import annotations

from participation.audit.services import record
from participation.database import utcnow
from participation.events.models import Event, EventLanguage, Topic
from participation.images import services as images
from participation.images.models import Image


def alt_languages(event: Event) -> tuple[str, ...]:
    """Return the languages the alt text must be given in: those of the event."""
    return {EventLanguage.DUTCH: ("nl",), EventLanguage.ENGLISH: ("en",),
            EventLanguage.BILINGUAL: ("nl", "en")}[event.language]


def set_event_image(event: Event, data: bytes, alt: images.AltText, *, by) -> Image:
    """Give an event a new image (the old one is removed); calendars and feeds update."""
    old = event.image
    image = images.store_image(data, alt, alt_languages(event))
    event.image = image
    event.updated_at = utcnow()
    if old is not None:
        images.delete_image(old)
    record(by, "event.image", event, image=image.key)
    return image


def remove_event_image(event: Event, *, by) -> None:
    """Take the event's own image away: it shows its topic's image again."""
    if event.image is None:
        return
    old = event.image
    event.image = None
    event.updated_at = utcnow()
    images.delete_image(old)
    record(by, "event.image_remove", event)


def set_topic_image(topic: Topic, data: bytes, alt: images.AltText) -> Image:
    """Give a topic its default image, in Dutch and English alt text."""
    old = topic.image
    image = images.store_image(data, alt, ("nl", "en"))
    topic.image = image
    if old is not None:
        images.delete_image(old)
    return image
