"""Exports of residents' opinions for policy staff: every opinion, and a summary per action."""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from participation.accounts.models import User
from participation.core.i18n import brussels_day_start
from participation.events.models import Event
from participation.exports import copy
from participation.exports.writers import Column, Sheet
from participation.extensions import db
from participation.feedback.models import Opinion, OpinionStatus, OpinionTheme, Stance, Theme
from participation.feedback.small_groups import (
    SMALL_GROUP_LABEL,
    shown_count,
    shown_value,
    small_groups,
)
from participation.localized import sql_pick
from participation.policy.models import PolicyAction, Priority

#: Rows fetched from the database at a time (server-side cursor on PostgreSQL).
YIELD_PER = 1000

OPINION_COLUMNS = [
    Column("action_code", _l("Code of the policy action, e.g. A07")),
    Column("action_title", _l("Title of the policy action, in the language of the export")),
    Column("priority", _l("Priority (or chapter) the action belongs to, as its short name")),
    Column("event", _l("Short name of the event the opinion came from, if any")),
    Column("event_title", _l("Title of that event")),
    Column("stance", _l("support, mixed or oppose")),
    Column("text", _l("The opinion as written (plain text)")),
    Column("language", _l("Language the author used the platform in: nl or en")),
    Column("created_at", _l("When the opinion was first given, in UTC (ISO 8601)")),
    Column("source", _l("online; after_event (given online by someone checked in at the event); "
                        "at_event (recorded by an organiser at the event, not tied to a person)")),
    Column("status", _l("published, or hidden by a moderator")),
    Column("hidden_reason", _l("Why a moderator hid the opinion")),
    Column("themes", _l("Themes policy staff coded the opinion with, in the language of the "
                        "export, separated by a semicolon")),
    Column("author_pseudonym", _l("Pseudonym of the author in this export (a keyed hash, not "
                                  "reversible): the same person has the same pseudonym on every "
                                  "row of one export and another one in the next export; empty "
                                  "for feedback recorded at an event")),
    Column("postcode", _l("Postcode (district of Ghent) the author gave with consent, if any; "
                          "<5 when fewer than 5 authors in the export share it (exact only in "
                          "admin exports)")),
    Column("age_band", _l("Age band the author gave with consent, if any; <5 when fewer than 5 "
                          "authors in the export share it (exact only in admin exports)")),
    Column("author_name", _l("Author's name (personal data)"), personal=True),
    Column("author_email", _l("Author's e-mail address (personal data)"), personal=True),
]

SUMMARY_COLUMNS = [
    Column("action_code", _l("Code of the policy action")),
    Column("action_title", _l("Title of the policy action, in the language of the export")),
    Column("breakdown", _l("What the counts are grouped by: total, stance, postcode, age_band or "
                           "theme")),
    Column("group", _l("The group: a stance, a postcode, an age band (unknown when not given), "
                       "or a theme staff coded opinions with (in the language of the export; an "
                       "opinion counts in each of its themes)")),
    Column("opinions", _l("Number of opinions in the group; groups of fewer than 5 are shown as "
                          "<5 so nobody can be singled out (exact only in admin exports)")),
]


@dataclass
class OpinionFilter:
    """What staff asked to export; empty fields do not filter."""

    priority: str | None = None
    action: str | None = None
    event: str | None = None
    stance: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    status: str | None = None

    def as_dict(self) -> dict:
        """Describe the filter for the audit log."""
        return {k: (v.isoformat() if isinstance(v, date) else v)
                for k, v in asdict(self).items() if v not in (None, "")}


def columns_for(columns: list[Column], personal: bool) -> list[Column]:
    """Return the columns an export has: personal ones only when allowed."""
    return [c for c in columns if personal or not c.personal]


def _filtered(query: sa.Select, flt: OpinionFilter) -> sa.Select:
    if flt.priority:
        query = query.where(Priority.slug == flt.priority)
    if flt.action:
        query = query.where(PolicyAction.code == flt.action.upper())
    if flt.event:
        events = sa.select(Event.id).where(Event.slug == flt.event)
        query = query.where(Opinion.event_id.in_(events))
    if flt.stance:
        query = query.where(Opinion.stance == Stance(flt.stance))
    if flt.status:
        query = query.where(Opinion.status == OpinionStatus(flt.status))
    if flt.date_from:
        query = query.where(Opinion.created_at >= brussels_day_start(flt.date_from))
    if flt.date_to:
        query = query.where(
            Opinion.created_at < brussels_day_start(flt.date_to + timedelta(days=1))
        )
    return query


def export_salt() -> str:
    """A fresh secret for one export's pseudonyms (from the app's key and a random part).

    A pseudonym stable across exports would let someone join a narrow export (one row,
    demographics suppressed) to a wide one.
    """
    secret = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(secret, b"participation:export:author-pseudonym:" + os.urandom(16),
                    hashlib.sha256).hexdigest()


def pseudonym_of(salt: str, user_id: int) -> str:
    """An author's pseudonym in one export: SHA-256 of the export's secret and the id, cut.

    ``copy.pseudonym_cell`` computes the same in SQL.
    """
    return hashlib.sha256(f"{salt}{user_id}".encode("ascii")).hexdigest()[:16]


def pseudonymiser(salt: str | None = None):
    """Return a function giving each user id its pseudonym for one export."""
    salt = salt or export_salt()
    known: dict[int, str] = {}

    def pseudonym(user_id: int | None) -> str | None:
        if user_id is None:
            return None
        # One author often has several opinions: compute each pseudonym once per export.
        found = known.get(user_id)
        if found is None:
            found = pseudonym_of(salt, user_id)
            if len(known) < 100_000:
                known[user_id] = found
        return found

    return pseudonym


def _title(language: str):
    return sql_pick(PolicyAction, "title", language)


def _theme_name(language: str):
    return sql_pick(Theme, "name", language)


def _themes_per_opinion(language: str):
    """One row per coded opinion: its id and its theme names joined by a semicolon."""
    return (
        sa.select(OpinionTheme.opinion_id.label("opinion_id"),
                  sa.func.aggregate_strings(_theme_name(language), "; ").label("names"))
        .join(Theme, Theme.id == OpinionTheme.theme_id)
        .group_by(OpinionTheme.opinion_id)
        .subquery("opinion_themes_joined")
    )


def _filtered_opinions(flt: OpinionFilter) -> sa.Select:
    """Select the opinions under the filter (with the joins the filter may need).

    Only a filter on the priority or the action joins them: every opinion has its action
    (a foreign key that cannot be NULL), and without the joins the small groups are
    counted from an index alone (``ix_opinions_postcode_people``).
    """
    return _filtered(_joined_for(sa.select(Opinion.id).select_from(Opinion), flt), flt)


def _joined_for(query: sa.Select, flt: OpinionFilter) -> sa.Select:
    """The opinions query joined to their actions and priorities when the filter names one."""
    if flt.priority or flt.action:
        query = (query.join(PolicyAction, PolicyAction.id == Opinion.action_id)
                 .join(Priority, Priority.id == PolicyAction.priority_id))
    return query


def _small(flt: OpinionFilter, personal: bool) -> tuple[set, set]:
    """Postcodes and age bands fewer than 5 authors share (none in admin exports)."""
    if personal:
        return set(), set()
    opinions = _filtered_opinions(flt)
    return small_groups(opinions, Opinion.postcode), small_groups(opinions, Opinion.age_band)


def opinion_rows(flt: OpinionFilter, personal: bool, language: str = "nl",
                 salt: str | None = None) -> Iterator[dict]:
    """Yield one dict per opinion matching the filter, streamed from the database.

    Outside admin exports, a postcode or age band fewer than 5 authors share under this
    filter shows as "<5", the way the summary shows small groups.
    """
    pseudonym = pseudonymiser(salt)
    small_postcodes, small_age_bands = _small(flt, personal)
    themes = _themes_per_opinion(language)
    selected = [
        Opinion.id, Opinion.user_id, PolicyAction.code, _title(language).label("action_title"),
        Priority.slug.label("priority"), Event.slug.label("event"),
        sql_pick(Event, "title", language).label("event_title"), Opinion.stance, Opinion.body,
        Opinion.locale, Opinion.created_at, Opinion.source, Opinion.status,
        Opinion.hidden_reason, Opinion.postcode, Opinion.age_band,
        themes.c.names.label("themes"),
    ]
    if personal:
        selected += [User.name.label("author_name"), User.email.label("author_email")]
    query = (
        sa.select(*selected)
        .select_from(Opinion)
        .join(PolicyAction, PolicyAction.id == Opinion.action_id)
        .join(Priority, Priority.id == PolicyAction.priority_id)
        .outerjoin(Event, Event.id == Opinion.event_id)
        .outerjoin(themes, themes.c.opinion_id == Opinion.id)
    )
    if personal:
        query = query.outerjoin(User, User.id == Opinion.user_id)
    query = _filtered(query, flt).order_by(Opinion.id)
    result = db.session.execute(
        query.execution_options(stream_results=True, yield_per=YIELD_PER)
    )
    try:
        for row in result:
            item = {
                "action_code": row.code,
                "action_title": row.action_title,
                "priority": row.priority,
                "event": row.event,
                "event_title": row.event_title,
                "stance": row.stance,
                "text": row.body,
                "language": row.locale,
                "created_at": row.created_at,
                "source": row.source,
                "status": row.status,
                "hidden_reason": row.hidden_reason,
                "themes": row.themes,
                "author_pseudonym": pseudonym(row.user_id),
                "postcode": shown_value(row.postcode, small_postcodes, personal),
                "age_band": shown_value(row.age_band, small_age_bands, personal),
            }
            if personal:
                item["author_name"] = row.author_name
                item["author_email"] = row.author_email
            yield item
    finally:
        result.close()


@dataclass(frozen=True)
class _CellStyle:
    """How one writer makes cells in SQL: text that may hold anything, plain values (codes,
    slugs, stored choices), values that hold no markup at all, and what no value is."""

    text: object
    plain: object
    markup_free: object
    nothing: str | None


_CELL_STYLES = {
    # As the CSV writer writes them: text, empty for nothing, formulas neutralised.
    "csv": _CellStyle(copy.text_cell, copy.plain_cell, copy.plain_cell, ""),
    # As the JSON writer does: the raw text, NULL for nothing.
    "json": _CellStyle(copy.raw_text, copy.raw_text, copy.raw_text, None),
    # Worksheet cells (see ``copy.xlsx_cell``).
    "xlsx": _CellStyle(copy.xlsx_cell, copy.xlsx_cell,
                       lambda value: copy.xlsx_cell(value, markup_free=True), "<c/>"),
}


def _opinion_cells(flt: OpinionFilter, personal: bool, language: str, salt: str,
                   style: str) -> tuple[dict, sa.Select]:
    """The cells of ``opinion_rows`` as SQL expressions in a writer's ``style``, and the
    query they are read from.

    Titles and theme names are made once per action, event and opinion with themes, in
    subqueries, rather than once per exported row.
    """
    small_postcodes, small_age_bands = _small(flt, personal)
    cell = _CELL_STYLES[style]
    text, plain, markup_free, nothing = cell.text, cell.plain, cell.markup_free, cell.nothing
    # Lateral subqueries PostgreSQL keeps per key (Memoize): titles made once per action and
    # event, a pseudonym once per author, and the opinions read in the order of their key
    # (no sort of the finished rows). Plain joins to subqueries made the planner hash them
    # and sort every exported row on disk.
    # The action's code, title and priority in one subquery: two joins fewer on every row
    # (a seventh of the query).
    action = sa.orm.aliased(PolicyAction, name="cell_action")
    priority = sa.orm.aliased(Priority, name="cell_priority")
    actions = copy.per_key(
        sa.select(plain(action.code).label("code"),
                  text(sql_pick(action, "title", language)).label("title"),
                  plain(priority.slug).label("priority"))
        .join_from(action, priority, priority.id == action.priority_id)
        .where(action.id == Opinion.action_id), "action_cells")
    event = sa.orm.aliased(Event, name="cell_event")
    events = copy.per_key(
        sa.select(plain(event.slug).label("slug"),
                  text(sql_pick(event, "title", language)).label("title"))
        .where(event.id == Opinion.event_id), "event_cells")
    # The pseudonym is made from the opinion's own author id: no need to read the users.
    authors = copy.per_key(
        sa.select(copy.pseudonym_cell(Opinion.user_id, salt, None).label("pseudonym"))
        .correlate(Opinion), "author_cells")
    themes = _themes_per_opinion(language)
    theme_cells = copy.computed_once(sa.select(
        themes.c.opinion_id, text(themes.c.names).label("names")), "theme_cells")

    def grouped(column, small: set, made):
        if not small:
            return made(column)
        return made(sa.case((column.in_(sorted(small)), SMALL_GROUP_LABEL), else_=column))

    def or_nothing(column):
        return column if nothing is None else sa.func.coalesce(column, nothing)

    def body_cell():
        if style != "csv":
            return text(Opinion.body)
        # Looking for formula characters in every text cost a fifth of the export; the
        # database flagged the texts holding one when they were written.
        return sa.case((Opinion.body_may_be_formula, text(Opinion.body)), else_=Opinion.body)

    def moment_or_nothing(moment):
        return markup_free(moment) if style == "xlsx" else or_nothing(moment)

    cells = {
        "action_code": actions.c.code,
        "action_title": actions.c.title,
        "priority": actions.c.priority,
        "event": or_nothing(events.c.slug),
        "event_title": or_nothing(events.c.title),
        "stance": markup_free(Opinion.stance),
        "text": body_cell(),
        "language": markup_free(Opinion.locale),
        "created_at": moment_or_nothing(copy.utc_cell(Opinion.created_at, None)),
        "source": markup_free(Opinion.source),
        "status": markup_free(Opinion.status),
        "hidden_reason": text(Opinion.hidden_reason),
        "themes": or_nothing(theme_cells.c.names),
        "author_pseudonym": moment_or_nothing(authors.c.pseudonym),
        "postcode": grouped(Opinion.postcode, small_postcodes, text),
        # One of the fixed age bands ("25_34"...) or "<5": nothing to neutralise.
        "age_band": grouped(Opinion.age_band, small_age_bands, plain),
        "author_name": text(User.name),
        "author_email": text(User.email),
    }
    source = (
        _joined_for(sa.select(Opinion.id).select_from(Opinion), flt)
        .join(actions, sa.true())
        .outerjoin(events, sa.true())
        .outerjoin(authors, sa.true())
        .outerjoin(theme_cells, theme_cells.c.opinion_id == Opinion.id)
    )
    if personal:
        source = source.outerjoin(User, User.id == Opinion.user_id)
    return cells, _filtered(source, flt).order_by(Opinion.id)


def opinion_csv_lines(flt: OpinionFilter, personal: bool, language: str = "nl",
                      salt: str | None = None) -> Iterator[bytes]:
    """The rows of ``opinion_rows`` as CSV lines PostgreSQL writes itself (COPY), in chunks
    of lines (``copy.Lines``)."""
    cells, source = _opinion_cells(flt, personal, language, salt or export_salt(), "csv")
    query = source.with_only_columns(
        *[cells[c.key].label(c.key) for c in columns_for(OPINION_COLUMNS, personal)],
        maintain_column_froms=True)
    yield from copy.csv_lines(query)


def opinion_json_lines(flt: OpinionFilter, personal: bool, language: str = "nl",
                       salt: str | None = None) -> Iterator[bytes]:
    """The rows of ``opinion_rows`` as JSON objects PostgreSQL writes itself, one per line,
    in chunks of lines (``copy.Lines``).

    The same keys in the same order and the same values as the JSON writer gives them
    (PostgreSQL writes them without spaces; what they hold is identical).
    """
    cells, source = _opinion_cells(flt, personal, language, salt or export_salt(), "json")
    query = copy.json_rows(
        source, [(c.key, cells[c.key]) for c in columns_for(OPINION_COLUMNS, personal)])
    yield from copy.single_column_lines(query)


def opinion_xlsx_rows(flt: OpinionFilter, personal: bool, language: str = "nl",
                      salt: str | None = None) -> Iterator[bytes]:
    """The rows of ``opinion_rows`` as worksheet cells PostgreSQL writes itself, one row per
    line (see ``writers.xlsx_chunks``)."""
    cells, source = _opinion_cells(flt, personal, language, salt or export_salt(), "xlsx")
    query = source.with_only_columns(
        sa.func.concat(*[cells[c.key] for c in columns_for(OPINION_COLUMNS, personal)]),
        maintain_column_froms=True)
    for chunk in copy.single_column_lines(query):
        # One row of cells per line (a cell's line breaks are written as references).
        yield from chunk.split(b"\n")[:-1]


def opinion_sheet(flt: OpinionFilter, personal: bool, language: str = "nl") -> Sheet:
    """The opinion export: its columns and its (lazy) rows; CSV lines from COPY where it can."""
    sheet = Sheet("opinions", columns_for(OPINION_COLUMNS, personal),
                  opinion_rows(flt, personal, language))
    if copy.available():
        sheet.csv_lines = opinion_csv_lines(flt, personal, language)
        sheet.json_lines = opinion_json_lines(flt, personal, language)
        sheet.xlsx_rows = opinion_xlsx_rows(flt, personal, language)
    return sheet


def summary_rows(flt: OpinionFilter, exact: bool, language: str = "nl") -> Iterator[dict]:
    """Yield counts per action: in total, per stance, per postcode and per age band."""
    base = (
        sa.select(PolicyAction.id)
        .select_from(Opinion)
        .join(PolicyAction, PolicyAction.id == Opinion.action_id)
        .join(Priority, Priority.id == PolicyAction.priority_id)
    )
    base = _filtered(base, flt)

    def grouped(column, joined: bool = False) -> dict[int, list[tuple]]:
        query = base.with_only_columns(PolicyAction.id, column, sa.func.count(Opinion.id))
        if joined:  # one row per coding: an opinion counts once in each of its themes
            query = (query.join(OpinionTheme, OpinionTheme.opinion_id == Opinion.id)
                     .join(Theme, Theme.id == OpinionTheme.theme_id))
        query = query.group_by(PolicyAction.id, column).order_by(PolicyAction.id, column)
        result: dict[int, list[tuple]] = {}
        for action_id, group, number in db.session.execute(query):
            result.setdefault(action_id, []).append((group, number))
        return result

    breakdowns = [
        ("stance", grouped(Opinion.stance)),
        ("postcode", grouped(Opinion.postcode)),
        ("age_band", grouped(Opinion.age_band)),
        ("theme", grouped(_theme_name(language), joined=True)),
    ]
    actions = db.session.execute(
        sa.select(PolicyAction.id, PolicyAction.code, _title(language).label("title"))
        .where(PolicyAction.id.in_(base.with_only_columns(PolicyAction.id).distinct()))
        .order_by(PolicyAction.code)
    ).all()
    for action in actions:
        common = {"action_code": action.code, "action_title": action.title}
        stances = breakdowns[0][1].get(action.id, [])
        total = sum(number for _, number in stances)
        yield {**common, "breakdown": "total", "group": "all",
               "opinions": shown_count(total, exact)}
        for name, groups in breakdowns:
            for group, number in groups.get(action.id, []):
                label = getattr(group, "value", group) if group is not None else "unknown"
                yield {**common, "breakdown": name, "group": label,
                       "opinions": shown_count(number, exact)}


def summary_sheet(flt: OpinionFilter, exact: bool, language: str = "nl") -> Sheet:
    """The summary export per action."""
    return Sheet("summary", SUMMARY_COLUMNS, summary_rows(flt, exact, language))


EXPORTS = {
    "opinions": (OPINION_COLUMNS, opinion_sheet),
    "summary": (SUMMARY_COLUMNS, summary_sheet),
}
