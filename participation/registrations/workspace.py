"""What organisers see and do in an event's sign-up workspace and at the door.

Counting, searching and sorting registrations, finding someone at check-in, and closing or
reopening registration early. The rules of places live in ``registrations.services``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa

from participation.audit.services import record
from participation.events.models import Event
from participation.extensions import db
from participation.registrations import services
from participation.registrations.models import Registration, RegistrationStatus

ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)
SORTS = ("registered", "name", "status")
FILTERS = ("all", "confirmed", "waiting", "cancelled", "checked_in")
#: Check-in codes are short, upper case and without easily confused characters.
_CODE_LIKE = re.compile(r"^[A-Za-z0-9]{4,8}$")


@dataclass
class WorkspaceCounts:
    """An event's sign-ups at a glance, and the access needs people asked for."""

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


def workspace_counts(event: Event) -> WorkspaceCounts:
    """Count the event's registrations by status, check-ins and access needs."""
    r = Registration
    active = r.status.in_(ACTIVE)

    def count_if(condition):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    row = db.session.execute(
        sa.select(
            count_if(r.status == RegistrationStatus.CONFIRMED),
            count_if(r.status == RegistrationStatus.WAITING),
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
    for registration in members:
        services.cancel(registration, by_organiser=True)
    record(by, "registrations.cancel_burst", event, kind=kind, key=key,
           registrations=len(members))
    return len(members)
