"""Atom (RFC 4287) feeds: a small writer shared by the event and action feeds."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_MIMETYPE = "application/atom+xml"
# Characters XML 1.0 cannot hold: drop them rather than write an invalid feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Entry:
    """One entry of a feed."""

    #: Stable identifier (never changes when the item is edited).
    id: str
    title: str
    link: str
    updated: datetime
    summary: str
    published: datetime | None = None


def tag_uri(base_url: str, kind: str, key: object, year: int = 2024) -> str:
    """Return a stable ``tag:`` URI (RFC 4151) for an item of the platform."""
    host = urlsplit(base_url).hostname or "localhost"
    return f"tag:{host},{year}:{kind}/{key}"


def _text(value: str) -> str:
    return _NOT_XML.sub("", value or "")


def _stamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def feed(
    *,
    feed_id: str,
    title: str,
    self_url: str,
    page_url: str,
    language: str,
    entries: Iterable[Entry],
    fallback_updated: datetime,
    author: str,
) -> bytes:
    """Write an Atom feed as UTF-8 bytes."""
    entries = list(entries)
    root = ET.Element("feed", {"xmlns": ATOM_NS, "xml:lang": language})
    ET.SubElement(root, "id").text = feed_id
    ET.SubElement(root, "title").text = _text(title)
    updated = max((e.updated for e in entries), default=fallback_updated)
    ET.SubElement(root, "updated").text = _stamp(updated)
    ET.SubElement(root, "link", {"rel": "self", "type": ATOM_MIMETYPE, "href": self_url})
    ET.SubElement(root, "link", {"rel": "alternate", "type": "text/html", "href": page_url})
    ET.SubElement(ET.SubElement(root, "author"), "name").text = _text(author)
    for entry in entries:
        node = ET.SubElement(root, "entry")
        ET.SubElement(node, "id").text = entry.id
        ET.SubElement(node, "title").text = _text(entry.title)
        ET.SubElement(node, "link", {"rel": "alternate", "type": "text/html", "href": entry.link})
        ET.SubElement(node, "updated").text = _stamp(entry.updated)
        if entry.published is not None:
            ET.SubElement(node, "published").text = _stamp(entry.published)
        ET.SubElement(node, "summary", {"type": "text"}).text = _text(entry.summary)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8",
                                                                     xml_declaration=False)
