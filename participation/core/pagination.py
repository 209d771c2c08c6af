"""One page of a long list, and reading the page number (or a row's id) a visitor asked for."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

#: Past this page a visitor (or a crawler) is guessing; the query would only get slower.
LAST_PAGE = 10_000


@dataclass
class Page:
    """One page of results."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def page_number(args: Mapping) -> int:
    """Read the page number from query arguments; anything odd means the first page."""
    try:
        return min(max(int(args.get("page", 1)), 1), LAST_PAGE)
    except (TypeError, ValueError):
        return 1


#: The largest id a row can have (an ``integer`` column); a larger number names no row, and
#: PostgreSQL refuses to compare one with an id.
LARGEST_ID = 2**31 - 1


def id_from(text) -> int | None:
    """A row's id from what a visitor sent: ASCII digits naming a possible id, else None.

    ``str.isdigit`` also accepts digits ``int`` cannot read ("²") and numbers no row can
    have: either turned a filter into a server error.
    """
    if isinstance(text, str) and 0 < len(text) <= 10 and text.isascii() and text.isdigit():
        number = int(text)
        if 0 < number <= LARGEST_ID:
            return number
    return None


def ids_from(texts) -> list[int]:
    """The ids among what a visitor sent (see ``id_from``); the rest is ignored."""
    return [number for text in texts if (number := id_from(text)) is not None]
