"""The GDPR rules: download your data, delete your account, purge data past its retention.

Services flush and never commit: the caller (view, command, test) owns the transaction.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash

from participation.accounts.errors import LastAdmin, WrongPassword
from participation.accounts.models import Role, User, UserRole
from participation.audit.models import AuditEntry
from participation.audit.services import record
from participation.database import begin_write, utcnow
from participation.events.models import Event
from participation.extensions import db
from participation.feedback.models import Opinion, OpinionReport
from participation.mail import services as mail_services
from participation.mail.models import OutboxMessage
from participation.privacy import mails, registry
from participation.registrations import services as registration_services
from participation.registrations.models import Registration, RegistrationStatus

#: Keys of audit details that may hold someone's identity; erased with the account.
PERSONAL_DETAIL_KEYS = ("email", "name", "new_email", "old_email")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _value(enum_value) -> str | None:
    return enum_value.value if enum_value is not None else None


def registrations_of(user: User) -> list[Registration]:
    """Return every registration of the account: linked to it, or made with its verified address."""
    return list(db.session.scalars(
        registration_services.person_registrations(user).order_by(Registration.id)
    ))


def _audit_entries_about(user: User, registration_ids: list[int]) -> list[AuditEntry]:
    about_registrations = sa.and_(AuditEntry.target_type == "Registration",
                                  AuditEntry.target_id.in_(registration_ids or [-1]))
    return list(db.session.scalars(
        sa.select(AuditEntry)
        .where(sa.or_(
            AuditEntry.actor_id == user.id,
            sa.and_(AuditEntry.target_type == "User", AuditEntry.target_id == user.id),
            about_registrations,
        ))
        .order_by(AuditEntry.at, AuditEntry.id)
    ))


def _json(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _rows(entry: registry.Table, user: User) -> list[dict]:
    """The person's rows of one registry table, with only its exported columns."""
    table = entry.table
    exported = [c for c in table.columns if c.name in entry.columns
                and entry.columns[c.name].exported]
    if "id" in table.c:
        exported.insert(0, table.c.id)
    query = sa.select(*exported).where(entry.rows_of(user)).order_by(*table.primary_key.columns)
    return [{k: _json(v) for k, v in row.items()}
            for row in db.session.execute(query).mappings()]


def _event(event_id: int) -> dict:
    event = db.session.get(Event, event_id)
    return {"slug": event.slug, "title": event.title, "starts_at": _iso(event.starts_at)}


def _audit_entry(entry: AuditEntry, user: User, registration_ids: set[int]) -> dict:
    about_you = (entry.target_type == "User" and entry.target_id == user.id) or (
        entry.target_type == "Registration" and entry.target_id in registration_ids)
    item = {"at": _iso(entry.at), "action": entry.action, "by_you": entry.actor_id == user.id,
            "target_type": entry.target_type}
    if about_you or entry.target_type not in ("User", "Registration"):
        item["target_id"] = entry.target_id
    # What someone did to another person (their address, a search for them) is that
    # person's data, not the actor's.
    if about_you:
        item["details"] = entry.details
    return item


def personal_data(user: User, now: datetime | None = None) -> dict:
    """Collect everything held about the account holder, as the registry declares it."""
    data: dict = {"generated_at": _iso(now or utcnow())}
    for entry in registry.REGISTRY:
        if entry.section is None or entry.rows_of is None:
            continue
        data[entry.section] = _rows(entry, user)
    data["account"] = data["account"][0]
    for item in data["registrations"]:
        item["event"] = _event(db.session.get(Registration, item["id"]).event_id)
    for item in data["organised_events"]:
        item["event"] = _event(item.pop("event_id"))
    for item in data["opinions"]:
        opinion = db.session.get(Opinion, item["id"])
        item["action"] = opinion.action.code
        item["event"] = opinion.event.slug if opinion.event else None
    registration_ids = {item["id"] for item in data["registrations"]}
    data["audit_entries"] = [
        _audit_entry(e, user, registration_ids)
        for e in _audit_entries_about(user, sorted(registration_ids))
    ]
    return data


# --- erasure -----------------------------------------------------------------------------


@dataclass
class DeletionResult:
    """What deleting an account did with the data linked to it."""

    registrations_cancelled: int = 0
    registrations_removed: int = 0
    registrations_anonymised: int = 0
    opinions_anonymised: int = 0


def _erased_values(entry: registry.Table, now: datetime) -> dict:
    """The values that anonymise a row of the table: every Personal column not kept."""
    values = {}
    for name, column in entry.columns.items():
        if column.erased is registry.KEEP:
            continue
        values[name] = column.erased(now) if callable(column.erased) else column.erased
    return values


def _anonymise(entry: registry.Table, where, now: datetime) -> int:
    values = _erased_values(entry, now)
    if not values:
        return 0
    return db.session.execute(
        sa.update(entry.table).where(where).values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount


def erase_person(user: User, now: datetime) -> None:
    """Anonymise or delete every row the registry links to ``user``, then cut every link."""
    for entry in registry.REGISTRY:
        if entry.rows_of is not None and entry.on_delete == "anonymise":
            _anonymise(entry, entry.rows_of(user), now)
    for entry in registry.REGISTRY:
        for link in entry.links:
            column = entry.table.c[link]
            db.session.execute(sa.update(entry.table).where(column == user.id)
                               .values({link: None})
                               .execution_options(synchronize_session=False))
    for entry in reversed(registry.REGISTRY):
        if entry.rows_of is not None and entry.on_delete == "delete":
            db.session.execute(sa.delete(entry.table).where(entry.rows_of(user))
                               .execution_options(synchronize_session=False))


def _scrub_details(entry: AuditEntry) -> None:
    if any(key in (entry.details or {}) for key in PERSONAL_DETAIL_KEYS):
        entry.details = {k: v for k, v in entry.details.items() if k not in PERSONAL_DETAIL_KEYS}


def delete_account(user: User, password: str, now: datetime | None = None) -> DeletionResult:
    """Delete the account after checking its password, keeping only anonymised traces.

    Registrations of events that have not started are cancelled (so the waiting list moves
    up) and removed; those of events that started are kept without name, address or free
    text. Opinions are kept without any link to the person. Mails to the address queued
    before are removed. The audit log notes the deletion without personal data.

    :raises WrongPassword: the password does not match.
    :raises LastAdmin: the account is the platform's last administrator.
    """
    begin_write(db.session())
    if not user.password_hash or not check_password_hash(user.password_hash, password or ""):
        raise WrongPassword(_l("The password is not correct."), field="password")
    if user.is_admin:
        admins = db.session.scalar(
            sa.select(sa.func.count()).select_from(UserRole).where(UserRole.role == Role.ADMIN)
        )
        if admins <= 1:
            raise LastAdmin(_l("You are the last administrator. Make someone else an "
                                     "administrator before you delete your account."))
    now = now or utcnow()
    result = DeletionResult()
    email, locale = user.email, user.locale
    last_mail_before = db.session.scalar(sa.select(sa.func.max(OutboxMessage.id))) or 0
    registrations = registrations_of(user)
    registration_ids = [r.id for r in registrations]

    removed = []
    for registration in registrations:
        if registration.event.starts_at > now:
            if registration.status != RegistrationStatus.CANCELLED:
                registration_services.cancel(registration, now=now)
                result.registrations_cancelled += 1
            removed.append(registration)
        else:
            result.registrations_anonymised += 1
    # The cancellation receipts are queued unwritten, and the worker could no longer write
    # them once their registrations are gone: write them now (a deletion is rare).
    mail_services.write_queued_since(last_mail_before)
    for registration in removed:
        db.session.delete(registration)
        result.registrations_removed += 1
    db.session.flush()
    result.opinions_anonymised = db.session.scalar(
        sa.select(sa.func.count(Opinion.id)).where(Opinion.user_id == user.id))
    db.session.execute(
        sa.delete(OpinionReport)
        .where(OpinionReport.reporter_id == user.id, OpinionReport.resolved_at.is_not(None))
    )

    for entry in _audit_entries_about(user, registration_ids):
        _scrub_details(entry)
    # The cancellation receipts queued above still go out; every older mail to the address
    # (copies of sent ones, and pending ones about registrations that no longer exist) goes.
    db.session.execute(
        sa.delete(OutboxMessage).where(OutboxMessage.recipient == email,
                                       OutboxMessage.id <= last_mail_before)
    )
    record(None, "account.delete", user, **{
        "registrations_cancelled": result.registrations_cancelled,
        "registrations_anonymised": result.registrations_anonymised,
        "opinions_anonymised": result.opinions_anonymised,
    })
    db.session.flush()
    erase_person(user, now)
    mails.account_deleted(email, locale, result)
    db.session.expunge(user)
    db.session.expire_all()
    return result


# --- retention ---------------------------------------------------------------------------


@dataclass
class PurgeResult:
    """How many registrations were stripped of personal data and mails removed."""

    registrations: int
    mails: int


def purge_personal_data(days: int, now: datetime | None = None) -> PurgeResult:
    """Remove names, addresses and free-text needs of registrations ``days`` after their event.

    Status, check-in and the yes/no access needs stay, so every count still adds up.
    Copies of mails delivered (or given up on) more than ``days`` ago are deleted too.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    begin_write(db.session())
    now = now or utcnow()
    cutoff = now - timedelta(days=days)
    counts = {}
    for entry in registry.REGISTRY:
        if entry.expired is None:
            continue
        if entry.on_expiry == "delete":
            counts[entry.name] = db.session.execute(
                sa.delete(entry.table).where(entry.expired(cutoff))
                .execution_options(synchronize_session=False)
            ).rowcount
        else:
            counts[entry.name] = _anonymise(entry, entry.expired(cutoff), now)
    purged, removed = counts.get("registrations", 0), counts.get("mail_outbox", 0)
    record(None, "privacy.purge", None, days=days, registrations=purged, mails=removed)
    db.session.expire_all()
    return PurgeResult(purged, removed)
