"""The rules of places, the waiting list, cancellation, check-in and manage links.

Every decision taken from a count (is a place free? who is promoted?) is taken under the
event's row lock: ``SELECT ... FOR UPDATE`` on PostgreSQL, a ``BEGIN IMMEDIATE`` write
transaction on SQLite. The event's ``confirmed_count`` and ``waiting_count`` are kept equal
to the rows under that lock, counted in places: a registration takes one place for the
person and one for each companion (``Registration.places``). Services flush and never commit:
the caller owns the transaction.

Groups and the order of the waiting list. A group takes all its places at once or none: it is
confirmed only when every one of its places is free, otherwise the whole group waits. Places
that come free go to the waiting list in order of arrival, **first fit**: walking the list from
the front, every registration whose whole group fits in the places still free is confirmed;
one that does not fit keeps its position at the front and does not block those behind it. So
when the first group in line needs three places and one comes free, the next single person in
line gets it, and the group gets the next moment three places are free at once. A newcomer
follows the same rule (they are the last to arrive): they get a place only if nobody waiting
fits in it. Places are never left empty while someone who fits is waiting; a large group can
wait longer than people behind it, which organisers can settle by hand (raise the capacity, or
reduce the group).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy.orm.attributes import set_committed_value

from participation.core import pipeline, snapshots
from participation.core.i18n import BRUSSELS, brussels_day_start, supported_language
from participation.core.mailbox import client_network, mailbox
from participation.core.page_cache import memo
from participation.core.text import is_single_line
from participation.core.writes import write_at_once
from participation.database import begin_write, utcnow
from participation.events import services as event_services
from participation.events import signals as event_signals
from participation.events.models import Event, EventStatus
from participation.extensions import db
from participation.registrations import at_once, mails, questions
from participation.registrations.errors import (  # noqa: F401  (part of this service's API)
    CLOSED_MESSAGES,
    AlreadyRegistered,
    CapacityTooLow,
    EventFull,
    InvalidManageLink,
    RegistrationClosed,
    RegistrationError,
)
from participation.registrations.links import (  # noqa: F401  (part of this service's API)
    manage_token,
    manage_url,
    registration_from_token,
)
from participation.registrations.models import (
    CancelReason,
    Registration,
    RegistrationQuestion,
    RegistrationSource,
    RegistrationStatus,
)

ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)
#: Check-in codes avoid characters that are easily confused (0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
NAME_MAX = Registration.__table__.c.name.type.length
EMAIL_MAX = Registration.__table__.c.email.type.length
NEEDS_OTHER_MAX = Registration.__table__.c.needs_other.type.length
ORGANISATION_MAX = Registration.__table__.c.organisation.type.length
CANCEL_MESSAGE_MAX = Registration.__table__.c.cancel_message.type.length
#: The most companions an organiser can allow per registration (the events table checks it).
COMPANIONS_MAX = 20


@dataclass
class RegistrationResult:
    """What happened when someone registered."""

    registration: Registration
    #: False when the e-mail address already held a registration (nothing new was made).
    created: bool
    #: Place on the waiting list (1 = next in line), or None when confirmed.
    waiting_list_position: int | None = None

    @property
    def confirmed(self) -> bool:
        return self.registration.status == RegistrationStatus.CONFIRMED


# --- locking -------------------------------------------------------------------------------


def _event_row_query(for_update: bool) -> sa.Select:
    columns = [prop.columns[0] for prop in sa.inspect(Event).column_attrs if not prop.deferred]
    query = sa.select(*columns).where(Event.__table__.c.id == sa.bindparam("event_id"))
    return query.with_for_update() if for_update else query


#: The event's row (its columns, none of its relationships), locked on PostgreSQL; built once.
_EVENT_ROW = {True: _event_row_query(True), False: _event_row_query(False)}


def lock_event(event: Event) -> Event:
    """Take the event's write lock and re-read it (counters, state) from the database.

    The row is read as plain columns and set on the instance as a load would: the ORM's
    loading machinery, for one row of fifty columns, was a fifth of the time the lock was
    held while registering (issue 16).
    """
    event, _ = _lock_event_then(event, None)
    return event


def _lock_event_then(event: Event, then: pipeline.Step | None) -> tuple[Event, dict | None]:
    """``lock_event``, and ``then`` (a statement and its parameters) run right after the lock
    was granted, in the same round trip (see ``core.pipeline``); its first row."""
    session = db.session()
    begin_write(session)
    # What the caller changed first (an edit that also raises the capacity) is written
    # before the row is read: a plain statement does not flush as an ORM query does.
    session.flush()
    on_postgresql = session.get_bind().dialect.name == "postgresql"
    steps = [(_EVENT_ROW[on_postgresql], {"event_id": event.id})]
    if then is not None:
        steps.append(then)
    rows, *after = pipeline.read_together(session, *steps)
    if not rows:  # deleted since it was read (e.g. from a kept copy)
        raise event_services.EventNotFound(event.slug)
    state = sa.inspect(event)
    if state.session is not session or state.deleted or state.detached:
        event = session.get(Event, event.id)  # an instance of another session: this one's
    snapshots.refresh(event, rows[0])
    return event, (after[0][0] if after and after[0] else None)


def event_to_register_for(slug: str, *, counters_now: bool = False
                          ) -> tuple[Event, list[RegistrationQuestion]]:
    """The public event a registration form is posted to, and its questions: kept in memory.

    Registering re-reads the event under its lock (``lock_event``), so what is kept is only
    what the form is checked against before that: the event's row and its questions, dropped
    by any change to an event (tag ``events``: title, times, state, deletion; a change to a
    question drops everything). A registration does not drop it: the counters are read under
    the lock. Two queries less on every registration, and no joins.

    ``counters_now``: the form shown (it says how many places are left): the counters of a
    kept event are read afresh, in one small query.
    """
    read_now = []

    def load() -> tuple[dict, list[dict]]:
        read_now.append(True)
        event = event_services.get_public_event(slug, with_actions=False)
        return (snapshots.columns(event),
                [snapshots.columns(question) for question in questions.questions_of(event)])

    event_values, question_values = memo(("registrations.event", slug), load, deps=("events",))
    event = snapshots.materialise(Event, event_values)
    if counters_now and not read_now:
        snapshots.refresh(event, db.session.execute(
            sa.select(Event.confirmed_count, Event.waiting_count)
            .where(Event.id == event_values["id"])
        ).mappings().one())
    return event, [snapshots.materialise(RegistrationQuestion, values)
                   for values in question_values]


def _counts_changed(event: Event) -> None:
    """Keep ``updated_at`` (the calendar's change marker): a new sign-up is not an edit."""
    sa.orm.attributes.flag_modified(event, "updated_at")


def _reload(registration: Registration) -> Registration:
    """Re-read a registration after taking the lock: someone may have changed it meanwhile."""
    return db.session.execute(
        sa.select(Registration)
        .where(Registration.id == registration.id)
        .execution_options(populate_existing=True)
    ).scalar_one()


# --- registering ---------------------------------------------------------------------------


def normalise_email(email: str | None) -> str | None:
    """Return the address trimmed and in lower case, or None when empty."""
    email = (email or "").strip().lower()
    return email or None


def window_reason(event: Event, now: datetime) -> str | None:
    """Say why the event takes no online registrations now, or None when it does."""
    state = event.registration_state(now)
    if state == "open":
        return None
    if state == "closed":
        if event.status == EventStatus.DRAFT:
            return "draft"
        if event.registration_paused and not (
            event.registration_closes_at and now >= event.registration_closes_at
        ):
            return "paused"
    return state


def _check_input(name, email, needs_other, source, consent) -> tuple[str | None, str | None]:
    name = (name or "").strip() or None
    email = normalise_email(email)
    if source != RegistrationSource.WALK_IN and not name:
        raise RegistrationError(_l("Enter your name."), field="name")
    if name and not is_single_line(name):
        raise RegistrationError(
            _l("Write the name on one line, without special control characters."), field="name"
        )
    if name and len(name) > NAME_MAX:
        raise RegistrationError(
            _l("The name can be at most %(max)d characters long.", max=NAME_MAX), field="name"
        )
    if source == RegistrationSource.ONLINE and not email:
        raise RegistrationError(_l("Enter your e-mail address."), field="email")
    if email and (len(email) > EMAIL_MAX or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email)):
        raise RegistrationError(
            _l("Enter an e-mail address like name@example.org."), field="email"
        )
    if needs_other and len(needs_other) > NEEDS_OTHER_MAX:
        raise RegistrationError(
            _l("Describe your needs in at most %(max)d characters.", max=NEEDS_OTHER_MAX),
            field="needs_other",
        )
    if source == RegistrationSource.ONLINE and not consent:
        raise RegistrationError(
            _l("Agree to the privacy notice to register."), field="consent"
        )
    return name, email


def active_registration_for(event: Event, email: str) -> Registration | None:
    """Return the active registration of this e-mail address for the event, if any."""
    return db.session.scalar(
        sa.select(Registration).where(
            Registration.event_id == event.id,
            Registration.email == normalise_email(email),
            Registration.status.in_(ACTIVE),
        )
    )


#: With the event locked: the active registration of an address (its id), whether a drawn
#: code is taken at the event, how many registrations are waiting. Plain SQL, built once:
#: composing it anew for every sign-up cost more than running it, while others wait.
_UNDER_LOCK = sa.text(
    "SELECT (SELECT id FROM registrations WHERE event_id = :event_id AND email = :email"
    f"        AND status IN ({', '.join(repr(status.value) for status in ACTIVE)}) LIMIT 1)"
    " AS existing_id,"
    " EXISTS (SELECT 1 FROM registrations WHERE event_id = :event_id AND code = :code)"
    " AS code_taken,"
    " (SELECT count(*) FROM registrations WHERE event_id = :event_id"
    f"  AND status = {RegistrationStatus.WAITING.value!r}) AS waiting"
)


def _draw_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _new_code(event: Event) -> str:
    """Draw a short check-in code not yet used at this event (the event is locked)."""
    while True:
        code = _draw_code()
        taken = db.session.scalar(
            sa.select(Registration.id).where(
                Registration.event_id == event.id, Registration.code == code
            )
        )
        if taken is None:
            return code


def _check_companions(
    event: Event, companions: int | None, names: list[str] | None
) -> tuple[int, list[str] | None]:
    """Check the group against the event's rules (the event is locked); return it tidied."""
    companions = companions or 0
    names = [(n or "").strip() for n in (names or [])]
    while names and not names[-1]:
        names.pop()
    if companions < 0:
        raise RegistrationError(_l("Enter a number of 0 or more."), field="companions")
    if companions > event.companions_allowed:
        if not event.companions_allowed:
            raise RegistrationError(
                _l("Everyone registers for this event separately; companions cannot be "
                   "added."), field="companions")
        raise RegistrationError(
            lazy_ngettext("You can bring at most %(num)d person along to this event.",
                          "You can bring at most %(num)d people along to this event.",
                          event.companions_allowed), field="companions")
    if companions and event.capacity is not None and 1 + companions > event.capacity:
        raise RegistrationError(
            _l("This event has %(capacity)d places: a group can be at most that large.",
               capacity=event.capacity), field="companions")
    if len(names) > companions:
        raise RegistrationError(
            _l("You gave more names than people who come along."), field="companion_names")
    if any(len(n) > NAME_MAX for n in names):
        raise RegistrationError(
            _l("A name can be at most %(max)d characters long.", max=NAME_MAX),
            field="companion_names")
    return companions, names or None


def tidy_organisation(name: str | None) -> str | None:
    """Return an organisation's name trimmed, with single spaces, or None when empty."""
    return " ".join((name or "").split()) or None


def organisation_places(event: Event, organisation: str) -> int:
    """Count the places active registrations on behalf of an organisation hold at the event
    (names compared without regard to case)."""
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(1 + Registration.companions), 0)).where(
            Registration.event_id == event.id,
            Registration.status.in_(ACTIVE),
            sa.func.lower(Registration.organisation) == organisation.lower(),
        )
    )


def _check_organisation(event: Event, organisation: str | None, places: int) -> None:
    """Keep an organisation within the event's places per organisation (the event is locked)."""
    if organisation is None:
        return
    if len(organisation) > ORGANISATION_MAX:
        raise RegistrationError(
            _l("The name of the organisation can be at most %(max)d characters long.",
               max=ORGANISATION_MAX), field="organisation")
    limit = event.places_per_organisation
    if limit is not None and organisation_places(event, organisation) + places > limit:
        raise RegistrationError(
            lazy_ngettext(
                "Each organisation can have at most %(num)d place at this event, and "
                "%(organisation)s has no more places left.",
                "Each organisation can have at most %(num)d places at this event, and "
                "%(organisation)s has no more places left for this registration.",
                limit, organisation=organisation),
            field="organisation")


def _fits(event: Event, places: int) -> bool:
    return event.capacity is None or event.confirmed_count + places <= event.capacity


def _new_registration(event: Event, *, name, email, needs_step_free, needs_hearing_loop,
                      needs_sign_language, needs_other, locale, user, consent, source,
                      client_address) -> Registration:
    """The registration as the person gave it, checked, with a drawn code and a manage key;
    what the place decides (status, times, code taken) is set under the lock."""
    needs_other = (needs_other or "").strip() or None
    name, email = _check_input(name, email, needs_other, source, consent)
    return Registration(
        event_id=event.id,
        user_id=getattr(user, "id", None),
        name=name,
        email=email,
        needs_step_free=bool(needs_step_free),
        needs_hearing_loop=bool(needs_hearing_loop),
        needs_sign_language=bool(needs_sign_language),
        needs_other=needs_other,
        locale=supported_language(locale),
        source=source,
        code=_draw_code(),
        manage_key=secrets.token_urlsafe(32),
        client_network=client_network(client_address),
        mailbox=mailbox(email),
    )


def register_and_commit(event: Event, **given) -> RegistrationResult:
    """The public form's sign-up: ``register`` (online, with the same arguments), committed.

    On PostgreSQL a sign-up of one person with nothing else to check under the lock (no
    companions, organisation or questions) is decided, written and committed in one statement
    (``registrations.at_once``); whatever that statement leaves (the address registered
    already, people waiting for a free place, the event changed since the form was checked)
    goes through ``register`` like every other sign-up. The result's waiting-list position is
    then not counted (None): the mail counts it when it is written.
    """
    online = RegistrationSource(given.get("source", RegistrationSource.ONLINE)) \
        == RegistrationSource.ONLINE
    # A caller's own clock (``now``) is honoured under the lock: the statement takes the
    # database's clock when the lock is granted.
    if online and given.get("now") is None and at_once.applies(**{key: given.get(key) for key in (
            "companions", "companion_names", "answers", "organisation", "asked")}):
        if window_reason(event, utcnow()) is None:
            registration = _new_registration(
                event, source=RegistrationSource.ONLINE, consent=given.get("consent", True),
                **{key: given.get(key) for key in (
                    "name", "email", "needs_step_free", "needs_hearing_loop",
                    "needs_sign_language", "needs_other", "user", "client_address")},
                locale=given.get("locale", "nl"))
            if at_once.register(event, registration) is not None:
                return RegistrationResult(registration, True, None)
    result = register(event, **given)
    db.session.commit()
    return result


def register(
    event: Event,
    *,
    name: str | None,
    email: str | None,
    companions: int = 0,
    companion_names: list[str] | None = None,
    answers: dict[int, object] | None = None,
    organisation: str | None = None,
    needs_step_free: bool = False,
    needs_hearing_loop: bool = False,
    needs_sign_language: bool = False,
    needs_other: str | None = None,
    locale: str = "nl",
    user=None,
    consent: bool = True,
    source: RegistrationSource = RegistrationSource.ONLINE,
    now: datetime | None = None,
    client_address: str | None = None,
    asked: list | None = None,
) -> RegistrationResult:
    """Give a person a place, or a place on the waiting list, and queue the mail that says so.

    Registering again with the same e-mail address returns the existing registration
    (``created=False``) and mails its manage link again; it never takes a second place.
    Organisers adding someone (MANUAL) or a walk-in (WALK_IN, checked in at once) skip the
    registration window, never the capacity. ``companions`` people come along (up to the
    event's ``companions_allowed``); the group is confirmed only if all its places are free.
    ``answers`` answer the event's questions by question id (see ``questions.answers_for``;
    ``asked``: the questions, when the caller loaded them for its form);
    organisers adding someone may leave required questions unanswered. ``organisation`` is
    who the person registers on behalf of; the event may limit places per organisation.

    :raises RegistrationClosed: online registration outside the window.
    :raises EventFull: a walk-in when no place is free.
    """
    source = RegistrationSource(source)
    # What needs no lock is done before taking it: the input checked, the registration built
    # with what the person gave, the code drawn (checked under the lock), the manage key.
    registration = _new_registration(
        event, name=name, email=email, needs_step_free=needs_step_free,
        needs_hearing_loop=needs_hearing_loop, needs_sign_language=needs_sign_language,
        needs_other=needs_other, locale=locale, user=user, consent=consent, source=source,
        client_address=client_address)
    name, email, code = registration.name, registration.email, registration.code
    answer_rows = questions.answers_for(
        event, answers, enforce_required=source == RegistrationSource.ONLINE, asked=asked
    )

    # The lock, then (a new statement, after the lock was granted: it sees every registration
    # committed before) what the lock must be held for: is the address registered already,
    # is the drawn check-in code free, how many are waiting. One round trip.
    event, checked = _lock_event_then(
        event, (_UNDER_LOCK, {"event_id": event.id, "email": email, "code": code}))
    now_given = now is not None
    now = now or utcnow()
    reason = window_reason(event, now)
    if source == RegistrationSource.ONLINE and reason:
        raise RegistrationClosed(reason)
    if reason in ("cancelled", "draft"):
        raise RegistrationClosed(reason)

    existing_id, code_taken, waiting_before = (
        checked["existing_id"], bool(checked["code_taken"]), checked["waiting"])
    if existing_id is not None:
        existing = db.session.get(Registration, existing_id)
        if user is not None and existing.user_id is None and user.email == email:
            existing.user_id = user.id
        mails.manage_link_again(existing)
        db.session.flush()
        return RegistrationResult(existing, False, _position_if_waiting(existing))

    companions, companion_names = _check_companions(event, companions, companion_names)
    organisation = tidy_organisation(organisation)
    _check_organisation(event, organisation, 1 + companions)
    if event.waiting_count and event.capacity is not None and not event.is_full:
        # Free places with people waiting: they go first (normally promotion already did it).
        promote_from_waiting_list(event, now=now, _locked=True)
        waiting_before = None  # counted again below

    has_place = _fits(event, 1 + companions)
    if source == RegistrationSource.WALK_IN and not has_place:
        raise EventFull(
            _l("The event is full. Raise the capacity first to let this person in."),
            field="capacity",
        )
    # Arrival is the moment the lock was granted: that is the order of the waiting list.
    arrived = now if now_given else utcnow()
    confirm_by = None
    if event.confirm_within_hours and source == RegistrationSource.ONLINE:
        confirm_by = arrived + timedelta(hours=event.confirm_within_hours)
    registration.companions = companions
    registration.companion_names = companion_names
    registration.organisation = organisation
    registration.status = RegistrationStatus.CONFIRMED if has_place else RegistrationStatus.WAITING
    if code_taken:
        registration.code = _new_code(event)
    registration.consent_at = arrived if consent else None
    registration.created_at = arrived
    registration.confirmed_at = arrived if has_place else None
    registration.checked_in_at = arrived if source == RegistrationSource.WALK_IN else None
    registration.confirm_by = confirm_by
    position = None
    if not has_place:
        # Under the lock, the newest registration is last in line.
        if waiting_before is None:  # people were promoted above: count the line again
            waiting_before = db.session.scalar(sa.select(sa.func.count()).select_from(
                waiting_list(event.id).subquery()))
        position = waiting_before + 1
    # The registration, its mail (naming it by event and code until it has an id) and the
    # event's counters in one statement: the lock is held for one round trip, not a flush.
    new = [registration]
    if email and source != RegistrationSource.WALK_IN:
        new.append(mails.first_mail(registration, position))
    counter = "confirmed_count" if has_place else "waiting_count"
    write_at_once(db.session(), new, changed=[(event, {
        counter: getattr(event, counter) + registration.places,
        "updated_at": event.updated_at,  # a new sign-up is not an edit (see _counts_changed)
    })])
    set_committed_value(registration, "event", event)
    if answer_rows:
        registration.answers = answer_rows
        db.session.flush()
    return RegistrationResult(registration, True, position)


def _position_if_waiting(registration: Registration) -> int | None:
    if registration.status != RegistrationStatus.WAITING:
        return None
    return waiting_list_position(registration)


def waiting_list(event_id: int) -> sa.Select:
    """Build the query for an event's waiting list, next in line first.

    The one definition of the order: arrival, which is the id (assigned under the event's
    lock, so it follows the order in which the lock was granted).
    """
    return (
        sa.select(Registration)
        .where(Registration.event_id == event_id,
               Registration.status == RegistrationStatus.WAITING)
        .order_by(Registration.id)
    )


def waiting_positions(event: Event) -> dict[int, int]:
    """Map the id of each registration on the event's waiting list to its place (1 = next)."""
    ids = db.session.scalars(waiting_list(event.id).with_only_columns(Registration.id))
    return {registration_id: place for place, registration_id in enumerate(ids, start=1)}


def waiting_list_position(registration: Registration) -> int | None:
    """Return the place on the waiting list (1 = next in line), or None when not waiting."""
    if registration.status != RegistrationStatus.WAITING:
        return None
    ahead = waiting_list(registration.event_id).where(Registration.id <= registration.id)
    return db.session.scalar(sa.select(sa.func.count()).select_from(ahead.subquery()))


# --- leaving, promotion, capacity ----------------------------------------------------------


def cancel(
    registration: Registration,
    *,
    by_organiser: bool = False,
    reason: CancelReason | None = None,
    message: str | None = None,
    now: datetime | None = None,
) -> list[Registration]:
    """Cancel a registration, mail a receipt and promote whoever is next; return the promoted.

    The person may say why (``reason``, counted for the organisers). An organiser cancelling
    someone's registration must tell them why: ``message`` goes into the mail. Cancelling an
    already cancelled registration does nothing.
    """
    now = now or utcnow()
    message = (message or "").strip() or None
    if by_organiser and not message:
        raise RegistrationError(
            _l("Tell the person why their registration is cancelled; it goes into the mail "
               "they get."), field="message")
    if message and len(message) > CANCEL_MESSAGE_MAX:
        raise RegistrationError(
            _l("Write at most %(max)d characters.", max=CANCEL_MESSAGE_MAX), field="message")
    reason = CancelReason(reason) if reason else None
    event = lock_event(registration.event)
    registration = _reload(registration)
    if registration.status == RegistrationStatus.CANCELLED:
        return []
    if not by_organiser and event.starts_at <= now:
        raise RegistrationError(
            _l("This event has already started; the registration can no longer be cancelled.")
        )
    was_confirmed = registration.status == RegistrationStatus.CONFIRMED
    if was_confirmed:
        event.confirmed_count -= registration.places
    else:
        event.waiting_count -= registration.places
    _counts_changed(event)
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.cancel_reason = None if by_organiser else reason
    registration.cancel_message = message if by_organiser else None
    registration.checked_in_at = None
    db.session.flush()
    if registration.email:
        mails.cancellation_receipt(registration, by_organiser=by_organiser)
    if was_confirmed:
        return promote_from_waiting_list(event, now=now, _locked=True)
    return []


def promote_from_waiting_list(
    event: Event, now: datetime | None = None, *, _locked: bool = False
) -> list[Registration]:
    """Fill free places from the waiting list, first fit in order of arrival; mail and return
    the promoted (see the module's docstring for the rule)."""
    if not _locked:
        event = lock_event(event)
    now = now or utcnow()
    if event.status != EventStatus.PUBLISHED or event.starts_at <= now or not event.waiting_count:
        return []
    free = None if event.capacity is None else event.capacity - event.confirmed_count
    if free is not None and free <= 0:
        return []
    line = db.session.execute(
        waiting_list(event.id).with_only_columns(Registration.id, Registration.companions)
    ).all()
    chosen = []
    for registration_id, companions in line:
        if free is not None and free <= 0:
            break
        if free is None or 1 + companions <= free:
            chosen.append(registration_id)
            if free is not None:
                free -= 1 + companions
    promoted = list(
        db.session.scalars(waiting_list(event.id).where(Registration.id.in_(chosen)))
    ) if chosen else []
    for registration in promoted:
        _confirm(event, registration, now)
    db.session.flush()
    for registration in promoted:
        if registration.email:
            mails.promoted(registration)
    return promoted


def _confirm(event: Event, registration: Registration, now: datetime) -> None:
    registration.status = RegistrationStatus.CONFIRMED
    registration.confirmed_at = now
    event.waiting_count -= registration.places
    event.confirmed_count += registration.places
    _counts_changed(event)


def promote(registration: Registration, *, now: datetime | None = None) -> Registration:
    """Give one person on the waiting list a free place by hand, and mail them.

    :raises EventFull: no place is free (raise the capacity first).
    """
    now = now or utcnow()
    event = lock_event(registration.event)
    registration = _reload(registration)
    if registration.status != RegistrationStatus.WAITING:
        raise RegistrationError(_l("This person is not on the waiting list."))
    if not _fits(event, registration.places):
        raise EventFull(
            _l("No place is free. Raise the capacity first to promote this person.")
            if registration.places == 1
            else _l("Not enough places are free for this group. Raise the capacity first to "
                    "promote it."),
            field="capacity",
        )
    _confirm(event, registration, now)
    db.session.flush()
    if registration.email:
        mails.promoted(registration)
    return registration


def remove_companion(
    registration: Registration,
    index: int,
    *,
    by_registrant: bool = False,
    now: datetime | None = None,
) -> list[Registration]:
    """Take one companion off a group, freeing their place; return whoever moved up.

    ``index`` counts the group's companions from 0. The registrant is mailed (a receipt when
    they did it themselves, which they can until the event starts). A confirmed group's freed
    place goes to the waiting list; a waiting group that now fits is confirmed by the same
    rule.
    """
    now = now or utcnow()
    event = lock_event(registration.event)
    registration = _reload(registration)
    if registration.status == RegistrationStatus.CANCELLED:
        raise RegistrationError(_l("This registration is cancelled."))
    if by_registrant and event.starts_at <= now:
        raise RegistrationError(
            _l("This event has already started; your group can no longer be changed."))
    if not 0 <= index < registration.companions:
        raise RegistrationError(_l("This companion is no longer part of the group."))
    names = registration.companion_labels
    del names[index]
    while names and not names[-1]:
        names.pop()
    registration.companion_names = names or None
    registration.companions -= 1
    if registration.status == RegistrationStatus.CONFIRMED:
        event.confirmed_count -= 1
    else:
        event.waiting_count -= 1
    _counts_changed(event)
    db.session.flush()
    if registration.email:
        mails.group_changed(registration, by_registrant=by_registrant)
    return promote_from_waiting_list(event, now=now, _locked=True)


def change_capacity(
    event: Event, capacity: int | None, *, now: datetime | None = None
) -> list[Registration]:
    """Set the number of places (None = unlimited) and promote into new places.

    :raises CapacityTooLow: fewer places than people already confirmed.
    """
    event = lock_event(event)
    if capacity is not None and capacity < 0:
        raise CapacityTooLow(_l("The capacity cannot be negative."), field="capacity")
    if capacity is not None and capacity < event.confirmed_count:
        raise CapacityTooLow(
            _l(
                "%(count)d people are already confirmed: the capacity cannot be lower than "
                "that. Remove registrations first.",
                count=event.confirmed_count,
            ),
            field="capacity",
        )
    event.capacity = capacity
    db.session.flush()
    return promote_from_waiting_list(event, now=now, _locked=True)


def cancel_all_for_event(event: Event, *, now: datetime | None = None) -> list[Registration]:
    """Cancel every active registration of a cancelled event and mail each person."""
    now = now or utcnow()
    event = lock_event(event)
    registrations = list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.event_id == event.id, Registration.status.in_(ACTIVE))
            .order_by(Registration.id)
        )
    )
    for registration in registrations:
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = now
        registration.checked_in_at = None
    event.confirmed_count = 0
    event.waiting_count = 0
    _counts_changed(event)
    db.session.flush()
    for registration in registrations:
        if registration.email:
            mails.event_cancelled(registration)
    return registrations


# --- at the door ---------------------------------------------------------------------------


def find_by_code(event: Event, code: str) -> Registration | None:
    """Find a registration of the event by its check-in code (case and spaces ignored)."""
    code = re.sub(r"[\s-]", "", code or "").upper()
    if not code or len(code) > 16:
        return None
    return db.session.scalar(
        sa.select(Registration).where(Registration.event_id == event.id, Registration.code == code)
    )


def check_in(registration: Registration, *, now: datetime | None = None) -> Registration:
    """Mark a confirmed person as present (doing it twice changes nothing)."""
    if registration.status != RegistrationStatus.CONFIRMED:
        raise RegistrationError(
            _l("Only confirmed registrations can be checked in; this one is %(status)s.",
               status=status_label(registration.status))
        )
    if registration.checked_in_at is None:
        registration.checked_in_at = now or utcnow()
        db.session.flush()
    return registration


def undo_check_in(registration: Registration) -> Registration:
    """Mark a person as not present after all."""
    registration.checked_in_at = None
    db.session.flush()
    return registration


#: The reasons someone can give for cancelling, in the order the form offers them.
CANCEL_REASONS = {
    CancelReason.ILL: _l("I am ill or cannot come for health reasons"),
    CancelReason.OTHER_PLANS: _l("Something else came up"),
    CancelReason.CANNOT_GET_THERE: _l("I cannot get there"),
    CancelReason.NOT_INTERESTED: _l("I am no longer interested"),
    CancelReason.OTHER: _l("Another reason"),
}


def status_label(status: RegistrationStatus) -> str:
    """Name a registration status in the current language."""
    return str(
        {
            RegistrationStatus.CONFIRMED: _l("confirmed"),
            RegistrationStatus.WAITING: _l("on the waiting list"),
            RegistrationStatus.CANCELLED: _l("cancelled"),
        }[RegistrationStatus(status)]
    )


def person_registrations(user) -> sa.Select:
    """Build the query for a person's registrations, in any state: those made while signed
    in, and those made with the account's address once the account has confirmed it."""
    conditions = [Registration.user_id == user.id]
    if getattr(user, "email_verified", False):
        conditions.append(Registration.email == normalise_email(user.email))
    return sa.select(Registration).where(sa.or_(*conditions))


def registrations_of_user(user) -> list[Registration]:
    """Return a signed-in person's registrations, next events first and past ones last."""
    rows = db.session.scalars(
        person_registrations(user)
        .join(Registration.event)
        .where(Registration.purged_at.is_(None))
        .options(sa.orm.contains_eager(Registration.event))
        .order_by(Event.starts_at.desc(), Registration.id.desc())
    )
    return list(rows)


# --- confirming by mail ---------------------------------------------------------------------


def confirm_by_mail(registration: Registration, now: datetime | None = None) -> Registration:
    """Record that the registrant confirmed their place with the link in their mail."""
    registration = _reload(registration)
    if registration.status == RegistrationStatus.CANCELLED:
        raise RegistrationError(_l("This registration is cancelled; there is nothing to confirm."))
    if registration.email_confirmed_at is None:
        registration.email_confirmed_at = now or utcnow()
    registration.confirm_by = None
    db.session.flush()
    return registration


def needs_confirmation(registration: Registration) -> bool:
    """Tell whether the place still waits for the registrant's confirmation by mail."""
    return (registration.confirm_by is not None and registration.email_confirmed_at is None
            and registration.status != RegistrationStatus.CANCELLED)


def release_unconfirmed(now: datetime | None = None, limit: int = 1000) -> int:
    """Give up the places nobody confirmed in time, promote the waiting list; return how many.

    A periodic job (``flask registrations release-unconfirmed``): each event is locked while
    its registrations are released, so it runs safely beside sign-ups and other runs.
    """
    now = now or utcnow()
    # Waiting ones first: the places freed afterwards must not go to someone released next.
    waiting_first = sa.case((Registration.status == RegistrationStatus.WAITING, 0), else_=1)
    due = db.session.execute(
        sa.select(Registration.id, Registration.event_id)
        .where(Registration.confirm_by < now, Registration.email_confirmed_at.is_(None),
               Registration.status.in_(ACTIVE))
        .order_by(Registration.event_id, waiting_first, Registration.id)
        .limit(limit)
    ).all()
    released = 0
    for event_id in dict.fromkeys(row.event_id for row in due):
        event = lock_event(db.session.get(Event, event_id))
        freed = False
        for row in (r for r in due if r.event_id == event_id):
            registration = _reload(db.session.get(Registration, row.id))
            if not needs_confirmation(registration) or registration.confirm_by >= now:
                continue
            # A group gives up all its places at once.
            if registration.status == RegistrationStatus.CONFIRMED:
                event.confirmed_count -= registration.places
                freed = True
            else:
                event.waiting_count -= registration.places
            _counts_changed(event)
            registration.status = RegistrationStatus.CANCELLED
            registration.cancelled_at = now
            db.session.flush()
            if registration.email:
                mails.released(registration)
            released += 1
        if freed:
            promote_from_waiting_list(event, now=now, _locked=True)
    db.session.flush()
    return released


# --- reminders -----------------------------------------------------------------------------


def reminder_window(now: datetime) -> tuple[datetime, datetime]:
    """Return the span of event start times that get a reminder now: up to the end of tomorrow."""
    today = now.astimezone(BRUSSELS).date()
    return now, brussels_day_start(today + timedelta(days=2))


def send_reminders(now: datetime | None = None, limit: int = 5000) -> int:
    """Mail confirmed registrants of events starting tomorrow (once each); return how many."""
    now = now or utcnow()
    begin_write(db.session())
    start, end = reminder_window(now)
    query = (
        sa.select(Registration)
        .join(Registration.event)
        .where(
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.reminder_sent_at.is_(None),
            Registration.email.is_not(None),
            Event.status == EventStatus.PUBLISHED,
            Event.starts_at > start,
            Event.starts_at < end,
        )
        .order_by(Registration.id)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        # Two cron runs at once each take different rows; neither mails anyone twice.
        query = query.with_for_update(of=Registration, skip_locked=True)
    registrations = list(db.session.scalars(query))
    for registration in registrations:
        registration.reminder_sent_at = now
        mails.reminder(registration)
    db.session.flush()
    return len(registrations)


# --- what an organiser's change to an event means for its registrations ---------------------


@event_signals.capacity_changing.connect
def _on_capacity_changing(event: Event, capacity: int | None) -> None:
    change_capacity(event, capacity)


@event_signals.cancelling.connect
def _on_event_cancelling(event: Event, now: datetime | None = None) -> None:
    cancel_all_for_event(event, now=now)


@event_signals.duplicated.connect
def _on_event_duplicated(event: Event, copy: Event) -> None:
    questions.copy_questions(event, copy)
