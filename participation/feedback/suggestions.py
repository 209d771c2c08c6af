"""Suggested themes: distinctive words and phrases of an action's opinions, against the rest.

Each action's published opinions form one document; TF-IDF (scikit-learn) over those
documents scores the words and two-word phrases that are frequent in this action's opinions
and rare in the others'. A phrase is proposed only when enough opinions use it, and never
again once staff rejected it or made a theme of it. Nothing here publishes anything: staff
accept (and may rename) a suggestion, which creates a theme and codes the matching opinions.
The same texts always give the same suggestions (ties are broken by the phrase).

scikit-learn (and numpy) are imported by the functions that use them: the import takes
seconds, and every app server, worker and CLI command would pay for it at start-up although
only the suggestion and report pages need it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import sqlalchemy as sa
from flask_babel import gettext as _

from participation.accounts.models import User
from participation.audit.services import record as audit
from participation.extensions import db
from participation.feedback import themes
from participation.feedback.models import (
    THEME_NAME_MAX_LENGTH,
    Opinion,
    OpinionStatus,
    RejectedSuggestion,
    Theme,
)
from participation.feedback.services import FeedbackError
from participation.policy.models import PolicyAction

#: An action needs at least this many published opinions before themes are suggested.
MIN_OPINIONS = 8
#: A phrase is suggested only when at least this many of the action's opinions use it.
MIN_MATCHES = 3
#: Two-word phrases say more than single words: their score counts this much more.
PHRASE_BONUS = 1.5

_WORD = re.compile(r"[^\W\d_]{3,}")
_CLAUSE = re.compile(r"[.!?;:,()\n]+")


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """Dutch and English stop words, plus words every opinion on the city uses."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    text = resources.files("participation.feedback").joinpath("stopwords.txt").read_text("utf-8")
    ours = {w.strip().lower() for w in text.split() if w.strip() and not w.startswith("#")}
    return frozenset(ours | set(ENGLISH_STOP_WORDS))


def analyse(text: str) -> list[str]:
    """Split a text into lower-case words of 3+ letters without stop words, and word pairs.

    Pairs are made within a clause only, so that no phrase straddles two sentences.
    """
    grams: list[str] = []
    for clause in _CLAUSE.split(unicodedata.normalize("NFC", text.lower())):
        words = [w for w in _WORD.findall(clause) if w not in stop_words()]
        grams += words
        grams += [f"{a} {b}" for a, b in zip(words, words[1:], strict=False) if a != b]
    return grams


@dataclass(frozen=True)
class Suggestion:
    """A candidate theme: a phrase, how distinctive it is, and the opinions that use it."""

    phrase: str
    score: float
    opinion_ids: tuple[int, ...]


def _published_texts() -> list[tuple[int, int, str]]:
    return list(db.session.execute(
        sa.select(Opinion.id, Opinion.action_id, Opinion.body)
        .where(Opinion.status == OpinionStatus.PUBLISHED)
        .order_by(Opinion.action_id, Opinion.id)
    ).tuples())


def _taken_phrases(action: PolicyAction) -> set[str]:
    rejected = db.session.scalars(
        sa.select(RejectedSuggestion.phrase).where(RejectedSuggestion.action_id == action.id)
    )
    taken = {p.lower() for p in rejected}
    for theme in themes.themes_for(action):
        taken.update(n.lower() for n in (theme.name_nl, theme.name_en, theme.suggested_phrase)
                     if n)
    return taken


def distinctive_phrases(documents: Sequence[str], index: int) -> list[tuple[str, float]]:
    """Score the phrases of ``documents[index]`` by TF-IDF against the other documents."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer=analyse, sublinear_tf=True)
    matrix = vectorizer.fit_transform(documents)
    row = matrix.getrow(index).tocoo()
    names = vectorizer.get_feature_names_out()
    scored = [
        (str(names[col]), float(value) * (PHRASE_BONUS if " " in names[col] else 1.0))
        for col, value in zip(row.col, row.data, strict=True)
    ]
    return sorted(scored, key=lambda item: (-round(item[1], 9), item[0]))


def suggest_themes(action: PolicyAction, limit: int = 8) -> list[Suggestion]:
    """Propose candidate themes for an action from its published opinions' texts."""
    texts = _published_texts()
    own = [(opinion_id, body) for opinion_id, action_id, body in texts if action_id == action.id]
    if len(own) < MIN_OPINIONS:
        return []
    by_action: dict[int, list[str]] = {}
    for _id, action_id, body in texts:
        by_action.setdefault(action_id, []).append(body)
    order = sorted(by_action)
    documents = ["\n".join(by_action[a]) for a in order]
    taken = _taken_phrases(action)
    grams = [(opinion_id, set(analyse(body))) for opinion_id, body in own]
    chosen: list[Suggestion] = []
    used_words: set[str] = set()
    for phrase, score in distinctive_phrases(documents, order.index(action.id)):
        if len(chosen) >= limit:
            break
        words = set(phrase.split())
        if phrase in taken or words & used_words or len(phrase) > THEME_NAME_MAX_LENGTH:
            continue
        matches = tuple(opinion_id for opinion_id, g in grams if phrase in g)
        if len(matches) < MIN_MATCHES:
            continue
        chosen.append(Suggestion(phrase=phrase, score=round(score, 4), opinion_ids=matches))
        used_words |= words
    return chosen


def find_suggestion(action: PolicyAction, phrase: str) -> Suggestion | None:
    """Return the current suggestion for a phrase, if it is still suggested."""
    for suggestion in suggest_themes(action, limit=50):
        if suggestion.phrase == phrase:
            return suggestion
    return None


def accept_suggestion(staff: User, action: PolicyAction, phrase: str, name_nl: str,
                      name_en: str | None) -> Theme:
    """Make a theme of a suggestion (named by staff) and code the opinions that use it."""
    suggestion = find_suggestion(action, phrase)
    if suggestion is None:
        raise FeedbackError(_("This suggestion is no longer proposed."))
    theme = themes.create_theme(staff, name_nl, name_en, action=action, suggested_phrase=phrase)
    themes.tag_opinions(staff, theme, themes.opinions_by_ids(action, suggestion.opinion_ids))
    return theme


def reject_suggestion(staff: User, action: PolicyAction, phrase: str) -> RejectedSuggestion:
    """Do not propose this phrase for this action again."""
    themes._require_staff(staff)
    phrase = " ".join(phrase.split()).lower()[:THEME_NAME_MAX_LENGTH]
    if not phrase:
        raise FeedbackError(_("This suggestion is no longer proposed."))
    existing = db.session.scalar(sa.select(RejectedSuggestion).where(
        RejectedSuggestion.action_id == action.id, RejectedSuggestion.phrase == phrase))
    if existing is not None:
        return existing
    rejected = RejectedSuggestion(action_id=action.id, phrase=phrase, rejected_by_id=staff.id)
    db.session.add(rejected)
    db.session.flush()
    audit(staff, "theme.suggestion_reject", action, phrase=phrase)
    return rejected


def representative(texts: Sequence[str], count: int = 2) -> list[int]:
    """Return the indexes of the texts closest to what they say together (TF-IDF centroid)."""
    if len(texts) <= count:
        return list(range(len(texts)))
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    try:
        matrix = TfidfVectorizer(analyzer=analyse, sublinear_tf=True).fit_transform(texts)
    except ValueError:  # nothing but stop words
        return list(range(count))
    centroid = np.asarray(matrix.mean(axis=0))
    similarity = cosine_similarity(matrix, centroid).ravel()
    ranked = sorted(range(len(texts)), key=lambda i: (-round(float(similarity[i]), 9), i))
    return ranked[:count]

