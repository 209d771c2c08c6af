"""Public pages of the event catalogue and its calendars."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from participation.core import atom
from participation.core.forms import put_form_error
from participation.core.i18n import BRUSSELS
from participation.core.limits import QUESTION_LIMIT
from participation.core.page_cache import cached_page, lazy, memo
from participation.core.pagination import page_number
from participation.core.templating import event_when
from participation.database import utcnow
from participation.events import calendars, questions, services
from participation.events import venues as event_venues
from participation.events.forms import EventFilterForm, QuestionForm
from participation.events.models import EventLanguage
from participation.events.structured_data import event_json_ld, share_tags
from participation.extensions import db, limiter
from participation.localized import current_language
from participation.policy import follows
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
    title = memo(("policy.priority.title", slug, str(get_locale())), lambda: priority.text("title"))
    events = lazy(lambda: services.find_events(
        services.EventFilter(priority_id=priority.id), per_page=20).items)
    following = follows.follows_priority(current_user, slug)
    return render_template("policy/priority.html", priority=priority, events=events, title=title,
                           following=following)


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
    for name in ("q", "topic", "date_from", "date_to", "language", "district", "free_places"):
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
    # The chosen topic's name comes from the kept list of topics: no query on a kept page.
    topic = next((names for names in topic_names() if names[0] == flt.topic), None)
    topic_name = topic and ((current_language() == "en" and topic[2]) or topic[1])
    places = lazy(lambda: event_venues.places_of(page.items))
    return render_template("events/list.html", form=form, page=page, filter=flt, args=args,
                           feeds=feed_links(topic and topic[0]), topic_name=topic_name,
                           places=places,
                           map_tiles=current_app.config.get("MAP_TILE_URL"))


def _image_url(event) -> str | None:
    image = event.picture
    if image is None:
        return None
    return url_for("images.rendition", key=image.key, width=image.width_list[-1], fmt="jpeg",
                   _external=True)


def _topic(slug: str):
    return next((t for t in services.all_topics() if t.slug == slug), None)


def feed_links(topic_slug: str | None = None) -> dict[str, str]:
    """Addresses of the calendar subscription and the Atom feed, for all events or one topic."""
    if topic_slug is None:
        calendar = url_for("events.calendar_feed", _external=True)
        feed = url_for("events.atom_feed")
    else:
        calendar = url_for("events.topic_calendar_feed", slug=topic_slug, _external=True)
        feed = url_for("events.topic_atom_feed", slug=topic_slug)
    return {"calendar": calendar, "webcal": calendars.webcal_url(calendar), "atom": feed}


@bp.get("/events/past")
@cached_page
def past_events():
    """The archive: events that took place, by year and then by topic."""
    years: dict[int, dict] = {}
    for event in services.past_events():
        year = event.starts_at.astimezone(BRUSSELS).year
        years.setdefault(year, {}).setdefault(event.topic.t("name"), []).append(event)
    archive = [(year, sorted(topics.items())) for year, topics in years.items()]
    return render_template("events/past.html", archive=archive)


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
        calendar_links=facts["calendar_links"],
        share_tags=facts["share_tags"],
    )


def _event_facts(event, url: str) -> dict:
    json_ld = json.dumps(event_json_ld(event, url), ensure_ascii=False).replace("</", "<\\/")
    ics_url = url_for("events.event_ics", slug=event.slug)
    return {"title": event.title, "state": event.registration_state(utcnow()), "json_ld": json_ld,
            "calendar_links": calendars.add_to_calendar_links(event, url, ics_url),
            "share_tags": share_tags(event, url, _image_url(event), _("Have your say"),
                                     current_language())}


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
    topic = _topic(slug)
    if topic is None:
        abort(404)
    return _feed(topic.t("name"), services.calendar_events(topic))


def _atom(title: str, key: str, self_url: str, page_url: str, events) -> Response:
    base = current_app.config["PUBLIC_BASE_URL"]
    entries = [
        atom.Entry(
            id=atom.tag_uri(base, "event", event.id),
            title=event.title,
            link=url_for("events.event_detail", slug=event.slug, _external=True),
            updated=event.updated_at,
            published=event.created_at,
            summary=f"{event_when(event.starts_at, event.ends_at)}. "
                    f"{calendars.event_location(event)}\n\n{event.summary}",
        )
        for event in events
    ]
    body = atom.feed(
        feed_id=atom.tag_uri(base, "events", key), title=title, self_url=self_url,
        page_url=page_url, language=current_language(), entries=entries,
        fallback_updated=utcnow(), author=_("City of Ghent"),
    )
    return Response(body, mimetype=atom.ATOM_MIMETYPE, headers={"Cache-Control": "max-age=900"})


@bp.get("/events/feed.atom")
def atom_feed():
    """An Atom feed of upcoming events."""
    events = services.find_events(services.EventFilter(), per_page=services.MAX_PER_PAGE).items
    return _atom(_("Upcoming events: have your say in Ghent"), "all",
                 url_for("events.atom_feed", _external=True),
                 url_for("events.event_list", _external=True), events)


@bp.get("/topics/<slug>/feed.atom")
def topic_atom_feed(slug: str):
    """An Atom feed of the upcoming events of one topic."""
    topic = _topic(slug)
    if topic is None:
        abort(404)
    events = services.find_events(services.EventFilter(topic=slug),
                                  per_page=services.MAX_PER_PAGE).items
    return _atom(_("Upcoming events: %(topic)s", topic=topic.t("name")), f"topic/{topic.slug}",
                 url_for("events.topic_atom_feed", slug=slug, _external=True),
                 url_for("events.event_list", topic=slug, _external=True), events)


@bp.route("/events/<slug>/question", methods=["GET", "POST"])
@limiter.limit(QUESTION_LIMIT, methods=["POST"])
def ask_question(slug: str):
    """A form that mails a question to the event's organisers (they answer by mail)."""
    event = services.get_public_event(slug)
    form = QuestionForm()
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                questions.ask_organisers(event, form.name.data, form.email.data,
                                         form.question.data, current_language())
            except questions.QuestionError as error:
                db.session.rollback()
                put_form_error(form, error)
            else:
                db.session.commit()
                flash(_("Your question was sent to the organisers. They answer by mail."),
                      "success")
                return redirect(url_for("events.event_detail", slug=event.slug), 303)
        return render_template("events/question.html", event=event, form=form), 422
    return render_template("events/question.html", event=event, form=form)
