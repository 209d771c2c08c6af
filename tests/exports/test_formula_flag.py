"""The database flags the opinions whose text might run as a formula; exports written by
PostgreSQL neutralise only those, so a text left unflagged must need nothing."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from participation.exports import cells
from participation.extensions import db
from participation.feedback import models
from participation.feedback.models import Opinion

TEXTS = [
    "A good idea for Ghent.",
    "=HYPERLINK(\"http://x\")",
    "+32 9 123 45 67",
    "-5 degrees",
    "@everyone",
    "\tindented",
    "\rreturn first",
    "line one\n=SUM(A1)",
    "a;+b",
    "a, -b",
    "well-known",          # a hyphen inside a word: flagged (harmless), left as it is
    "mail me at x@y.be",
    "no formula here, none; at all\nreally",
    "tab\tinside",
    "café 🌍 — “quotes”",
]


def test_the_formula_characters_are_the_ones_exports_neutralise():
    # The flag's characters are the neutralisation's: a start character or one that may
    # follow a separator, and the hidden starts (tab, carriage return) only at the start.
    assert set(models.FORMULA_CHARACTERS) | set(models.FORMULA_ONLY_AT_START) == \
        set(cells.FORMULA_PREFIXES)
    after_separator = re.search(r"\(\[[^\]]*\]\)\(\[([^\]]*)\]\)",
                                cells._FORMULA_AFTER_SEPARATOR.pattern).group(1)
    assert set(after_separator.replace("\\", "")) == set(models.FORMULA_CHARACTERS)


def _flag(opinion_id: int) -> bool:
    return bool(db.session.scalar(
        sa.select(Opinion.body_may_be_formula).where(Opinion.id == opinion_id)))


def _expected(text: str) -> bool:
    return any(char in text for char in models.FORMULA_CHARACTERS) or \
        text[:1] in tuple(models.FORMULA_ONLY_AT_START)


@pytest.mark.parametrize("text", TEXTS)
def test_the_database_flags_a_text_when_it_is_written_and_when_it_changes(
    make_action, make_opinion, text
):
    action = make_action()
    opinion = make_opinion(action, body=text)
    assert _flag(opinion.id) is _expected(text)
    # An unflagged text is one neutralising leaves as it is.
    if not _flag(opinion.id):
        assert cells.neutralise_csv_cell(text) == text
    # Changed by a statement of its own (as an edit or a bulk update would), both ways.
    other = "plain words" if _expected(text) else "=1+1"
    db.session.execute(sa.update(Opinion).where(Opinion.id == opinion.id).values(body=other))
    assert _flag(opinion.id) is _expected(other)


def test_no_text_needing_neutralisation_goes_unflagged():
    # Every text made of the characters that matter, up to three long: the flag is set on
    # each one neutralising would change.
    alphabet = "a=+-@\t\r\n,;"
    texts = [a + b + c for a in alphabet for b in alphabet for c in ("", *alphabet)]
    for text in texts:
        if cells.neutralise_csv_cell(text) != text:
            assert _expected(text), repr(text)
