"""Coding opinions: staff define themes and tag opinions with them, one by one or in bulk.

Every tagging, untagging and choice of a quote is written to the audit log, one entry per
opinion, so the coding of any opinion can be traced back to the person who did it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from participation.accounts.models import Role, User
from participation.audit.services import record as audit
from participation.core.pagination import Page
from participation.extensions import db
from participation.feedback.models import (
    THEME_NAME_MAX_LENGTH,
    Opinion,
    OpinionStatus,
    OpinionTheme,
    Stance,
    Theme,
)
from participation.feedback.services import FeedbackError
from participation.policy.models import PolicyAction


def _require_staff(user: User) -> None:
    if not user.has_role(Role.STAFF):
        raise FeedbackError(_("Only policy staff can code opinions."))


def _clean_name(value: str | None, field: str, required: bool) -> str | None:
    text = " ".join((value or "").split())
    if not text:
        if required:
            raise FeedbackError(_("Give the theme a name."), field)
        return None
    if len(text) > THEME_NAME_MAX_LENGTH:
        raise FeedbackError(
            _("Write at most %(max)d characters.", max=THEME_NAME_MAX_LENGTH), field
        )
    return text


def _name_taken(action_id: int | None, name_nl: str, except_id: int | None = None) -> bool:
    query = sa.select(Theme.id).where(
        # SQLite lowercases ASCII only: compare exactly too (the unique constraint does).
        sa.or_(Theme.name_nl == name_nl, sa.func.lower(Theme.name_nl) == name_nl.lower()),
        # A shared theme's name must differ from every theme; an action's from its own
        # themes and the shared ones (they are listed together).
        sa.true() if action_id is None else sa.or_(Theme.action_id == action_id,
                                                   Theme.action_id.is_(None)),
    )
    if except_id is not None:
        query = query.where(Theme.id != except_id)
    return db.session.scalar(query.limit(1)) is not None


# --- themes ------------------------------------------------------------------------------


def create_theme(staff: User, name_nl: str, name_en: str | None = None,
                 action: PolicyAction | None = None,
                 suggested_phrase: str | None = None) -> Theme:
    """Create a theme for one action, or shared by every action when ``action`` is None."""
    _require_staff(staff)
    name_nl = _clean_name(name_nl, "name_nl", required=True)
    name_en = _clean_name(name_en, "name_en", required=False)
    if _name_taken(action.id if action else None, name_nl):
        raise FeedbackError(_("There already is a theme with this name."), "name_nl")
    theme = Theme(action_id=action.id if action else None, name_nl=name_nl, name_en=name_en,
                  suggested_phrase=suggested_phrase, created_by_id=staff.id)
    db.session.add(theme)
    db.session.flush()
    audit(staff, "theme.create", theme, name_nl=name_nl, name_en=name_en,
          action_code=action.code if action else None, suggested_phrase=suggested_phrase)
    return theme


def rename_theme(staff: User, theme: Theme, name_nl: str, name_en: str | None) -> Theme:
    """Rename a theme in both languages."""
    _require_staff(staff)
    name_nl = _clean_name(name_nl, "name_nl", required=True)
    name_en = _clean_name(name_en, "name_en", required=False)
    if _name_taken(theme.action_id, name_nl, except_id=theme.id):
        raise FeedbackError(_("There already is a theme with this name."), "name_nl")
    before = {"name_nl": theme.name_nl, "name_en": theme.name_en}
    theme.name_nl, theme.name_en = name_nl, name_en
    db.session.flush()
    audit(staff, "theme.rename", theme, before=before,
          after={"name_nl": name_nl, "name_en": name_en})
    return theme


def delete_theme(staff: User, theme: Theme) -> None:
    """Delete a theme; the opinions it coded lose it."""
    _require_staff(staff)
    coded = db.session.scalar(
        sa.select(sa.func.count()).select_from(OpinionTheme)
        .where(OpinionTheme.theme_id == theme.id)
    ) or 0
    audit(staff, "theme.delete", theme, name_nl=theme.name_nl, opinions=coded)
    db.session.delete(theme)
    db.session.flush()


def themes_for(action: PolicyAction) -> list[Theme]:
    """Return the themes usable on an action: its own, then the shared ones, by name."""
    return list(db.session.scalars(
        sa.select(Theme)
        .where(sa.or_(Theme.action_id == action.id, Theme.action_id.is_(None)))
        .order_by(Theme.action_id.is_(None), sa.func.lower(Theme.name_nl), Theme.id)
    ))


def get_theme(theme_id: int) -> Theme | None:
    """Return a theme by id."""
    return db.session.get(Theme, theme_id)


# --- tagging -----------------------------------------------------------------------------


def _check_fits(theme: Theme, opinion: Opinion) -> None:
    if theme.action_id is not None and theme.action_id != opinion.action_id:
        raise FeedbackError(_("This theme belongs to another action."), "theme")


def tag_opinions(staff: User, theme: Theme, opinions: Iterable[Opinion]) -> int:
    """Code opinions with a theme; return how many were not coded with it yet."""
    _require_staff(staff)
    opinions = list(opinions)
    for opinion in opinions:
        _check_fits(theme, opinion)
    coded = set(db.session.scalars(
        sa.select(OpinionTheme.opinion_id).where(
            OpinionTheme.theme_id == theme.id,
            OpinionTheme.opinion_id.in_([o.id for o in opinions]),
        )
    ))
    added = 0
    for opinion in opinions:
        if opinion.id in coded:
            continue
        coded.add(opinion.id)
        db.session.add(OpinionTheme(opinion_id=opinion.id, theme_id=theme.id,
                                    tagged_by_id=staff.id))
        audit(staff, "opinion.tag", opinion, theme_id=theme.id, theme=theme.name_nl)
        added += 1
    db.session.flush()
    return added


def untag_opinions(staff: User, theme: Theme, opinions: Iterable[Opinion]) -> int:
    """Remove a theme from opinions; return how many had it."""
    _require_staff(staff)
    removed = 0
    for opinion in opinions:
        coding = db.session.get(OpinionTheme, (opinion.id, theme.id))
        if coding is None:
            continue
        db.session.delete(coding)
        audit(staff, "opinion.untag", opinion, theme_id=theme.id, theme=theme.name_nl)
        removed += 1
    db.session.flush()
    return removed


def set_opinion_themes(staff: User, opinion: Opinion, theme_ids: Iterable[int],
                       quote_ids: Iterable[int] = ()) -> None:
    """Code one opinion with exactly these themes, and mark it as a quote for some of them."""
    _require_staff(staff)
    wanted = {int(i) for i in theme_ids}
    quotes = {int(i) for i in quote_ids} & wanted
    usable = {t.id: t for t in themes_for(opinion.action)}
    unknown = wanted - usable.keys()
    if unknown:
        raise FeedbackError(_("This theme belongs to another action."), "themes")
    current = {c.theme_id: c for c in opinion.codings}
    for theme_id in sorted(current.keys() - wanted):
        untag_opinions(staff, usable.get(theme_id) or db.session.get(Theme, theme_id), [opinion])
    for theme_id in sorted(wanted - current.keys()):
        tag_opinions(staff, usable[theme_id], [opinion])
    db.session.expire(opinion, ["codings"])
    for coding in opinion.codings:
        is_quote = coding.theme_id in quotes
        if coding.is_quote != is_quote:
            coding.is_quote = is_quote
            audit(staff, "theme.quote" if is_quote else "theme.unquote", opinion,
                  theme_id=coding.theme_id, theme=coding.theme.name_nl)
    db.session.flush()


# --- reading -----------------------------------------------------------------------------


@dataclass
class CodingFilter:
    """Which opinions of an action staff want to see on the coding page."""

    theme: int | None = None
    #: Only opinions not coded with any theme yet.
    uncoded: bool = False
    stance: str | None = None
    status: str | None = None
    text: str | None = None


def _coding_query(action: PolicyAction, flt: CodingFilter) -> sa.Select:
    query = sa.select(Opinion).where(Opinion.action_id == action.id)
    if flt.theme:
        query = query.where(Opinion.id.in_(
            sa.select(OpinionTheme.opinion_id).where(OpinionTheme.theme_id == flt.theme)
        ))
    if flt.uncoded:
        query = query.where(~Opinion.id.in_(sa.select(OpinionTheme.opinion_id)))
    if flt.stance:
        query = query.where(Opinion.stance == Stance(flt.stance))
    if flt.status:
        query = query.where(Opinion.status == OpinionStatus(flt.status))
    if flt.text:
        words = flt.text.strip().lower()
        escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(sa.func.lower(Opinion.body).like(f"%{escaped}%", escape="\\"))
    return query


def coding_page(action: PolicyAction, flt: CodingFilter, page: int = 1,
                per_page: int = 50) -> Page:
    """Return one page of an action's opinions (published and hidden) with their themes."""
    page = max(page, 1)
    query = _coding_query(action, flt)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    items = db.session.scalars(
        query.options(selectinload(Opinion.codings).joinedload(OpinionTheme.theme),
                      joinedload(Opinion.event))
        .order_by(Opinion.created_at.desc(), Opinion.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).unique().all()
    return Page(items=list(items), page=page, per_page=per_page, total=total)


def matching_opinions(action: PolicyAction, flt: CodingFilter) -> list[Opinion]:
    """Return every opinion of an action that matches a filter (for bulk coding)."""
    return list(db.session.scalars(_coding_query(action, flt).order_by(Opinion.id)))


def opinions_by_ids(action: PolicyAction, ids: Iterable[int]) -> list[Opinion]:
    """Return the opinions of an action among these ids (others are ignored)."""
    ids = [int(i) for i in ids]
    if not ids:
        return []
    return list(db.session.scalars(
        sa.select(Opinion).where(Opinion.action_id == action.id, Opinion.id.in_(ids))
        .order_by(Opinion.id)
    ))


def theme_counts(action_ids: Iterable[int], published_only: bool = True
                 ) -> dict[int, dict[int, int]]:
    """Count coded opinions per action and theme: ``{action_id: {theme_id: count}}``."""
    ids = list(action_ids)
    counts: dict[int, dict[int, int]] = {i: {} for i in ids}
    if not ids:
        return counts
    query = (
        sa.select(Opinion.action_id, OpinionTheme.theme_id, sa.func.count())
        .join(OpinionTheme, OpinionTheme.opinion_id == Opinion.id)
        .where(Opinion.action_id.in_(ids))
        .group_by(Opinion.action_id, OpinionTheme.theme_id)
    )
    if published_only:
        query = query.where(Opinion.status == OpinionStatus.PUBLISHED)
    for action_id, theme_id, number in db.session.execute(query):
        counts[action_id][theme_id] = number
    return counts
