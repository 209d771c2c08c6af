"""WCAG 3.1.2 (language of parts): walk the public pages in both languages; content in the
other language must carry ``lang``.

Every Dutch text in the data holds the word ``ZXNL`` and every English text ``ZXEN``, so
the walk can tell which language a piece of text is in. Content in both languages, content
in one language only (shown as the fallback) and the spoken language of events are all
present. Document metadata (``<title>``, ``<meta>``) and script data (JSON-LD, tested in
test_bilingual_content) are not content passages and are left out.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from participation.events.models import EventLanguage
from participation.extensions import db

MARK = {"nl": "ZXNL", "en": "ZXEN"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
SKIPPED_ELEMENTS = {"title", "script", "style"}
#: Public pages only; everything that needs an account, a token or is not HTML is left out.
PUBLIC_PREFIXES = ("/events", "/actions", "/priorities", "/privacy", "/accessibility")
MAX_PAGES = 40


class LanguageOfParts(HTMLParser):
    """Collect text and attribute values whose language marker differs from their ``lang``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []
        self.problems: list[str] = []
        self.links: list[str] = []
        self.skipping = 0

    def lang(self) -> str | None:
        return next((lang for _tag, lang in reversed(self.stack) if lang), None)

    def check(self, text: str, lang: str | None, where: str) -> None:
        for language, marker in MARK.items():
            if marker in text and lang != language:
                self.problems.append(f"{where}: {text.strip()[:80]!r} is {language}, "
                                     f"marked {lang}")

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        lang = attrs.get("lang") or self.lang()
        if tag in SKIPPED_ELEMENTS:
            self.skipping += 1
        elif tag != "meta":
            for name in ("title", "aria-label", "alt", "placeholder", "value"):
                if attrs.get(name):
                    self.check(attrs[name], lang, f"<{tag} {name}>")
        if tag not in VOID:
            self.stack.append((tag, attrs.get("lang")))

    def handle_endtag(self, tag):
        if tag in SKIPPED_ELEMENTS:
            self.skipping -= 1
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.check(data, self.lang(), f"<{self.stack[-1][0] if self.stack else '?'}>")


@pytest.fixture
def both_languages_and_each_alone(make_event, make_topic, make_action):
    """Bilingual content, Dutch-only content and English-only content, on every kind of page."""
    topic = make_topic(name_nl="Klimaat ZXNL", name_en="Climate ZXEN",
                       description_nl="Over klimaat ZXNL", description_en="About climate ZXEN")
    both = make_action(title_nl="Bomen planten ZXNL", title_en="Planting trees ZXEN",
                       summary_nl="Meer bomen ZXNL", summary_en="More trees ZXEN")
    dutch_only = make_action(title_nl="Fietsstraten ZXNL", title_en=None,
                             summary_nl="Meer fietsstraten ZXNL", summary_en=None)
    both.priority.title_nl, both.priority.title_en = "Klimaatneutraal ZXNL", "Climate neutral ZXEN"
    both.priority.summary_nl, both.priority.summary_en = "Tegen 2050 ZXNL", "By 2050 ZXEN"
    dutch_only.priority.title_nl, dutch_only.priority.title_en = "Jeugd ZXNL", None
    dutch_only.priority.summary_nl, dutch_only.priority.summary_en = "Jongeren ZXNL", None
    for document in {both.priority.document, dutch_only.priority.document}:
        document.title_nl, document.title_en = "Beleidsnota ZXNL", "Policy note ZXEN"
        document.issuer_nl, document.issuer_en = "Stad Gent ZXNL", "City of Ghent ZXEN"
        document.summary_nl, document.summary_en = "Samenvatting ZXNL", None
    texts = {}
    for field in ("title", "summary", "description", "public_transport", "bike",
                  "accessibility_notes"):
        texts[field] = (f"{field} nl ZXNL", f"{field} en ZXEN")
    make_event(slug="both", topic=topic, actions=[both, dutch_only],
               language=EventLanguage.BILINGUAL,
               **{f"{f}_{lang}": v for f, (nl, en) in texts.items()
                  for lang, v in (("nl", nl), ("en", en))})
    make_event(slug="dutch-only", topic=topic, actions=[dutch_only],
               **{f"{f}_nl": nl for f, (nl, _en) in texts.items()})
    make_event(slug="english-only", topic=topic, language=EventLanguage.ENGLISH,
               **{f"{f}_en": en for f, (_nl, en) in texts.items()})
    db.session.commit()


def walk(client, language: str) -> tuple[list[str], int]:
    """Visit the public pages reachable from the home page; return problems and page count."""
    seen, queue, problems = set(), ["/", "/events", "/priorities", "/events?q=zxnl+zxen"], []
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path, headers={"Accept-Language": language})
        assert response.status_code == 200, (path, response.status_code)
        parser = LanguageOfParts()
        parser.feed(response.get_data(as_text=True))
        problems += [f"{path} ({language}) {p}" for p in parser.problems]
        for href in parser.links:
            target = urlsplit(href)
            if target.netloc or not target.path.startswith(PUBLIC_PREFIXES):
                continue
            # Calendar files and Atom feeds are not HTML pages.
            if target.path.endswith((".ics", ".atom")) or "/language/" in target.path:
                continue
            queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return problems, len(seen)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_public_pages_mark_every_text_in_the_other_language(
    client, both_languages_and_each_alone, language
):
    problems, pages = walk(client, language)
    assert pages >= 10, "the walk should reach the event, action and priority pages"
    assert problems == []
