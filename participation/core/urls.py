"""Paths: where to send a visitor back to (only ever a path on this site), and the numbers a
route accepts."""

from __future__ import annotations

from urllib.parse import urlsplit

from werkzeug.routing import IntegerConverter, Map

from participation.core.pagination import LARGEST_ID


def safe_next(target: str | None, fallback: str) -> str:
    """Return a local path to go back to; anything pointing elsewhere becomes the fallback."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target or any(ord(c) < 32 for c in target):
        return fallback
    return target


class RowIdConverter(IntegerConverter):
    """``<int:...>`` in every route: a number a row's id (or an index, a width) can be.

    Werkzeug's own accepts any number of digits, and a number past the id column's range
    reached the database, which refused it: a server error instead of "not found". Here such
    a path matches no route (404).
    """

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002
                 max: int | None = LARGEST_ID, signed: bool = False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits, min, max, signed)
