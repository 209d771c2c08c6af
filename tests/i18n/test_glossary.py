"""The Dutch catalogue uses the glossary's words (docs/glossary.md), not the ones it rules out."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "docs" / "glossary.md"
DUTCH = ROOT / "participation" / "translations" / "nl" / "LC_MESSAGES" / "messages.po"


def ruled_out() -> dict[str, str]:
    """Map each word the glossary rules out in Dutch to the word to say instead."""
    words = {}
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in ("concept", "---"):
            continue
        for word in filter(None, (w.strip() for w in cells[3].split(","))):
            words[word] = cells[2]
    return words


def dutch_translations() -> list[tuple[str, str]]:
    with DUTCH.open("rb") as handle:
        catalogue = read_po(handle)
    found = []
    for message in catalogue:
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        found += [(source, text) for text in strings if text]
    return found


def test_the_glossary_rules_out_the_words_the_dutch_audit_found():
    words = ruled_out()
    for word in ("activiteit", "feedback", "update", "handeling", "karakters", "trechter",
                 "gegevenswoordenboek", "schuin", "vroeger gesloten"):
        assert word in words


def test_no_dutch_translation_uses_a_word_the_glossary_rules_out():
    words = ruled_out()
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, words)) + r")(?!_)",
                         re.IGNORECASE)
    found = [f"{source!r}: {text!r} (say: {words[match.group(1).lower()]})"
             for source, text in dutch_translations()
             for match in [pattern.search(text)] if match]
    assert not found, "\n".join(found)
