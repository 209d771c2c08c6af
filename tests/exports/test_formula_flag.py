"""The database flags the opinions whose text might run as a formula; exports written by
PostgreSQL neutralise only those, so a text left unflagged must need nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from participation.core.text import FORMULA_CHARACTERS, FORMULA_ONLY_AT_START
from participation.exports import cells
from participation.extensions import db
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


def _flag(opinion_id: int) -> bool:
    return bool(db.session.scalar(
        sa.select(Opinion.body_may_be_formula).where(Opinion.id == opinion_id)))


def _expected(text: str) -> bool:
    return any(char in text for char in FORMULA_CHARACTERS) or \
        text[:1] in tuple(FORMULA_ONLY_AT_START)


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
