"""What organisers see and do in an event's sign-up workspace and at the door.

Counting, searching and sorting registrations, finding someone at check-in, and closing or
reopening registration early. The rules of places live in ``registrations.services``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from participation.audit.services import record
from participation.events.models import Event
from participation.extensions import db
from participation.registrations import services
from participation.registrations.models import (
    CancelReason,
    QuestionKind,
    Registration,
    RegistrationAnswer,
    RegistrationStatus,
)
from participation.registrations.questions import questions_of
from participation.registrations.services import CANCEL_REASONS

ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)
SORTS = ("registered", "name", "status")
FILTERS = ("all", "confirmed", "waiting", "cancelled", "checked_in")
#: Check-in codes are short, upper case and without easily confused characters.
_CODE_LIKE = re.compile(r"^[A-Za-z0-9]{4,8}$")


@dataclass
class OrganisationTotal:
    """The registrations made on behalf of one organisation, counted in places."""

    name: str
    registrations: int
    confirmed_places: int
    waiting_places: int


@dataclass
class AnswerTotal:
    """How the people holding or waiting for a place answered one question of the form."""

    question: str
    #: (option, how many registrations chose it), the question's current options first.
    options: list[tuple[str, int]] = field(default_factory=list)
    #: Registrations that answered; for a number question also the sum of the numbers.
    answered: int = 0
    number_sum: int | None = None


@dataclass
class WorkspaceCounts:
    """An event's sign-ups at a glance, and the access needs people asked for."""

    #: People (companions included) with a confirmed place, and on the waiting list.
    confirmed: int = 0
    waiting: int = 0
    cancelled: int = 0
    checked_in: int = 0
    places_left: int | None = None
    #: Access needs among the people who hold a place or wait for one.
    needs_step_free: int = 0
    needs_hearing_loop: int = 0
    needs_sign_language: int = 0
    other_needs: list[Registration] = field(default_factory=list)
    #: Organisations with confirmed or waiting registrations; see :func:`organisation_totals`.
    organisations: list[OrganisationTotal] = field(default_factory=list)
    #: (reason, how many) for the reasons people gave when cancelling, most given first.
    cancel_reasons: list[tuple[str, int]] = field(default_factory=list)
    #: The choice, yes/no and number questions counted; see :func:`answer_totals`.
    answers: list[AnswerTotal] = field(default_factory=list)


def workspace_counts(event: Event) -> WorkspaceCounts:
    """Count the event's registrations by status, check-ins and access needs."""
    r = Registration
    active = r.status.in_(ACTIVE)

    def count_if(condition):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    def places_if(condition):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1 + r.companions), else_=0)), 0)

    # Confirmed and waiting are counted in places: a group counts each of its people.
    row = db.session.execute(
        sa.select(
            places_if(r.status == RegistrationStatus.CONFIRMED),
            places_if(r.status == RegistrationStatus.WAITING),
            count_if(r.status == RegistrationStatus.CANCELLED),
            count_if(r.checked_in_at.is_not(None)),
            count_if(sa.and_(active, r.needs_step_free)),
            count_if(sa.and_(active, r.needs_hearing_loop)),
            count_if(sa.and_(active, r.needs_sign_language)),
        ).where(r.event_id == event.id)
    ).one()
    other = list(
        db.session.scalars(
            sa.select(r)
            .where(r.event_id == event.id, active, r.needs_other.is_not(None))
            .order_by(r.status, r.id)
        )
    )
    confirmed = int(row[0])
    return WorkspaceCounts(
        organisations=organisation_totals(event),
        cancel_reasons=cancel_reason_totals(event),
        answers=answer_totals(event),
        confirmed=confirmed,
        waiting=int(row[1]),
        cancelled=int(row[2]),
        checked_in=int(row[3]),
        places_left=None if event.capacity is None else max(event.capacity - confirmed, 0),
        needs_step_free=int(row[4]),
        needs_hearing_loop=int(row[5]),
        needs_sign_language=int(row[6]),
        other_needs=other,
    )


def organisation_totals(event: Event) -> list[OrganisationTotal]:
    """Count the active registrations per organisation (names compared without regard to
    case), the organisations with most places first."""
    r = Registration
    key = sa.func.lower(r.organisation)
    places = 1 + r.companions
    rows = db.session.execute(
        sa.select(
            sa.func.min(r.organisation),
            sa.func.count(),
            sa.func.sum(sa.case((r.status == RegistrationStatus.CONFIRMED, places), else_=0)),
            sa.func.sum(sa.case((r.status == RegistrationStatus.WAITING, places), else_=0)),
        )
        .where(r.event_id == event.id, r.status.in_(ACTIVE), r.organisation.is_not(None))
        .group_by(key)
    ).all()
    totals = [OrganisationTotal(name, int(n), int(c), int(w)) for name, n, c, w in rows]
    return sorted(totals, key=lambda t: (-(t.confirmed_places + t.waiting_places),
                                         t.name.lower()))


#: The kinds of question whose answers add up (text answers are read one by one).
COUNTED_KINDS = (QuestionKind.ONE_CHOICE, QuestionKind.SEVERAL_CHOICES, QuestionKind.YES_NO,
                 QuestionKind.NUMBER)


def answer_totals(event: Event) -> list[AnswerTotal]:
    """Count the answers to the form's choice, yes/no and number questions, per registration,
    among the people who hold a place or wait for one (which workshop, how many meals...).

    Options are counted as they read when chosen, so an option renamed since is counted under
    its old wording after the current options.
    """
    asked = [q for q in questions_of(event) if q.kind in COUNTED_KINDS]
    if not asked:
        return []
    a = RegistrationAnswer
    rows = db.session.execute(
        sa.select(a.question_id, a.yes, a.chosen_nl, a.text)
        .join(Registration, Registration.id == a.registration_id)
        .where(Registration.event_id == event.id, Registration.status.in_(ACTIVE),
               a.question_id.in_([q.id for q in asked]))
    ).all()
    totals = []
    for question in asked:
        answers = [row for row in rows if row.question_id == question.id]
        total = AnswerTotal(question=question.t("label"))
        if question.kind == QuestionKind.NUMBER:
            numbers = [int(row.text) for row in answers if (row.text or "").lstrip("-").isdigit()]
            total.answered, total.number_sum = len(numbers), sum(numbers)
        elif question.kind == QuestionKind.YES_NO:
            given = [row.yes for row in answers if row.yes is not None]
            total.answered = len(given)
            total.options = [(str(_l("yes")), given.count(True)),
                             (str(_l("no")), given.count(False))]
        else:
            chosen: dict[str, int] = dict.fromkeys(question.choices_nl or [], 0)
            for row in answers:
                for option in row.chosen_nl or []:
                    chosen[option] = chosen.get(option, 0) + 1
            total.answered = sum(1 for row in answers if row.chosen_nl)
            shown = dict(zip(question.choices_nl or [], question.choice_labels(), strict=True))
            total.options = [(shown.get(option, option), n) for option, n in chosen.items()]
        totals.append(total)
    return totals


def cancel_reason_totals(event: Event) -> list[tuple[str, int]]:
    """Count the reasons people gave when cancelling, most given first, labelled."""
    rows = db.session.execute(
        sa.select(Registration.cancel_reason, sa.func.count())
        .where(Registration.event_id == event.id, Registration.cancel_reason.is_not(None))
        .group_by(Registration.cancel_reason)
    ).all()
    return sorted(((str(CANCEL_REASONS[CancelReason(r)]), n) for r, n in rows),
                  key=lambda item: -item[1])


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _matching(query: sa.Select, text: str | None) -> sa.Select:
    text = (text or "").strip()[:100]
    if not text:
        return query
    pattern = "%" + _escape_like(text) + "%"
    return query.where(
        sa.or_(
            Registration.name.ilike(pattern, escape="\\"),
            Registration.email.ilike(pattern, escape="\\"),
            Registration.code == text.upper().replace(" ", ""),
        )
    )


def search_registrations(
    event: Event, q: str | None = None, status: str = "all", sort: str = "registered"
) -> list[Registration]:
    """List the event's registrations matching a name, e-mail or code, filtered and sorted."""
    query = _matching(sa.select(Registration).where(Registration.event_id == event.id), q)
    if status in ("confirmed", "waiting", "cancelled"):
        query = query.where(Registration.status == RegistrationStatus(status))
    elif status == "checked_in":
        query = query.where(Registration.checked_in_at.is_not(None))
    # Waiting first in the order they came (their place in line), then confirmed, then
    # cancelled: the order an organiser works through.
    status_order = sa.case(
        (Registration.status == RegistrationStatus.WAITING, 0),
        (Registration.status == RegistrationStatus.CONFIRMED, 1),
        else_=2,
    )
    order = {
        "name": (sa.func.lower(sa.func.coalesce(Registration.name, "")), Registration.id),
        "status": (status_order, Registration.id),
    }.get(sort, (Registration.created_at, Registration.id))
    query = query.options(sa.orm.selectinload(Registration.answers))
    return list(db.session.scalars(query.order_by(*order)))


def code_from_scan(text: str | None) -> str | None:
    """Read a check-in code from what was typed or scanned: the code itself or a URL holding it."""
    text = (text or "").strip()
    if not text:
        return None
    if "://" in text or text.startswith("/"):
        parts = urlsplit(text)
        values = parse_qs(parts.query).get("code")
        text = values[0] if values else parts.path.rstrip("/").rsplit("/", 1)[-1]
    text = re.sub(r"[\s-]", "", text)
    return text.upper() if _CODE_LIKE.match(text) else None


def find_for_check_in(event: Event, text: str | None, limit: int = 50) -> list[Registration]:
    """Find confirmed or waiting registrants at the door by code, QR scan, name or e-mail."""
    code = code_from_scan(text)
    if code:
        exact = db.session.scalar(
            sa.select(Registration).where(
                Registration.event_id == event.id, Registration.code == code
            )
        )
        if exact is not None:
            return [exact]
    if not (text or "").strip():
        return []
    query = _matching(
        sa.select(Registration).where(
            Registration.event_id == event.id, Registration.status.in_(ACTIVE)
        ),
        text,
    )
    return list(
        db.session.scalars(
            query.order_by(sa.func.lower(sa.func.coalesce(Registration.name, "")),
                           Registration.id).limit(limit)
        )
    )


def get_registration(event: Event, registration_id: int) -> Registration | None:
    """Return a registration of this event (never one of another event)."""
    return db.session.scalar(
        sa.select(Registration).where(
            Registration.id == registration_id, Registration.event_id == event.id
        )
    )


def pause_registration(event: Event, *, by) -> Event:
    """Close registration early; people can no longer register online until it reopens."""
    if not event.registration_paused:
        event.registration_paused = True
        db.session.flush()
        record(by, "event.registration_pause", event)
    return event


def reopen_registration(event: Event, *, by) -> Event:
    """Reopen registration that was closed early."""
    if event.registration_paused:
        event.registration_paused = False
        db.session.flush()
        record(by, "event.registration_reopen", event)
    return event


# --- suspicious bursts -----------------------------------------------------------------------

#: Registrations from one network (IPv4 /24, IPv6 /48) from which a group is worth a look.
NETWORK_BURST = 5
#: Addresses reaching one mailbox (``spam+1@``, ``spam+2@``, ``s.pam@gmail.com``) worth a look.
MAILBOX_BURST = 2
BURST_KINDS = ("network", "mailbox")


@dataclass
class Burst:
    """A group of active registrations that look like one person or one machine."""

    kind: str
    key: str
    registrations: list[Registration]


def _burst_column(kind: str):
    return {"network": Registration.client_network, "mailbox": Registration.mailbox}[kind]


def _burst_members(event: Event, kind: str, key: str) -> list[Registration]:
    return list(db.session.scalars(
        sa.select(Registration)
        .where(Registration.event_id == event.id, Registration.status.in_(ACTIVE),
               _burst_column(kind) == key)
        .order_by(Registration.id)
    ))


def suspicious_bursts(event: Event) -> list[Burst]:
    """Return groups of active registrations from one network or reaching one mailbox."""
    bursts = []
    for kind, least in (("network", NETWORK_BURST), ("mailbox", MAILBOX_BURST)):
        column = _burst_column(kind)
        keys = db.session.scalars(
            sa.select(column)
            .where(Registration.event_id == event.id, Registration.status.in_(ACTIVE),
                   column.is_not(None))
            .group_by(column)
            .having(sa.func.count(Registration.id) >= least)
            .order_by(sa.func.count(Registration.id).desc(), column)
        ).all()
        bursts += [Burst(kind, key, _burst_members(event, kind, key)) for key in keys]
    return bursts


def cancel_burst(event: Event, kind: str, key: str, *, by) -> int:
    """Cancel every active registration of a group (waiting ones first); return how many.

    Waiting ones go first so that cancelling the group's places never promotes the group's
    own waiting registrations. Each person gets the organisers' cancellation mail.
    """
    if kind not in BURST_KINDS:
        raise ValueError(kind)
    members = _burst_members(event, kind, key)
    members.sort(key=lambda r: (r.status != RegistrationStatus.WAITING, -r.id))
    # The reason each person reads in their mail (an organiser cancelling must give one).
    reason = str(_l("The organisers found many registrations from the same place at once "
                    "and cancelled them. If you meant to register, register again or reply to "
                    "this mail."))
    for registration in members:
        services.cancel(registration, by_organiser=True, message=reason)
    record(by, "registrations.cancel_burst", event, kind=kind, key=key,
           registrations=len(members))
    return len(members)
