"""Content the city and organisers write in Dutch, English or both.

A bilingual field is two columns, ``<field>_nl`` and ``<field>_en`` (see ``Bilingual``).
A reader gets their own language when it is there, otherwise the other one; wherever the
shown text is not in the page's language, it carries ``lang`` and a short note ("Only in
Dutch"), so screen readers pronounce it right (WCAG 3.1.2) and readers know why.

In templates::

    {{ localized(event, "title") }}                  {# text, <span lang> + note if fallback #}
    {{ localized(event, "description", markdown=True) }}   {# block: <div lang> + note #}
    <h1{{ lang_attr(event, "title") }}>{{ event.t("title") }}</h1>

In Python: ``event.t("title")`` (the text) and ``event.text("title")`` (text and language).
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

# The kernel's half (no models): re-exported, so ``participation.localized`` stays the one
# place to import from.
from participation.core.bilingual import (  # noqa: F401
    Text,
    current_language,
    other_language,
    pick,
)


class Bilingual:
    """Mixin for models with ``<field>_nl`` / ``<field>_en`` columns.

    ``BILINGUAL_FIELDS`` lists the fields a reader sees; ``missing_languages()`` tells
    organisers and staff which of them still lack a language.
    """

    BILINGUAL_FIELDS: tuple[str, ...] = ()

    def localized_text(self, field: str, reader: str | None = None) -> Text:
        """Return the field in the reader's language, else in the other, with its language.

        Named apart from ``text`` so that a model with a ``text`` column (an answer to a
        registration question) can still be bilingual.
        """
        return pick(getattr(self, f"{field}_nl", None), getattr(self, f"{field}_en", None),
                    reader)

    def text(self, field: str, reader: str | None = None) -> Text:
        """Short for ``localized_text``."""
        return self.localized_text(field, reader)

    def t(self, field: str, reader: str | None = None) -> str:
        """Return the field's text in the reader's language, else in the other language."""
        return self.localized_text(field, reader).value

    def missing_languages(self, fields: Iterable[str] | None = None) -> dict[str, str]:
        """Map each field written in only one language to the language it lacks."""
        missing = {}
        for field in fields or self.BILINGUAL_FIELDS:
            nl = (getattr(self, f"{field}_nl", None) or "").strip()
            en = (getattr(self, f"{field}_en", None) or "").strip()
            if bool(nl) != bool(en):
                missing[field] = "en" if nl else "nl"
        return missing


class localized_field:  # noqa: N801  (used like ``property``)
    """Read-only attribute ``obj.title`` == ``obj.t("title")``, for code that only displays.

    Queries and forms use the ``_nl``/``_en`` columns; templates that show the text next
    to other content should use ``localized()`` so it is marked with ``lang``.
    """

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return obj.t(self.name)

    def __set__(self, obj, value) -> None:
        raise AttributeError(
            f"{type(obj).__name__}.{self.name} is read-only: set {self.name}_nl or {self.name}_en"
        )


def sql_pick(model, field: str, reader: str | None = None):
    """A SQL expression for ``field`` in the reader's language, else the other language."""
    reader = reader or current_language()
    first = getattr(model, f"{field}_{reader}")
    second = getattr(model, f"{field}_{other_language(reader)}")
    return sa.func.coalesce(sa.func.nullif(first, ""), second)
