"""Template filters and globals: dates in Brussels time, Markdown, languages."""

from __future__ import annotations

from collections import ChainMap
from datetime import datetime
from functools import lru_cache

import nh3
from flask import Flask, request, url_for
from flask.templating import Environment as FlaskEnvironment
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _
from flask_login import current_user
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from participation.core.bilingual import Text, current_language, pick
from participation.core.formats import format_date, format_datetime, format_number, format_time
from participation.core.i18n import DEFAULT_LANGUAGE

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_ALLOWED_TAGS = {
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "h2", "h3", "h4", "blockquote",
    "code", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td",
}


def render_markdown(text: str | None) -> Markup:
    """Render Markdown to HTML that is safe to show: no scripts, no styles, safe links."""
    return _render_markdown(text or "")


@lru_cache(maxsize=512)
def _render_markdown(text: str) -> Markup:
    # A pure function of the text: event pages render the same descriptions again and again.
    html = _markdown.render(text)
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)


def event_when(starts_at: datetime, ends_at: datetime) -> str:
    """Format an event's time span in Brussels time for the current locale."""
    return _event_when(str(get_locale()), str(get_timezone()), starts_at, ends_at)


# Babel's formatting is the costliest part of an event card; the result depends only on
# the language, the time zone and the two datetimes, so it is kept (per process).
@lru_cache(maxsize=4096)
def _event_when(locale: str, timezone: str, starts_at: datetime, ends_at: datetime) -> str:
    same_day = format_date(starts_at, "yyyy-MM-dd") == format_date(ends_at, "yyyy-MM-dd")
    if same_day:
        return _(
            "%(date)s, %(start)s–%(end)s",
            date=format_date(starts_at, "full"),
            start=format_time(starts_at, "short"),
            end=format_time(ends_at, "short"),
        )
    return f"{format_datetime(starts_at, 'full')} – {format_datetime(ends_at, 'full')}"


def _as_text(obj, field: str | None) -> Text:
    if field is None:  # a Text already, or a (nl, en) pair
        return obj if isinstance(obj, Text) else pick(*obj)
    return obj.localized_text(field)


def lang_note(text: Text, block: bool = False) -> Markup:
    """Say, in the page's language, that a text is only there in the other language."""
    if not text.fallback:
        return Markup("")
    note = _("Only in Dutch") if text.lang == "nl" else _("Only in English")
    tag = "p" if block else "span"
    return Markup('<{0} class="lang-note">({1})</{0}>').format(tag, note)


def lang_attr(obj, field: str | None = None) -> Markup:
    """Return `` lang="xx"`` when the field's shown text is not in the page's language."""
    text = _as_text(obj, field)
    if not text or text.lang == current_language():
        return Markup("")
    return Markup(' lang="{}"').format(text.lang)


def localized(obj, field: str | None = None, *, markdown: bool = False,
              note: bool = True) -> Markup:
    """Show a bilingual field in the reader's language, or marked in the other one.

    ``obj`` is a ``Bilingual`` model with ``field``, or a ``Text`` / ``(nl, en)`` pair.
    Inline text is wrapped in ``<span lang>``, Markdown in ``<div lang>``, and followed by
    "(Only in Dutch)" / "(Enkel in het Engels)" unless ``note`` is false.
    """
    text = _as_text(obj, field)
    body = render_markdown(text.value) if markdown else escape(text.value)
    if not text or text.lang == current_language():
        return Markup(body)
    tag = "div" if markdown else "span"
    marked = Markup('<{0} lang="{1}">{2}</{0}>').format(tag, text.lang, body)
    if note and text.fallback:
        return marked + (Markup("\n") if markdown else Markup(" ")) + lang_note(text, markdown)
    return marked


def menu_roles() -> tuple[str, ...]:
    """What the menu depends on of the visitor: signed in or not, and their roles.

    The kept header is shared by everyone with the same answer (see ``base.html``).
    """
    user = current_user
    if not user.is_authenticated:
        return ()
    return ("signed-in", *sorted(str(role) for role in user.role_names))


def language_switch_url(language: str) -> str:
    """Link that switches the interface language and comes back to this page."""
    here = request.full_path if request.query_string else request.path
    return url_for("core.set_language", language=language, next=here)


def _format(formatter, value, fmt: str) -> str:
    if value is None:
        return formatter(value, fmt)
    return _formatted(formatter, str(get_locale()), str(get_timezone()), value, fmt)


@lru_cache(maxsize=4096)
def _formatted(formatter, locale: str, timezone: str, value, fmt: str) -> str:
    return formatter(value, fmt)


class _TemplateGlobals(ChainMap):
    """A template's globals whose ``keys()`` is a real set.

    Every ``{% from "..." import ... %}`` runs ``ctx.globals_keys - template.globals.keys()``
    while the page renders; against a ``ChainMap``'s key view that is a Python loop over every
    global (about 5% of a signed-in page, with three to six imports a page), against a set it
    is one C operation. The answer is the same: the keys of every map, as the view gives.
    """

    def keys(self):  # type: ignore[override]
        return set().union(*self.maps)


class Environment(FlaskEnvironment):
    """Flask's Jinja environment with :class:`_TemplateGlobals`."""

    def make_globals(self, d):
        return _TemplateGlobals(d or {}, self.globals)


def register(app: Flask) -> None:
    """Make the helpers available to every template."""
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["date"] = lambda value, fmt="medium": _format(format_date, value, fmt)
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": _format(
        format_datetime, value, fmt)
    app.jinja_env.filters["time"] = lambda value, fmt="short": _format(format_time, value, fmt)
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.globals["event_when"] = event_when
    app.jinja_env.globals["localized"] = localized
    app.jinja_env.globals["lang_attr"] = lang_attr
    app.jinja_env.globals["lang_note"] = lang_note
    app.jinja_env.globals["language_switch_url"] = language_switch_url
    app.jinja_env.globals["menu_roles"] = menu_roles
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or DEFAULT_LANGUAGE)
    app.jinja_env.add_extension("jinja2.ext.do")
    from participation.core import error_state

    error_state.register(app)
