"""Keeping spreadsheet cells inert: an export must never run a formula (CSV injection)."""

from __future__ import annotations

import re

from participation.core.text import CELL_SEPARATORS, FORMULA_CHARACTERS, FORMULA_ONLY_AT_START

#: A cell starting with one of these is read as a formula (or a hidden one) by spreadsheets.
FORMULA_PREFIXES = tuple(FORMULA_CHARACTERS + FORMULA_ONLY_AT_START)

#: A formula start right after a character some spreadsheet may split cells on.
_FORMULA_AFTER_SEPARATOR = re.compile(
    f"([{re.escape(CELL_SEPARATORS)}])([{re.escape(FORMULA_CHARACTERS)}])")


def neutralise_cell(value):
    """Return the value, with a single quote put before text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_csv_cell(value):
    """Neutralise a CSV cell at its start and after every separator inside it."""
    value = neutralise_cell(value)
    if isinstance(value, str):
        return _FORMULA_AFTER_SEPARATOR.sub(r"\1'\2", value)
    return value
