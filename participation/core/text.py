"""Rules for short, single-line text that ends up in mail headers and on public pages."""

from __future__ import annotations

import re

#: Control characters (CR and LF break mail headers) and the invisible bidirectional
#: controls that make a name or title read differently from what it holds (U+202E).
UNSAFE_IN_LINE = re.compile("[\x00-\x1f\x7f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def is_single_line(text: str | None) -> bool:
    """Tell whether ``text`` holds no line breaks, control or bidirectional characters."""
    return not UNSAFE_IN_LINE.search(text or "")


def one_line(text: str | None) -> str:
    """Return ``text`` with every unsafe character replaced by a space (for mail headers)."""
    return " ".join(UNSAFE_IN_LINE.sub(" ", text or "").split())


#: Characters a spreadsheet reads as the start of a formula: at the start of a cell, or right
#: after a character some spreadsheet splits cells on (``exports.cells`` neutralises them).
FORMULA_CHARACTERS = "=+-@"
#: Characters that start a hidden formula, at the start of a cell only.
FORMULA_ONLY_AT_START = "\t\r"
#: Characters some spreadsheet may split cells on (a Belgian Excel splits a comma-separated
#: file on ";", whatever the quotes say).
CELL_SEPARATORS = ",;\t\r\n"
