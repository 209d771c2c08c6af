"""Keeping spreadsheet cells inert: an export must never run a formula (CSV injection)."""

from __future__ import annotations

#: A cell starting with one of these is read as a formula (or a hidden one) by spreadsheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    """Return the value, with a single quote put before text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
