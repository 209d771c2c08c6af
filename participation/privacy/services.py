"""The GDPR rules: download your data, delete your account, purge data past its retention.

Services flush and never commit: the caller (view, command, test) owns the transaction.
"""

from __future__ import annotations

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
from participation.mail.models import OutboxMessage, OutboxStatus
from participation.registrations import services as registration_services
from participation.registrations.models import Registration, RegistrationStatus

#: Keys of audit details that may hold someone's identity; erased with the account.
PERSONAL_DETAIL_KEYS = ("email", "name", "new_email", "old_email")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _value(enum_value) -> str | None:
    return enum_value.value if enum_value is not None else None


def registrations_of(user: User) -> list[Registration]:
    """Return every registration of the account, linked by account or by its address."""
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


def personal_data(user: User, now: datetime | None = None) -> dict:
    """Collect everything held about the account holder, as JSON-ready data."""
    registrations = registrations_of(user)
    opinions = db.session.scalars(
        sa.select(Opinion).where(Opinion.user_id == user.id).order_by(Opinion.id)
    )
    reports = db.session.scalars(
        sa.select(OpinionReport).where(OpinionReport.reporter_id == user.id)
        .order_by(OpinionReport.id)
    )
    entries = _audit_entries_about(user, [r.id for r in registrations])
    return {
        "generated_at": _iso(now or utcnow()),
        "account": {
            "id": user.id,
            "email": user.email,
            "name": user.name,
            "locale": user.locale,
            "created_at": _iso(user.created_at),
            "email_verified_at": _iso(user.email_verified_at),
            "notify_updates": user.notify_updates,
            "postcode": user.postcode,
            "age_band": _value(user.age_band),
            "profile_consent_at": _iso(user.profile_consent_at),
        },
        "roles": [{"role": r.role.value, "granted_at": _iso(r.granted_at)}
                  for r in sorted(user.roles, key=lambda r: r.role.value)],
        "registrations": [
            {
                "id": r.id,
                "event": {"slug": r.event.slug, "title": r.event.title,
                          "starts_at": _iso(r.event.starts_at)},
                "name": r.name,
                "email": r.email,
                "status": r.status.value,
                "source": r.source.value,
                "needs_step_free": r.needs_step_free,
                "needs_hearing_loop": r.needs_hearing_loop,
                "needs_sign_language": r.needs_sign_language,
                "needs_other": r.needs_other,
                "locale": r.locale,
                "code": r.code,
                "consent_at": _iso(r.consent_at),
                "created_at": _iso(r.created_at),
                "confirmed_at": _iso(r.confirmed_at),
                "cancelled_at": _iso(r.cancelled_at),
                "checked_in_at": _iso(r.checked_in_at),
                "purged_at": _iso(r.purged_at),
            }
            for r in registrations
        ],
        "opinions": [
            {
                "id": o.id,
                "action": o.action.code,
                "event": o.event.slug if o.event else None,
                "stance": o.stance.value,
                "body": o.body,
                "show_name": o.show_name,
                "source": o.source.value,
                "status": o.status.value,
                "hidden_reason": o.hidden_reason,
                "postcode": o.postcode,
                "age_band": _value(o.age_band),
                "created_at": _iso(o.created_at),
                "updated_at": _iso(o.updated_at),
            }
            for o in opinions
        ],
        "reports": [
            {"id": r.id, "opinion_id": r.opinion_id, "reason": r.reason,
             "created_at": _iso(r.created_at), "resolved_at": _iso(r.resolved_at)}
            for r in reports
        ],
        "audit_entries": [
            {"at": _iso(e.at), "action": e.action, "by_you": e.actor_id == user.id,
             "target_type": e.target_type, "target_id": e.target_id, "details": e.details}
            for e in entries
        ],
    }


# --- erasure -----------------------------------------------------------------------------


@dataclass
class DeletionResult:
    """What deleting an account did with the data linked to it."""

    registrations_cancelled: int = 0
    registrations_removed: int = 0
    registrations_anonymised: int = 0
    opinions_anonymised: int = 0


def _anonymise_registration(registration: Registration, now: datetime) -> None:
    registration.user_id = None
    registration.name = None
    registration.email = None
    registration.needs_other = None
    registration.purged_at = registration.purged_at or now


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
    email = user.email
    last_mail_before = db.session.scalar(sa.select(sa.func.max(OutboxMessage.id))) or 0
    registrations = registrations_of(user)
    registration_ids = [r.id for r in registrations]

    for registration in registrations:
        if registration.event.starts_at > now:
            if registration.status != RegistrationStatus.CANCELLED:
                registration_services.cancel(registration, now=now)
                result.registrations_cancelled += 1
            db.session.delete(registration)
            result.registrations_removed += 1
        else:
            _anonymise_registration(registration, now)
            result.registrations_anonymised += 1

    opinions = db.session.scalars(sa.select(Opinion).where(Opinion.user_id == user.id)).all()
    for opinion in opinions:
        opinion.user_id = None
        opinion.show_name = False
        opinion.postcode = None
        opinion.age_band = None
    result.opinions_anonymised = len(opinions)
    db.session.execute(
        sa.delete(OpinionReport)
        .where(OpinionReport.reporter_id == user.id, OpinionReport.resolved_at.is_not(None))
    )
    db.session.execute(
        sa.update(OpinionReport).where(OpinionReport.reporter_id == user.id)
        .values(reporter_id=None)
    )
    db.session.execute(
        sa.update(Opinion).where(Opinion.recorded_by_id == user.id).values(recorded_by_id=None)
    )

    for entry in _audit_entries_about(user, registration_ids):
        _scrub_details(entry)
    db.session.execute(
        sa.update(AuditEntry).where(AuditEntry.actor_id == user.id).values(actor_id=None)
    )
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
    db.session.delete(user)
    db.session.flush()
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
    ended = sa.select(Event.id).where(Event.ends_at < cutoff).scalar_subquery()
    purged = db.session.execute(
        sa.update(Registration)
        .where(Registration.event_id.in_(ended), Registration.purged_at.is_(None))
        .values(name=None, email=None, needs_other=None, purged_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    removed = db.session.execute(
        sa.delete(OutboxMessage)
        .where(sa.or_(
            sa.and_(OutboxMessage.status == OutboxStatus.SENT, OutboxMessage.sent_at < cutoff),
            sa.and_(OutboxMessage.status == OutboxStatus.FAILED,
                    OutboxMessage.created_at < cutoff),
        ))
        .execution_options(synchronize_session=False)
    ).rowcount
    record(None, "privacy.purge", None, days=days, registrations=purged, mails=removed)
    db.session.expire_all()
    return PurgeResult(purged, removed)
