"""Keeping spreadsheet cells inert: an export must never run a formula (CSV injection)."""

from __future__ import annotations

import re

#: A cell starting with one of these is read as a formula (or a hidden one) by spreadsheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: A formula start right after a character some spreadsheet may split cells on (a Belgian
#: Excel splits a comma-separated file on ";", whatever the quotes say).
_FORMULA_AFTER_SEPARATOR = re.compile(r"([,;\t\r\n])([=+\-@])")


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
