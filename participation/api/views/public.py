"""The read-only public JSON API under /api/v1."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request, url_for
from flask_babel import refresh

from participation.api.openapi import openapi_document
from participation.core.i18n import LANGUAGES
from participation.events import services as event_services
from participation.events.models import Event, EventLanguage
from participation.events.services import EventFilter
from participation.extensions import csrf
from participation.feedback import services as feedback_services
from participation.localized import Bilingual, current_language
from participation.places.models import DISTRICTS
from participation.policy import services as policy_services
from participation.policy.models import PolicyAction
from participation.registrations import questions
from participation.registrations.models import RegistrationQuestion

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


class BadQuery(ValueError):
    """A query parameter could not be understood."""


def _date(name: str):
    from datetime import date

    value = request.args.get(name)
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise BadQuery(f"{name} must be a date as YYYY-MM-DD") from None
    if not event_services.EARLIEST_DATE <= day <= event_services.LATEST_DATE:
        raise BadQuery(f"{name} must be between {event_services.EARLIEST_DATE} and "
                       f"{event_services.LATEST_DATE}")
    return day


def _int(name: str, default: int, low: int, high: int) -> int:
    value = request.args.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise BadQuery(f"{name} must be a whole number") from None
    if not low <= number <= high:
        raise BadQuery(f"{name} must be between {low} and {high}")
    return number


def _district() -> str | None:
    value = request.args.get("district") or None
    if value is not None and value not in DISTRICTS:
        raise BadQuery("district must be the short name of a Ghent district, e.g. binnenstad")
    return value


def _filter_from_args() -> EventFilter:
    language = request.args.get("language") or None
    if language is not None and language not in {m.value for m in EventLanguage}:
        raise BadQuery("language must be one of nl, en, nl_en")
    free = request.args.get("free_places", "").lower()
    if free not in {"", "true", "false", "1", "0"}:
        raise BadQuery("free_places must be true or false")
    flt = EventFilter(
        topic=request.args.get("topic") or None,
        date_from=_date("date_from"),
        date_to=_date("date_to"),
        language=EventLanguage(language) if language else None,
        free_places=free in {"true", "1"},
        q=(request.args.get("q") or None),
        district=_district(),
    )
    if flt.q is not None and len(flt.q) > 100:
        raise BadQuery("q must be at most 100 characters")
    return flt


@bp.errorhandler(BadQuery)
def _bad_query(error: BadQuery):
    return jsonify({"error": str(error), "status": 400}), 400


@bp.before_request
def _reader_language():
    """``?lang=nl|en`` chooses the texts' language, over ``Accept-Language``."""
    lang = request.args.get("lang")
    if lang is None:
        return None
    if lang not in LANGUAGES:
        return _bad_query(BadQuery("lang must be one of nl, en"))
    g.force_locale = lang
    refresh()
    return None


@bp.teardown_request
def _forget_reader_language(error=None) -> None:
    g.pop("force_locale", None)


@bp.after_request
def _content_language(response):
    """Say which language the texts were chosen in, and that it depends on the request's."""
    response.headers["Content-Language"] = current_language()
    response.vary.add("Accept-Language")
    return response


def texts(obj: Bilingual, fields: tuple[str, ...], names: dict[str, str] | None = None) -> dict:
    """A content object's texts: each in the reader's language (else in the other one), the
    language each is shown in, and every text in both languages (null where not written).

    ``names`` renames fields in the answer (an update's ``body`` is its ``text``).
    """
    names = names or {}
    shown = {names.get(field, field): obj.text(field) for field in fields}
    return {
        **{name: text.value for name, text in shown.items()},
        "text_languages": {name: text.lang for name, text in shown.items() if text},
        "translations": {
            lang: {names.get(field, field): getattr(obj, f"{field}_{lang}") or None
                   for field in fields}
            for lang in LANGUAGES
        },
    }


def event_summary(event: Event) -> dict:
    """Describe an event for the API list."""
    venue = event.venue
    return {
        "slug": event.slug,
        **texts(event, ("title", "summary")),
        "topic": event.topic.slug,
        "starts_at": event.starts_at.isoformat(),
        "ends_at": event.ends_at.isoformat(),
        "language": event.language.value,
        "status": event.status.value,
        "venue_name": event.venue_name,
        "address": event.address,
        "district": venue.district if venue else None,
        "geo": {"latitude": venue.latitude, "longitude": venue.longitude}
        if venue and venue.has_coordinates else None,
        "online": bool(event.online_url),
        "capacity": event.capacity,
        "places_left": event.places_left,
        "waiting_list_length": event.waiting_count,
        "url": url_for("events.event_detail", slug=event.slug, _external=True),
    }


def _bilingual(nl: str | None, en: str | None) -> dict | None:
    return None if not nl else {"nl": nl, "en": en or None}


def question_description(question: RegistrationQuestion) -> dict:
    """Describe a question of an event's registration form, in both languages."""
    english = list(question.choices_en or [])
    return {
        "field": questions.field_name(question),
        "type": question.kind.value,
        "label": _bilingual(question.label_nl, question.label_en),
        "help": _bilingual(question.help_nl, question.help_en),
        "required": question.required,
        "choices": [
            {"value": str(n), "label": _bilingual(option, english[n] if n < len(english)
                                                  else None)}
            for n, option in enumerate(question.choices_nl or [])
        ],
    }


def action_summary(action: PolicyAction, counts: dict | None = None) -> dict:
    """Describe a policy action for the API, with its anonymous counts of published opinions."""
    counts = counts if counts is not None else feedback_services.stance_counts(action)
    return {
        "code": action.code,
        **texts(action, ("title", "summary")),
        "priority": action.priority.slug,
        "status": action.status.value,
        "progress": action.progress,
        "feedback_open": action.feedback_open,
        "url": url_for("feedback.action_detail", code=action.code, _external=True),
        "stance_counts": {stance.value: number for stance, number in counts.items()},
        "opinions": sum(counts.values()),
    }


@bp.get("/events")
def events():
    """Published events, filtered and paginated like the catalogue."""
    flt = _filter_from_args()
    page = event_services.find_events(
        flt, _int("page", 1, 1, 100_000), _int("per_page", 20, 1, event_services.MAX_PER_PAGE)
    )
    return jsonify(
        {
            "items": [event_summary(e) for e in page.items],
            "page": page.page,
            "per_page": page.per_page,
            "total": page.total,
            "pages": page.pages,
        }
    )


@bp.get("/events/<slug>")
def event(slug: str):
    """One published event with the actions it discusses."""
    found = event_services.get_public_event(slug)
    data = event_summary(found)
    detail = texts(found, found.BILINGUAL_FIELDS)
    data.update(
        description=detail["description"],
        public_transport=detail["public_transport"] or None,
        bike=detail["bike"] or None,
        text_languages=detail["text_languages"],
        translations=detail["translations"],
        accessibility={
            "step_free": found.step_free,
            "hearing_loop": found.hearing_loop,
            "sign_language_on_request": found.sign_language_on_request,
            "notes": detail["accessibility_notes"] or None,
        },
        registration_opens_at=found.registration_opens_at.isoformat()
        if found.registration_opens_at
        else None,
        registration_closes_at=found.registration_closes_at.isoformat()
        if found.registration_closes_at
        else None,
        actions=[{"code": a.code, "title": a.t("title")} for a in found.actions],
        questions=[question_description(q) for q in questions.questions_of(found)],
        companions_allowed=found.companions_allowed,
    )
    return jsonify(data)


@bp.get("/priorities")
def priorities():
    """Every policy document with its priorities."""
    docs = policy_services.documents_with_priorities()
    return jsonify(
        {
            "items": [
                {
                    "slug": p.slug,
                    **texts(p, ("title", "summary")),
                    "top_priority": p.is_top_priority,
                    "document": {"slug": d.slug, "title": d.t("title")},
                    "actions": [a.code for a in p.actions],
                }
                for d in docs
                for p in d.priorities
            ]
        }
    )


@bp.get("/actions")
def actions():
    """Every policy action with the counts of published opinions per stance."""
    items = policy_services.all_actions()
    counts = feedback_services.stance_counts_for(a.id for a in items)
    return jsonify({"items": [action_summary(a, counts[a.id]) for a in items]})


@bp.get("/actions/<code>")
def action(code: str):
    """One policy action with its opinion counts and the city's updates on it."""
    found = policy_services.get_action(code)
    data = action_summary(found)
    data["updates"] = [
        {
            "date": update.created_at.isoformat(),
            "status": update.status.value,
            "progress": update.progress,
            **texts(update, ("body",), names={"body": "text"}),
        }
        for update in policy_services.action_updates(found)
    ]
    return jsonify(data)


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document())
