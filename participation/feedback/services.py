"""Residents' opinions on policy actions: giving, recording at events, reporting, moderating."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from participation.accounts.models import Role, User
from participation.audit.services import record as audit
from participation.core import snapshots
from participation.core.bilingual import Text, pick
from participation.core.errors import DomainError
from participation.core.i18n import supported_language
from participation.core.page_cache import keeping, personal_memo
from participation.core.pagination import Page
from participation.database import begin_write, utcnow
from participation.events.models import Event, EventStatus
from participation.extensions import db
from participation.feedback.mails import queue_feedback_invitation
from participation.feedback.models import (
    OPINION_MAX_LENGTH,
    Opinion,
    OpinionReport,
    OpinionSource,
    OpinionStatus,
    Stance,
)
from participation.policy import follows
from participation.policy import services as policy_services
from participation.policy.mails import queue_update_mail
from participation.policy.models import ActionUpdate, PolicyAction
from participation.registrations.models import Registration, RegistrationStatus, registrant_tag
from participation.registrations.services import normalise_email, person_registrations

REPORT_REASON_MAX_LENGTH = 500
HIDE_REASON_MAX_LENGTH = 500
#: Events that ended longer ago than this are not invited any more (e.g. at first deployment).
INVITATION_WINDOW = timedelta(days=14)


class FeedbackError(DomainError, ValueError):
    """A rule about opinions was broken; ``field`` names the form field it belongs to."""


# --- giving an opinion -------------------------------------------------------------------


def _clean_stance(stance: Stance | str | None) -> Stance:
    try:
        return Stance(stance)
    except ValueError:
        raise FeedbackError(_("Choose whether you support, have mixed feelings or oppose."),
                            "stance") from None


def _clean_body(body: str | None) -> str:
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise FeedbackError(_("Write your opinion."), "body")
    if len(text) > OPINION_MAX_LENGTH:
        raise FeedbackError(
            _("Write at most %(max)d characters.", max=OPINION_MAX_LENGTH), "body"
        )
    return text


def _require_open(action: PolicyAction) -> None:
    if not action.feedback_open:
        raise FeedbackError(_("This action is closed for feedback."))


def user_registrations(user: User) -> sa.Select:
    """Build the query for a user's registrations that are not cancelled."""
    return person_registrations(user).where(Registration.status != RegistrationStatus.CANCELLED)


@dataclass(frozen=True)
class OpinionEvent:
    """An event a resident may name with their opinion (they registered, it has started)."""

    id: int
    title_nl: str
    title_en: str | None
    starts_at: datetime

    @property
    def title(self) -> Text:
        return pick(self.title_nl, self.title_en)


def events_for_opinion(user: User, now: datetime | None = None) -> list[OpinionEvent]:
    """Return the events a user registered for that have started: they may name them.

    Asked on every signed-in action page: the person's registered events are kept in memory
    until their registrations (tags ``registrant:<id>`` and, for a confirmed address,
    ``registrant-mail:<hash>``), their account (``user:<id>``) or any event's title, time or
    state (``events``) change; the clock is applied on every use.
    """
    deps = [f"user:{user.id}", "events", registrant_tag(user_id=user.id)]
    if getattr(user, "email_verified", False):
        deps.append(registrant_tag(email=normalise_email(user.email)))
    kept = personal_memo(("events-for-opinion", user.id), lambda: _registered_events(user),
                         deps=deps)
    now = now or utcnow()
    return [OpinionEvent(*row) for row in kept if row[3] <= now]


def _registered_events(user: User) -> list[tuple]:
    # Only the event ids of the registrations: a subquery of whole rows costs more to build
    # and compile than the query takes to run.
    registered = user_registrations(user).with_only_columns(Registration.event_id)
    rows = db.session.execute(
        sa.select(Event.id, Event.title_nl, Event.title_en, Event.starts_at)
        .where(Event.id.in_(registered), Event.status != EventStatus.DRAFT)
        .order_by(Event.starts_at.desc())
    )
    return [tuple(row) for row in rows]


def own_opinion(user: User | None, action: PolicyAction) -> Opinion | None:
    """Return the user's opinion on an action, if they gave one."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        sa.select(Opinion).where(Opinion.action_id == action.id, Opinion.user_id == user.id)
    )


def kept_own_opinion(user: User | None, action: PolicyAction) -> Opinion | None:
    """``own_opinion`` for pages: a resident's opinions are kept in memory until one of them
    changes (tag ``opinions-of:<id>``: given, changed, withdrawn, hidden or shown again)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not keeping(personal=True):
        return own_opinion(user, action)
    kept = personal_memo(("opinions-of", user.id), lambda: _own_opinions(user.id),
                         deps=(f"opinions-of:{user.id}",))
    values = kept.get(action.id)
    return None if values is None else snapshots.materialise(Opinion, values)


def _own_opinions(user_id: int) -> dict[int, dict]:
    opinions = db.session.scalars(
        sa.select(Opinion).where(Opinion.user_id == user_id).options(sa.orm.lazyload("*")))
    return {opinion.action_id: snapshots.columns(opinion) for opinion in opinions}


def give_opinion(
    user: User,
    action: PolicyAction,
    stance: Stance | str,
    body: str,
    show_name: bool,
    event: Event | None = None,
    now: datetime | None = None,
) -> Opinion:
    """Give (or change) a resident's opinion on an action; one per resident per action."""
    if not user.email_verified:
        raise FeedbackError(_("Confirm your e-mail address before giving your opinion."))
    _require_open(action)
    stance = _clean_stance(stance)
    body = _clean_body(body)
    source = OpinionSource.ONLINE
    if event is not None:
        if event.starts_at > (now or utcnow()):
            raise FeedbackError(_("You can name an event once it has taken place."), "event")
        registration = db.session.scalars(
            user_registrations(user)
            .where(Registration.event_id == event.id)
            .order_by(Registration.checked_in_at.is_(None), Registration.id)
        ).first()
        if registration is None:
            raise FeedbackError(_("You can only name an event you registered for."), "event")
        if registration.checked_in_at is not None:
            source = OpinionSource.AFTER_EVENT
    consented = user.profile_consent_at is not None
    opinion = own_opinion(user, action)
    if opinion is None:
        opinion = Opinion(action=action, user_id=user.id, created_at=now or utcnow())
        db.session.add(opinion)
    opinion.stance = stance
    opinion.body = body
    opinion.show_name = bool(show_name)
    opinion.event = event
    opinion.source = source
    opinion.locale = supported_language(user.locale)
    opinion.postcode = user.postcode if consented else None
    opinion.age_band = user.age_band if consented else None
    if now is not None:
        opinion.updated_at = now
    db.session.flush()
    return opinion


def withdraw_opinion(user: User, action: PolicyAction) -> None:
    """Withdraw a resident's opinion on an action while it is open for feedback."""
    _require_open(action)
    opinion = own_opinion(user, action)
    if opinion is None:
        raise FeedbackError(_("You have not given an opinion on this action."))
    db.session.delete(opinion)
    db.session.flush()


def can_record_for(user: User, event: Event) -> bool:
    """Tell whether a user may record feedback gathered at an event."""
    if user.is_admin:
        return True
    return user.has_role(Role.ORGANISER) and any(o.id == user.id for o in event.organisers)


def record_event_feedback(
    organiser: User,
    event: Event,
    action: PolicyAction,
    stance: Stance | str,
    body: str,
    now: datetime | None = None,
) -> Opinion:
    """Record feedback gathered at an event (a table discussion, post-its), not tied to a person."""
    if not can_record_for(organiser, event):
        raise FeedbackError(_("Only the event's organisers can record its feedback."))
    if action not in event.actions:
        raise FeedbackError(_("This event does not discuss that action."), "action")
    if event.starts_at > (now or utcnow()):
        raise FeedbackError(_("Feedback can be recorded once the event has started."))
    _require_open(action)
    opinion = Opinion(
        action=action,
        event=event,
        user_id=None,
        recorded_by_id=organiser.id,
        stance=_clean_stance(stance),
        body=_clean_body(body),
        show_name=False,
        source=OpinionSource.AT_EVENT,
        locale="en" if event.language.value == "en" else "nl",
        created_at=now or utcnow(),
    )
    db.session.add(opinion)
    db.session.flush()
    return opinion


# --- reporting and moderating ------------------------------------------------------------


def report_opinion(user: User, opinion: Opinion, reason: str) -> OpinionReport:
    """Report an opinion to the moderators; each person can report an opinion once."""
    reason = (reason or "").strip()
    if not reason:
        raise FeedbackError(_("Say what is wrong with this opinion."), "reason")
    if len(reason) > REPORT_REASON_MAX_LENGTH:
        raise FeedbackError(
            _("Write at most %(max)d characters.", max=REPORT_REASON_MAX_LENGTH), "reason"
        )
    if opinion.status != OpinionStatus.PUBLISHED:
        raise FeedbackError(_("This opinion is no longer shown."))
    exists = db.session.scalar(
        sa.select(OpinionReport.id).where(
            OpinionReport.opinion_id == opinion.id, OpinionReport.reporter_id == user.id
        )
    )
    if exists:
        raise FeedbackError(_("You have already reported this opinion."), "reason")
    report = OpinionReport(opinion=opinion, reporter_id=user.id, reason=reason)
    db.session.add(report)
    db.session.flush()
    return report


def _require_staff(user: User) -> None:
    if not user.has_role(Role.STAFF):
        raise FeedbackError(_("Only policy staff can moderate opinions."))


def _resolve_reports(opinion: Opinion, now: datetime) -> int:
    open_reports = opinion.open_reports
    for report in open_reports:
        report.resolved_at = now
    return len(open_reports)


def hide_opinion(staff: User, opinion: Opinion, reason: str) -> Opinion:
    """Hide an opinion from the public with a reason; its open reports are resolved."""
    _require_staff(staff)
    reason = (reason or "").strip()
    if not reason:
        raise FeedbackError(_("Give the reason for hiding this opinion."), "reason")
    if len(reason) > HIDE_REASON_MAX_LENGTH:
        raise FeedbackError(
            _("Write at most %(max)d characters.", max=HIDE_REASON_MAX_LENGTH), "reason"
        )
    resolved = _resolve_reports(opinion, utcnow())
    opinion.status = OpinionStatus.HIDDEN
    opinion.hidden_reason = reason
    db.session.flush()
    audit(staff, "opinion.hide", opinion, reason=reason, reports_resolved=resolved)
    return opinion


def restore_opinion(staff: User, opinion: Opinion) -> Opinion:
    """Publish an opinion again (or keep it published), resolving its open reports."""
    _require_staff(staff)
    resolved = _resolve_reports(opinion, utcnow())
    previous = opinion.status
    opinion.status = OpinionStatus.PUBLISHED
    opinion.hidden_reason = None
    db.session.flush()
    audit(staff, "opinion.restore", opinion, previous_status=previous.value,
          reports_resolved=resolved)
    return opinion


@dataclass
class QueueItem:
    """An opinion in the moderation queue with its open reports."""

    opinion: Opinion
    open_reports: list[OpinionReport]


def moderation_queue(limit: int = 50) -> list[QueueItem]:
    """Return opinions with unresolved reports first (oldest report first), then the latest."""
    first_open_report = (
        sa.select(
            OpinionReport.opinion_id,
            sa.func.min(OpinionReport.created_at).label("first_report"),
        )
        .where(OpinionReport.resolved_at.is_(None))
        .group_by(OpinionReport.opinion_id)
        .subquery()
    )
    rows = db.session.scalars(
        sa.select(Opinion)
        .outerjoin(first_open_report, first_open_report.c.opinion_id == Opinion.id)
        .options(
            selectinload(Opinion.reports),
            joinedload(Opinion.action),
            joinedload(Opinion.user),
            joinedload(Opinion.event),
        )
        .order_by(
            first_open_report.c.first_report.is_(None),
            first_open_report.c.first_report,
            Opinion.created_at.desc(),
            Opinion.id.desc(),
        )
        .limit(limit)
    ).unique()
    return [QueueItem(opinion=o, open_reports=o.open_reports) for o in rows]


def event_recorded_opinions(event: Event) -> list[Opinion]:
    """Return the feedback recorded at an event, newest first."""
    return list(
        db.session.scalars(
            sa.select(Opinion)
            .where(Opinion.event_id == event.id, Opinion.source == OpinionSource.AT_EVENT)
            .options(joinedload(Opinion.action))
            .order_by(Opinion.created_at.desc(), Opinion.id.desc())
        )
    )


def get_opinion(opinion_id: int) -> Opinion | None:
    """Return an opinion by id."""
    return db.session.get(Opinion, opinion_id)


# --- public reading ----------------------------------------------------------------------


def _empty_counts() -> dict[Stance, int]:
    return {stance: 0 for stance in Stance}


def stance_counts_for(action_ids: Iterable[int]) -> dict[int, dict[Stance, int]]:
    """Count the published opinions per stance for many actions in one query."""
    ids = list(action_ids)
    counts = {action_id: _empty_counts() for action_id in ids}
    if not ids:
        return counts
    rows = db.session.execute(
        sa.select(Opinion.action_id, Opinion.stance, sa.func.count(Opinion.id))
        .where(Opinion.action_id.in_(ids), Opinion.status == OpinionStatus.PUBLISHED)
        .group_by(Opinion.action_id, Opinion.stance)
    )
    for action_id, stance, number in rows:
        counts[action_id][stance] = number
    return counts


def stance_counts(action: PolicyAction) -> dict[Stance, int]:
    """Count the published opinions on an action per stance."""
    return stance_counts_for([action.id])[action.id]


def published_opinions(action: PolicyAction, page: int = 1, per_page: int = 10) -> Page:
    """Return one page of the published opinions on an action, newest first."""
    page = max(page, 1)
    where = (Opinion.action_id == action.id, Opinion.status == OpinionStatus.PUBLISHED)
    total = db.session.scalar(sa.select(sa.func.count(Opinion.id)).where(*where)) or 0
    items = db.session.scalars(
        sa.select(Opinion)
        .where(*where)
        .options(joinedload(Opinion.user), joinedload(Opinion.event))
        .order_by(Opinion.created_at.desc(), Opinion.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page(items=list(items), page=page, per_page=per_page, total=total)


def author_label(opinion: Opinion) -> str:
    """Say who gave an opinion as the public sees it: their name only if they chose so."""
    if opinion.source == OpinionSource.AT_EVENT:
        return _("Recorded at the event")
    if opinion.show_name and opinion.user is not None:
        return opinion.user.name
    return _("A resident")


# --- inviting participants after an event ------------------------------------------------


def events_due_for_invitations(now: datetime) -> list[int]:
    """Return the ids of events that ended recently and whose participants were not invited."""
    return list(
        db.session.scalars(
            sa.select(Event.id)
            .where(
                Event.status == EventStatus.PUBLISHED,
                Event.ends_at <= now,
                Event.ends_at > now - INVITATION_WINDOW,
                Event.feedback_invites_sent_at.is_(None),
            )
            .order_by(Event.ends_at, Event.id)
        )
    )


def send_feedback_invitations(now: datetime | None = None) -> int:
    """Invite every checked-in participant of recently ended events, once; return mails queued."""
    now = now or utcnow()
    queued = 0
    begin_write(db.session())  # the Session itself: the scoped proxy lacks in_transaction()
    for event_id in events_due_for_invitations(now):
        event = db.session.scalar(
            sa.select(Event).where(Event.id == event_id).with_for_update(of=Event)
        )
        if event is None or event.feedback_invites_sent_at is not None:
            continue
        event.feedback_invites_sent_at = now
        if event.actions:
            participants = db.session.scalars(
                sa.select(Registration)
                .where(
                    Registration.event_id == event.id,
                    Registration.status == RegistrationStatus.CONFIRMED,
                    Registration.checked_in_at.is_not(None),
                    Registration.email.is_not(None),
                )
                .order_by(Registration.id)
            )
            seen: set[str] = set()
            for registration in participants:
                if registration.email in seen:
                    continue
                seen.add(registration.email)
                queue_feedback_invitation(registration, event)
                queued += 1
        db.session.flush()
    return queued


# --- closing the loop: staff report back on an action, residents who spoke are told -------


def post_update(staff, action: PolicyAction, body_nl: str | None, status, progress: int,
                *, body_en: str | None = None) -> ActionUpdate:
    """Report back on an action, set its status and progress, and tell the residents who spoke
    and those who follow it.

    ``body_nl`` and ``body_en`` are the Dutch and English text; one of them may be empty.
    """
    update = policy_services.add_update(staff, action, body_nl, status, progress,
                                        body_en=body_en)
    recipients = update_mail_recipients(action)
    for user, scope in recipients:
        queue_update_mail(user, action, update, scope)
    audit(staff, "action.update", action, update_id=update.id, status=update.status.value,
          progress=update.progress, mails=len(recipients))
    return update


def update_mail_recipients(action: PolicyAction) -> list[tuple[User, str]]:
    """Return who to tell about an update, once each, with what their unsubscribe link stops:
    followers of the action or its priority, and authors of opinions who did not opt out."""
    scopes = {user.id: "opinions" for user in db.session.scalars(update_recipients(action))}
    scopes.update(follows.followers(action))
    users = db.session.scalars(
        sa.select(User)
        .where(User.id.in_(scopes), User.active.is_(True), User.email_verified_at.is_not(None))
        .order_by(User.id)
    )
    return [(user, scopes[user.id]) for user in users]


def update_recipients(action: PolicyAction) -> sa.Select:
    """Build the query for residents to tell about an update: authors who did not opt out."""
    return (
        sa.select(User)
        .where(
            User.id.in_(sa.select(Opinion.user_id).where(Opinion.action_id == action.id)),
            User.notify_updates.is_(True),
            User.active.is_(True),
            User.email_verified_at.is_not(None),
        )
        .order_by(User.id)
    )
