"""One page of a long list, and reading the page number a visitor asked for."""

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
