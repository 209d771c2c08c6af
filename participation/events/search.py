"""Finding events by words in Dutch or English, whatever the accents or capitals.

Each event keeps two folded texts (lowercase, accents removed): ``search_title`` (its titles
in both languages) and ``search_text`` (titles, summaries, descriptions, venue, topic names
and the titles of the actions it discusses). They are refreshed on every flush that changes
what they are made of, so SQLite and PostgreSQL search the same text with plain ``LIKE``;
on PostgreSQL a trigram (pg_trgm) GIN index keeps ``LIKE '%word%'`` fast at any size.
"""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from sqlalchemy.orm import Session

from participation.events.models import Event, Topic
from participation.policy.models import PolicyAction

MAX_WORDS = 8

_EVENT_FIELDS = ("title", "summary", "description")
_EVENT_SOURCES = {
    *(f"{f}_{lang}" for f in _EVENT_FIELDS for lang in ("nl", "en")),
    "venue_name", "topic_id", "topic", "actions",
}


def fold(text: str | None) -> str:
    """Lowercase, strip accents and squeeze spaces: "Éénmaal  Café" -> "eenmaal cafe"."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.split())


def query_words(q: str | None) -> list[str]:
    """Split a visitor's query into folded words to look for (all must match).

    A query of only punctuation is looked for as it is (it matches what contains it).
    """
    folded = fold(q or "")[:200]
    words = [w for w in re.split(r"[\W_]+", folded) if w]
    if not words and folded:
        words = [folded]
    return list(dict.fromkeys(words))[:MAX_WORDS]


def search_texts(event: Event) -> tuple[str, str]:
    """Return the event's folded (titles, everything searchable)."""
    titles = fold(" ".join(filter(None, (event.title_nl, event.title_en))))
    parts = [titles]
    for field in ("summary", "description"):
        parts += [getattr(event, f"{field}_nl"), getattr(event, f"{field}_en")]
    parts.append(event.venue_name)
    topic = event.topic
    if topic is None and event.topic_id is not None:
        topic = sa.inspect(event).session.get(Topic, event.topic_id)
    if topic is not None:
        parts += [topic.name_nl, topic.name_en]
    for action in event.actions:
        parts += [action.code, action.title_nl, action.title_en]
    return titles, fold(" ".join(p for p in parts if p))


def refresh(event: Event) -> None:
    """Recompute an event's search texts from what it says now."""
    event.search_title, event.search_text = search_texts(event)


def _changed(obj, names) -> bool:
    state = sa.inspect(obj)
    return any(
        name in state.attrs and state.attrs[name].history.has_changes() for name in names
    )


def before_flush(session: Session, flush_context, instances) -> None:
    """Refresh the search texts of events whose words (or their topic's or actions') changed."""
    stale: set = set()
    with session.no_autoflush:
        for obj in list(session.new):
            if isinstance(obj, Event):
                stale.add(obj)
        for obj in list(session.dirty):
            if isinstance(obj, Event) and _changed(obj, _EVENT_SOURCES):
                stale.add(obj)
            elif isinstance(obj, Topic) and _changed(obj, ("name_nl", "name_en")):
                stale.update(session.scalars(sa.select(Event).where(Event.topic_id == obj.id)))
            elif isinstance(obj, PolicyAction) and _changed(obj, ("title_nl", "title_en", "code")):
                stale.update(obj.events)
        for event in stale:
            refresh(event)


def install() -> None:
    """Keep search texts current in every session (create_app calls this)."""
    if not sa.event.contains(Session, "before_flush", before_flush):
        sa.event.listen(Session, "before_flush", before_flush)
