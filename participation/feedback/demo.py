"""Demo opinions: a few hundred, in Dutch and English, over ten weeks, some reported, hidden
or coded, so that the staff pages (coding, suggestions, reports, dashboard) show something.

The texts are data (``demo_opinions.toml``); they are combined with a fixed random seed and
go through the same services residents, organisers and staff use. Loading is idempotent:
nothing is added once the first demo resident exists.
"""

from __future__ import annotations

import random
import tomllib
from datetime import datetime, timedelta
from importlib import resources

import sqlalchemy as sa

from participation.accounts.models import AgeBand, Role, User, UserRole
from participation.events.models import Event
from participation.extensions import db
from participation.feedback import services, themes
from participation.feedback.models import Opinion, Stance
from participation.policy.models import PolicyAction
from participation.registrations import services as registrations
from participation.registrations.models import RegistrationSource

DEMO_DOMAIN = "demo.example.org"
RESIDENTS = 200
WEEKS = 10
#: Participants of the past demo event, how many came, and how many gave an opinion after.
EVENT_REGISTERED, EVENT_ATTENDED, EVENT_OPINIONS = 28, 21, 12

FIRST_NAMES = [
    "An", "Bram", "Chloé", "Dries", "Elif", "Fien", "Gert", "Hanne", "Ilias", "Jana", "Karim",
    "Lotte", "Mehmet", "Nina", "Omar", "Pieter", "Queenie", "Rania", "Sofie", "Tom", "Ugo",
    "Vera", "Wout", "Yasmine", "Zeno", "Amira", "Lucas", "Mila", "Noah", "Olivia",
]
POSTCODES = ["9000"] * 6 + ["9030", "9031", "9032", "9040", "9041", "9042", "9050", "9051",
                            "9052"]
AGE_BANDS = [AgeBand.UNDER_18] + [AgeBand.AGE_18_24] * 3 + [AgeBand.AGE_25_34] * 4 + \
    [AgeBand.AGE_35_49] * 4 + [AgeBand.AGE_50_64] * 3 + [AgeBand.AGE_65_PLUS] * 2
#: Closings that ask the city to communicate: coded with the shared demo theme.
COMMUNICATION = {"Hou ons op de hoogte!", "Graag meer uitleg op de website.",
                 "Please keep us informed!", "More explanation on the website would help."}


def _data() -> dict:
    text = resources.files("participation.feedback").joinpath("demo_opinions.toml")
    return tomllib.loads(text.read_text("utf-8"))


def _residents(rng: random.Random, now: datetime) -> list[User]:
    people = []
    for n in range(1, RESIDENTS + 1):
        name = f"{FIRST_NAMES[(n - 1) % len(FIRST_NAMES)]} {chr(65 + (n * 7) % 26)}."
        consented = rng.random() < 0.8
        user = User(
            email=f"bewoner.{n}@{DEMO_DOMAIN}", name=name, password_hash=None,
            email_verified_at=now - timedelta(weeks=WEEKS + 1),
            locale="en" if rng.random() < 0.3 else "nl",
            profile_consent_at=now - timedelta(weeks=WEEKS + 1) if consented else None,
            postcode=rng.choice(POSTCODES) if consented else None,
            age_band=rng.choice(AGE_BANDS) if consented else None,
            roles=[UserRole(role=Role.RESIDENT)],
        )
        db.session.add(user)
        people.append(user)
    db.session.flush()
    return people


def _stance(rng: random.Random, lean: str) -> Stance:
    others = [s for s in Stance if s.value != lean]
    roll = rng.random()
    return Stance(lean) if roll < 0.6 else others[0] if roll < 0.8 else others[1]


def _body(rng: random.Random, data: dict, spec: dict, theme: dict, stance: Stance,
          language: str) -> str:
    parts = [rng.choice(data["openings"][f"{stance.value}_{language}"]),
             rng.choice(theme[language])]
    if rng.random() < 0.3:
        other = rng.choice(spec["themes"])
        if other is not theme:
            parts.append(rng.choice(other[language]))
    if rng.random() < 0.35:
        parts.append(rng.choice(data["closings"][language]))
    return " ".join(parts)


def _when(rng: random.Random, now: datetime, earliest: datetime | None = None) -> datetime:
    # More opinions lately than ten weeks ago.
    days = (WEEKS * 7 - 1) * rng.random() ** 1.6
    moment = now - timedelta(days=days, minutes=rng.randrange(0, 600))
    if earliest is not None and moment < earliest:
        moment = earliest + timedelta(hours=rng.randrange(2, 96))
    return min(moment, now - timedelta(minutes=5))


def _event_participants(event: Event, people: list[User], rng: random.Random) -> list[User]:
    """Register people at the past event as they came in, and say who did not show up."""
    came = []
    for index, person in enumerate(people[:EVENT_REGISTERED]):
        registration = registrations.register(
            event, name=person.name, email=person.email, locale=person.locale, user=person,
            source=RegistrationSource.WALK_IN,
            now=event.starts_at + timedelta(minutes=rng.randrange(-20, 15)),
        ).registration
        if index < EVENT_ATTENDED:
            came.append(person)
        else:  # registered, then did not come: their check-in is undone
            registrations.undo_check_in(registration)
    return came


def load_demo_opinions(now: datetime) -> dict[str, int]:
    """Give the demo its opinions, themes, reports and hidden opinions; count what was made."""
    counts = {"users": 0, "registrations": 0, "opinions": 0}
    if db.session.scalar(sa.select(User.id).where(User.email == f"bewoner.1@{DEMO_DOMAIN}")):
        return counts
    staff = db.session.scalar(
        sa.select(User).join(UserRole).where(UserRole.role == Role.STAFF).order_by(User.id))
    if staff is None:
        return counts
    data = _data()
    rng = random.Random(17)
    people = _residents(rng, now)
    actions = {a.code: a for a in db.session.scalars(sa.select(PolicyAction))}
    made: list[Opinion] = []
    per_theme: dict[tuple[str, str], list[Opinion]] = {}
    shared: list[Opinion] = []
    for spec in data["actions"]:
        action = actions.get(spec["code"])
        if action is None or not action.feedback_open:
            continue
        if spec.get("update_nl"):
            # Before any opinion exists, so that no resident gets a demo mail about it.
            services.post_update(staff, action, spec["update_nl"], action.status,
                                        action.progress)
        event = None
        attendees: list[User] = []
        if spec.get("event"):
            event = db.session.scalar(sa.select(Event).where(Event.slug == spec["event"]))
            if event is not None and event.ends_at < now:
                attendees = _event_participants(event, rng.sample(people, len(people)), rng)
                counts["registrations"] += EVENT_REGISTERED
        authors = attendees[:EVENT_OPINIONS] + rng.sample(
            [p for p in people if p not in attendees[:EVENT_OPINIONS]],
            spec["opinions"] - min(len(attendees), EVENT_OPINIONS))
        for index, author in enumerate(authors):
            theme = rng.choice(spec["themes"])
            stance = _stance(rng, theme["lean"])
            body = _body(rng, data, spec, theme, stance, author.locale)
            at_event = event is not None and index < len(attendees[:EVENT_OPINIONS])
            opinion = services.give_opinion(
                author, action, stance, body, show_name=rng.random() < 0.4,
                event=event if at_event else None,
                now=_when(rng, now, event.ends_at if at_event else None),
            )
            made.append(opinion)
            if theme.get("coded"):
                per_theme.setdefault((action.code, theme["name_nl"]), []).append(opinion)
            if any(body.endswith(closing) for closing in COMMUNICATION):
                shared.append(opinion)
        if event is not None and attendees and event.organisers:
            # What the organiser noted at the discussion tables.
            for theme in spec["themes"][:3]:
                services.record_event_feedback(
                    event.organisers[0], event, action, Stance(theme["lean"]), theme["nl"][0],
                    now=event.starts_at + timedelta(hours=1),
                )
    _hide_some(data, actions, people, staff, rng, now, made)
    _report_some(data, people, made, rng)
    _code_some(data, actions, staff, per_theme, shared, rng)
    db.session.flush()
    counts["users"] = len(people)
    counts["opinions"] = len(made)
    return counts


def _hide_some(data, actions, people, staff, rng, now, made) -> None:
    for index, spec in enumerate(data["hidden"]):
        action = actions.get(spec["code"])
        if action is None or not action.feedback_open:
            continue
        author = people[-1 - index]
        if services.own_opinion(author, action) is not None:
            continue
        opinion = services.give_opinion(author, action, Stance.OPPOSE, spec["body"], False,
                                        now=_when(rng, now))
        services.hide_opinion(staff, opinion, spec["reason"])
        made.append(opinion)


def _report_some(data, people, made, rng) -> None:
    """Residents report a few opinions; they wait in the moderation queue."""
    shown = [o for o in made if o.status.value == "published"]
    for opinion in rng.sample(shown, min(6, len(shown))):
        reporter = next(p for p in people if p.id != opinion.user_id)
        services.report_opinion(reporter, opinion,
                                rng.choice(data["reports"][reporter.locale]))


def _code_some(data, actions, staff, per_theme, shared, rng) -> None:
    """Staff coded most opinions of some themes, and chose a quote for each."""
    for (code, name_nl), opinions in per_theme.items():
        spec = next(s for s in data["actions"] if s["code"] == code)
        theme_spec = next(t for t in spec["themes"] if t["name_nl"] == name_nl)
        theme = themes.create_theme(staff, name_nl, theme_spec["name_en"], action=actions[code])
        coded = [o for o in opinions if rng.random() < 0.75]
        themes.tag_opinions(staff, theme, coded)
        # A quote that says what the theme is about: from someone who leans the theme's way.
        published = [o for o in coded if o.status.value == "published"
                     and o.stance.value == theme_spec["lean"]]
        if published:
            quote = max(published, key=lambda o: (len(o.body), o.id))
            themes.set_opinion_themes(staff, quote, [c.theme_id for c in quote.codings],
                                      quote_ids=[theme.id])
    if shared:
        theme = themes.create_theme(staff, "Communicatie van de stad", "City communication")
        themes.tag_opinions(staff, theme, shared)
