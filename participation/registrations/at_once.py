"""A simple sign-up decided and written in one statement, committed by itself (PostgreSQL).

Most sign-ups through the public form are one person, nobody along, no organisation, no
questions. For those, what ``services.register`` does under the event's lock is: is there a
free place (``services._fits``), are people waiting for a place that is free (then they go
first), write the registration, its mail and the counters. Here that is one statement: the
event's row is locked (``FOR UPDATE``, which reads the row as last committed), the place is
decided from it, the registration inserted unless the address is registered already, the
counters moved by what was inserted, the mail queued and the notifications sent, and
PostgreSQL commits it at once. The lock is held inside PostgreSQL for that statement only,
and the request makes one round trip instead of four (issue 16). The address is looked for
among the registrations committed when the statement began; one committed while it waited
for the lock is caught by the database's unique index on active addresses, and the statement
then writes nothing.

The statement decides only what depends on the count. Everything else is checked in Python,
as ``services.register`` checks it, against the event as the form was checked against (kept
in memory: ``services.event_to_register_for``), and the statement requires the event's row
to still say what those checks read (status, start, registration window, pause, deadline to
confirm). Whenever the statement writes nothing (the address registered already, people
waiting while a place is free, the event changed meanwhile, a drawn code taken),
``services.register`` does the sign-up under the lock as always, and says why when it
refuses. On SQLite, and for everything else (groups, organisations, questions, organisers
adding someone), ``services.register`` is the only way.

The waiting-list mail of a sign-up made here names no place in line: it is counted when the
mail is written (``mails.write_mail``), a moment later.
"""

from __future__ import annotations

import functools

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from participation.core import notify, page_cache, writes
from participation.events.models import Event
from participation.extensions import db
from participation.mail.models import OutboxMessage
from participation.mail.services import OUTBOX_CHANNEL
from participation.registrations import mails
from participation.registrations.models import Registration, RegistrationStatus

EVENTS = Event.__table__
REGISTRATIONS = Registration.__table__
OUTBOX = OutboxMessage.__table__
#: What ``services.window_reason`` and the deadline to confirm read from the event's row:
#: the statement writes only while the row still holds what Python checked.
CHECKED = ("status", "starts_at", "registration_opens_at", "registration_closes_at",
           "registration_paused", "confirm_within_hours")
#: Set by the statement, not given: the place decided under the lock, and the moment the lock
#: was granted, which is the arrival (``services.register``: the order of the waiting list).
DECIDED = ("status", "created_at", "consent_at", "confirmed_at", "confirm_by")
#: The event's counters, as the statement left them (the request's instance is told).
COUNTERS = ("confirmed_count", "waiting_count")


def applies(*, companions=None, companion_names=None, answers=None, organisation=None,
            asked=None) -> bool:
    """Tell whether a public sign-up is one this statement can take (see the module)."""
    return (db.session.get_bind().dialect.name == "postgresql"
            and not companions and not any((n or "").strip() for n in companion_names or ())
            and not answers and not asked and not (organisation or "").strip())


def fits(places: sa.ColumnElement) -> sa.ColumnElement[bool]:
    """``services._fits`` as SQL, on the locked row: are ``places`` free?"""
    return sa.or_(EVENTS.c.capacity.is_(None),
                  EVENTS.c.confirmed_count + places <= EVENTS.c.capacity)


def people_waiting_for_a_free_place() -> sa.ColumnElement[bool]:
    """When ``services.register`` promotes the waiting list first, as SQL."""
    return sa.and_(EVENTS.c.waiting_count > 0, EVENTS.c.capacity.is_not(None),
                   EVENTS.c.confirmed_count < EVENTS.c.capacity)


def _bind(name: str, column: sa.Column) -> sa.BindParameter:
    return sa.bindparam(name, type_=column.type)


@functools.lru_cache(maxsize=8)
def _statement(registration_columns: tuple[str, ...], mail_columns: tuple[str, ...],
               notifications: int) -> sa.Select:
    """The statement for these columns, built once (its values are parameters)."""
    places = sa.bindparam("places", type_=sa.Integer)
    event_id = sa.bindparam("event_id", type_=sa.Integer)
    locked = (
        sa.select(EVENTS.c.id, fits(places).label("fits"),
                  sa.func.clock_timestamp().label("arrived"))
        .where(EVENTS.c.id == event_id,
               *(EVENTS.c[name].is_not_distinct_from(_bind(f"kept_{name}", EVENTS.c[name]))
                 for name in CHECKED),
               sa.not_(people_waiting_for_a_free_place()))
        .with_for_update()
        .cte("locked")
    )
    status = REGISTRATIONS.c.status.type
    confirmed = sa.literal(RegistrationStatus.CONFIRMED, status)
    hours = sa.bindparam("hours_to_confirm", type_=sa.Integer)
    # The address registered already (as committed when the statement began: one committed
    # while it waited for the lock breaks the unique index instead, see ``register``).
    registered = sa.exists().where(
        REGISTRATIONS.c.event_id == event_id,
        REGISTRATIONS.c.email == _bind("r_email", REGISTRATIONS.c.email),
        REGISTRATIONS.c.status != sa.literal(RegistrationStatus.CANCELLED, status))
    new = (
        sa.insert(REGISTRATIONS)
        .from_select(
            [*registration_columns, *DECIDED],
            sa.select(
                *(_bind(f"r_{name}", REGISTRATIONS.c[name]) for name in registration_columns),
                sa.case((locked.c.fits, confirmed),
                        else_=sa.literal(RegistrationStatus.WAITING, status)),
                locked.c.arrived,
                locked.c.arrived,
                sa.case((locked.c.fits, locked.c.arrived)),
                locked.c.arrived + sa.func.make_interval(0, 0, 0, 0, hours),
            ).select_from(locked).where(~registered))
        .returning(*(REGISTRATIONS.c[name] for name in ("id", *DECIDED, "event_id")))
        .cte("new")
    )
    got_place = new.c.status == confirmed
    counted = (
        sa.update(EVENTS)
        .where(EVENTS.c.id == new.c.event_id)
        .values(confirmed_count=EVENTS.c.confirmed_count + sa.case((got_place, places), else_=0),
                waiting_count=EVENTS.c.waiting_count + sa.case((got_place, 0), else_=places),
                # A new sign-up is not an edit: the calendar's change marker stays.
                updated_at=EVENTS.c.updated_at)
        .returning(EVENTS.c.id, *(EVENTS.c[name] for name in COUNTERS))
        .cte("counted")
    )
    mail = (
        sa.insert(OUTBOX)
        .from_select(
            [*mail_columns, "kind"],
            sa.select(
                *(_bind(f"m_{name}", OUTBOX.c[name]) for name in mail_columns),
                sa.case((got_place, "registration_confirmed"), else_="registration_waiting"),
            ).select_from(new))
        .cte("mail")
    )
    calls = [sa.func.pg_notify(sa.bindparam(f"channel_{i}"), sa.bindparam(f"payload_{i}"))
             for i in range(notifications)]
    return (sa.select(*(new.c[name] for name in ("id", *DECIDED)),
                      *(counted.c[name] for name in COUNTERS), *calls)
            .select_from(new.join(counted, counted.c.id == new.c.event_id))
            .add_cte(mail))


def register(event: Event, registration: Registration, *, places: int = 1
             ) -> Registration | None:
    """Take a place (or a place in line) for ``registration`` (built and checked by
    ``services.register_and_commit``) in one statement, committed; None when it wrote nothing
    (see the module)."""
    mail = mails.first_mail(registration, None)  # its kind follows the place: see _statement
    values = {name: value for name, value in writes.given_values(registration).items()
              if name not in DECIDED}
    mail_values = {name: value for name, value in writes.given_values(mail).items()
                   if name != "kind"}
    tags = (page_cache.change_tags(registration, None) | page_cache.change_tags(mail, None)
            | page_cache.change_tags(event, set(COUNTERS)))
    notifications = notify.payloads({page_cache.CHANNEL: tags, OUTBOX_CHANNEL: set()})
    params = {"event_id": event.id, "places": places,
              "hours_to_confirm": event.confirm_within_hours,
              **{f"kept_{name}": getattr(event, name) for name in CHECKED},
              **{f"r_{name}": value for name, value in values.items()},
              **{f"m_{name}": value for name, value in mail_values.items()}}
    for i, (channel, payload) in enumerate(notifications):
        params[f"channel_{i}"], params[f"payload_{i}"] = channel, payload
    statement = _statement(tuple(values), tuple(mail_values), len(notifications))
    try:
        with db.engine.connect() as connection:
            row = connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                statement, params).first()
    except sa.exc.IntegrityError:
        # Taken while the statement waited for the lock: the address (registered meanwhile)
        # or, once in a blue moon, the drawn check-in code. Nothing was written.
        return None
    if row is None:
        return None
    decided, counters = 1 + len(DECIDED), 1 + len(DECIDED) + len(COUNTERS)
    for name, value in zip(("id", *DECIDED), row[:decided], strict=True):
        setattr(registration, name, value)
    for name, value in zip(COUNTERS, row[decided:counters], strict=True):
        set_committed_value(event, name, value)  # as committed, for the rest of the request
    page_cache.invalidate(tags)  # this process at once; the others by the notification
    return registration
