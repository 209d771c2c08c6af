"""The Dutch and English catalogues hold every user-facing string, and are compiled."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.util import pathmatch

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "participation" / "translations"
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None, "lazy_ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%%")


def source_messages() -> dict[str, str]:
    """Extract every translatable string from the source tree, as `make translations` does."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict = {}
    paths = [p for top in ("participation", "templates") for p in (ROOT / top).rglob("*")]
    for path in sorted(paths):
        relative = path.relative_to(ROOT).as_posix()
        if not path.is_file() or "__pycache__" in relative:
            continue
        for pattern, method in method_map:
            if not pathmatch(pattern, relative):
                continue
            if method != "ignore":
                for _line, message, _comments, _context in extract_from_file(
                    method, str(path), keywords=KEYWORDS, options=options_map.get(pattern, {})
                ):
                    # A plural is filed under its singular, as catalogues do.
                    singular = message[0] if isinstance(message, tuple) else message
                    found.setdefault(singular, relative)
            break
    return found


def catalogue(language: str):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=language)


@pytest.fixture(scope="module")
def messages():
    found = source_messages()
    assert len(found) > 500, "the extraction found too few strings: is babel.cfg right?"
    return found


def test_every_user_facing_string_has_a_dutch_translation(messages):
    dutch = catalogue("nl")
    missing = []
    for message, where in messages.items():
        entry = dutch.get(message)
        strings = entry.string if entry is not None else None
        strings = strings if isinstance(strings, tuple | list) else (strings,)
        if entry is None or entry.fuzzy or not all(strings):
            missing.append(f"{where}: {message!r}")
    assert missing == [], (
        f"{len(missing)} string(s) have no (or only a fuzzy) Dutch translation. Run "
        "`make translations`, translate them in participation/translations/nl/LC_MESSAGES/"
        "messages.po, and run it again:\n" + "\n".join(missing[:50])
    )


def test_every_user_facing_string_is_in_the_english_catalogue(messages):
    english = catalogue("en")
    missing = [message for message in messages if english.get(message) is None]
    assert missing == []


@pytest.mark.parametrize("language", ["nl", "en"])
def test_translations_keep_every_placeholder(language):
    wrong = []
    for entry in catalogue(language):
        if not entry.id:
            continue
        sources = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple | list) else (entry.string,)
        expected = sorted(PLACEHOLDER.findall(sources[-1]))
        for text in strings:
            if text and sorted(PLACEHOLDER.findall(text)) != expected:
                wrong.append(f"{entry.id!r} -> {text!r}")
    assert wrong == []


@pytest.mark.parametrize("language", ["nl", "en"])
def test_compiled_catalogues_are_up_to_date_with_the_po_files(language):
    compiled = io.BytesIO()
    write_mo(compiled, catalogue(language))
    committed = (TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo").read_bytes()
    assert committed == compiled.getvalue(), (
        f"{language}/LC_MESSAGES/messages.mo is stale: run `make translations`"
    )


def test_no_catalogue_keeps_strings_that_are_gone_from_the_source(messages):
    for language in ("nl", "en"):
        obsolete = [
            entry.id for entry in catalogue(language)
            if entry.id and (entry.id[0] if entry.pluralizable else entry.id) not in messages
        ]
        assert obsolete == [], f"{language}: run `make translations` to drop {obsolete[:10]}"
