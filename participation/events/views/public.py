"""Public pages of the event catalogue and its calendars."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from participation.core.page_cache import cached_page, lazy, memo
from participation.core.pagination import page_number
from participation.database import utcnow
from participation.events import calendars, services
from participation.events.forms import EventFilterForm
from participation.events.models import EventLanguage
from participation.events.structured_data import event_json_ld
from participation.localized import current_language
from participation.policy import services as policy_services

bp = Blueprint("events", __name__)


@bp.get("/")
@cached_page
def home():
    """Next events and the four top priorities."""
    return render_template(
        "home.html",
        events=services.upcoming_events(6),
        priorities=policy_services.top_priorities(),
    )


@bp.get("/priorities/<slug>")
@cached_page
def priority_detail(slug: str):
    """One priority, its actions and the events about them."""
    priority = lazy(lambda: policy_services.get_priority(slug))
    # Kept like the page's fragment: a signed-in visitor's page loads no priority at all
    # (and an unknown one is a 404 before rendering starts).
    title = memo(("policy.priority.title", slug, str(get_locale())), lambda: priority.t("title"))
    events = lazy(lambda: services.find_events(
        services.EventFilter(priority_id=priority.id), per_page=20).items)
    return render_template("policy/priority.html", priority=priority, events=events, title=title)


def filter_from_request(args) -> tuple[EventFilterForm, services.EventFilter]:
    """Read the catalogue filters from query parameters; invalid ones are reported, not used."""
    form = EventFilterForm(formdata=args, meta={"csrf": False})
    english = current_language() == "en"
    form.topic.choices = [SelectChoice("", _("All topics"))] + [
        SelectChoice(slug, (english and name_en) or name_nl)
        for slug, name_nl, name_en in topic_names()
    ]
    flt = services.EventFilter()
    if args:
        form.validate()
    for name in ("q", "topic", "date_from", "date_to", "language", "free_places"):
        field = getattr(form, name)
        if field.errors:
            flt.errors[name] = field.errors[0]
            continue
        value = field.data
        if name == "language":
            value = EventLanguage(value) if value else None
        setattr(flt, name, value or (False if name == "free_places" else None))
    return form, flt


def topic_names() -> list[tuple[str, str, str | None]]:
    """Every topic as (slug, Dutch name, English name), kept until content changes."""
    return memo("topic_names", lambda: [
        (t.slug, t.name_nl, t.name_en) for t in services.all_topics()
    ])


@bp.get("/events")
@cached_page
def event_list():
    """The catalogue of events with its filters."""
    form, flt = filter_from_request(request.args)
    page = lazy(lambda: services.find_events(flt, page_number(request.args)))
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("events/list.html", form=form, page=page, filter=flt, args=args)


@bp.get("/events/<slug>")
@cached_page
def event_detail(slug: str):
    """Every fact about one event, and how to register."""
    url = url_for("events.event_detail", slug=slug, _external=True)
    # What the page needs besides its kept fragment, kept too: a signed-in visitor's page
    # then loads no event at all (the state follows the clock within PAGE_CACHE_SECONDS).
    event = lazy(lambda: services.get_public_event(slug))
    facts = memo(("events.facts", slug, url, str(get_locale())), lambda: _event_facts(event, url))
    return render_template(
        "events/detail.html",
        event=event,
        title=facts["title"],
        state=facts["state"],
        json_ld=facts["json_ld"],
    )


def _event_facts(event, url: str) -> dict:
    json_ld = json.dumps(event_json_ld(event, url), ensure_ascii=False).replace("</", "<\\/")
    return {"title": event.title, "state": event.registration_state(utcnow()), "json_ld": json_ld}


@bp.get("/events/<slug>.ics")
def event_ics(slug: str):
    """The event as a calendar file."""
    event = services.get_public_event(slug)
    url = url_for("events.event_detail", slug=slug, _external=True)
    return Response(
        calendars.event_calendar(event, url),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{slug}.ics"'},
    )


def _feed(name: str, events) -> Response:
    body = calendars.feed_calendar(
        name, events, lambda e: url_for("events.event_detail", slug=e.slug, _external=True)
    )
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": "max-age=900"})


@bp.get("/calendar.ics")
def calendar_feed():
    """A calendar to subscribe to: every event."""
    return _feed(_("Ghent: have your say on international policy"), services.calendar_events())


@bp.get("/topics/<slug>/calendar.ics")
def topic_calendar_feed(slug: str):
    """A calendar to subscribe to: the events of one topic."""
    topic = next((t for t in services.all_topics() if t.slug == slug), None)
    if topic is None:
        abort(404)
    return _feed(topic.t("name"), services.calendar_events(topic))
