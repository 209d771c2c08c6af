"""Where personal data lives: every table and column, declared once.

Each table of the database has an entry here, and each of its columns is either
:class:`Personal` (with its purpose, retention and whether "Download my data" includes it)
or named in ``other`` (not personal data). ``tests/privacy/test_privacy_registry.py`` reads
every column of every model and fails on one that is not declared, so a new column has to be
classified before it ships.

The privacy services are driven by this registry:

* **download** (:func:`participation.privacy.services.personal_data`) exports, per table,
  the rows that ``rows_of`` links to the person and only their ``exported`` columns;
* **deletion** deletes or anonymises (``on_delete``) the person's rows: every ``Personal``
  column gets its ``erased`` value, and every column that ``links`` to an account is cut;
* **purge** (:func:`participation.privacy.services.purge_personal_data`) does the same to
  rows whose retention (``expired``) has passed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from participation.accounts.models import User, UserRole
from participation.events.models import Event, event_organisers
from participation.feedback.models import Opinion, OpinionReport
from participation.mail.models import OutboxMessage, OutboxStatus
from participation.policy.models import Follow
from participation.registrations.models import Registration, RegistrationAnswer
from participation.registrations.services import person_registrations

#: ``erased`` value of a column kept as it is when its row is anonymised (an anonymous count).
KEEP = object()


@dataclass(frozen=True)
class Personal:
    """A column holding personal data."""

    purpose: str
    #: Whether "Download my data" includes it (secrets such as password hashes are left out).
    exported: bool = True
    #: The value it gets when its row is anonymised; KEEP for facts that stay as counts.
    erased: object = None
    #: Overrides the table's retention, when this column goes sooner or later.
    retention: str | None = None


@dataclass(frozen=True)
class Table:
    """One table: whose data it holds, why, how long, and how each column is classified."""

    name: str
    #: Whose personal data the rows are, in words (for SECURITY.md and reviewers).
    owner: str
    purpose: str
    retention: str
    columns: dict[str, Personal] = field(default_factory=dict)
    #: Columns that hold no personal data (ids, references, states of the platform).
    other: tuple[str, ...] = ()
    #: Columns that point at an account: cut (set to NULL) when that account is deleted.
    links: tuple[str, ...] = ()
    #: The rows that belong to a person; None when no row belongs to one person.
    rows_of: Callable[[User], sa.ColumnElement[bool]] | None = None
    #: Name of the section in "Download my data"; None keeps the table out of it.
    section: str | None = None
    #: What deleting the owner's account does with their rows: "delete" or "anonymise".
    on_delete: str = "anonymise"
    #: The rows whose retention has passed at ``cutoff``; None when kept until deletion.
    expired: Callable[[datetime], sa.ColumnElement[bool]] | None = None
    #: What the purge does with expired rows: "anonymise" or "delete".
    on_expiry: str = "anonymise"

    @property
    def table(self) -> sa.Table:
        from participation.extensions import db

        return db.metadata.tables[self.name]


def _registrations_of(user: User) -> sa.ColumnElement[bool]:
    # One home for the rule: registrations made with the address count only once the
    # account has confirmed it owns the address (registrations.services).
    mine = person_registrations(user).with_only_columns(Registration.id)
    return Registration.id.in_(mine)


def _now_unless_set(column, now: datetime):
    return sa.func.coalesce(column, sa.bindparam("erased_at", now, type_=column.type))


def _registrations_expired(cutoff: datetime) -> sa.ColumnElement[bool]:
    ended = sa.select(Event.id).where(Event.ends_at < cutoff).scalar_subquery()
    return sa.and_(Registration.event_id.in_(ended), Registration.purged_at.is_(None))


def _answers_of(user: User) -> sa.ColumnElement[bool]:
    mine = person_registrations(user).with_only_columns(Registration.id)
    return RegistrationAnswer.registration_id.in_(mine)


def _answers_expired(cutoff: datetime) -> sa.ColumnElement[bool]:
    # Every answer of an event that ended before the cutoff, whether or not its registration
    # was purged already (the purge walks the tables in order).
    ended = sa.select(Event.id).where(Event.ends_at < cutoff).scalar_subquery()
    expired = sa.select(Registration.id).where(Registration.event_id.in_(ended))
    return RegistrationAnswer.registration_id.in_(expired)


def _mails_expired(cutoff: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(
        sa.and_(OutboxMessage.status == OutboxStatus.SENT, OutboxMessage.sent_at < cutoff),
        sa.and_(OutboxMessage.status == OutboxStatus.FAILED, OutboxMessage.created_at < cutoff),
    )


ACCOUNT = "the account holder"
UNTIL_DELETED = "until the account is deleted"
AS_COUNT = "kept without a link to the person when the account is deleted (anonymous counts)"

REGISTRY: tuple[Table, ...] = (
    Table(
        "users", owner=ACCOUNT, purpose="signing in, mail about what they follow",
        retention=UNTIL_DELETED, section="account", on_delete="delete",
        rows_of=lambda user: User.id == user.id,
        columns={
            "email": Personal("sign-in and mail"),
            "name": Personal("shown to organisers and, if chosen, with opinions"),
            "password_hash": Personal("sign-in", exported=False),
            "email_verified_at": Personal("proof the address is theirs"),
            "locale": Personal("language of pages and mail"),
            "created_at": Personal("account history"),
            "notify_updates": Personal("mail preference"),
            "postcode": Personal("representativeness, with consent"),
            "age_band": Personal("representativeness, with consent"),
            "profile_consent_at": Personal("proof of consent for postcode and age band"),
        },
        other=("id", "active", "session_version"),
    ),
    Table(
        "user_roles", owner=ACCOUNT, purpose="what the account may do",
        retention=UNTIL_DELETED, section="roles", on_delete="delete",
        rows_of=lambda user: UserRole.user_id == user.id,
        columns={"role": Personal("access control"), "granted_at": Personal("access history")},
        other=("user_id",),
    ),
    Table(
        "event_organisers", owner="the organiser", purpose="who manages which event",
        retention=UNTIL_DELETED, section="organised_events", on_delete="delete",
        rows_of=lambda user: event_organisers.c.user_id == user.id,
        columns={"event_id": Personal("which events the organiser manages")},
        other=("user_id",),
    ),
    Table(
        "registration_answers", owner="the registrant",
        purpose="answers to the event's own registration questions",
        retention="deleted with the registration's other personal data, "
                  "PRIVACY_RETENTION_DAYS after the event",
        # Listed before registrations: erasing an account empties the answers while the
        # registrations still lead to them (anonymised answers are deleted by the purge).
        section="registration_answers", rows_of=_answers_of, expired=_answers_expired,
        on_expiry="delete",
        columns={
            "text": Personal("the answer to a text or number question"),
            "yes": Personal("the answer to a yes/no question"),
            "chosen_nl": Personal("the options chosen"),
            "chosen_en": Personal("the options chosen"),
        },
        other=("id", "registration_id", "question_id", "kind", "label_nl", "label_en"),
    ),
    Table(
        "registration_questions", owner="nobody (asked of everyone who registers)",
        purpose="the event's registration form", retention="as long as the event",
        other=tuple("id event_id position kind label_nl label_en help_nl help_en choices_nl "
                    "choices_en required on_sign_in_sheet created_at".split()),
    ),
    Table(
        "registrations", owner="the registrant", purpose="a place at an event",
        retention="name, address and free-text needs until PRIVACY_RETENTION_DAYS after the "
                  "event; the rest as anonymous counts",
        section="registrations", rows_of=_registrations_of, expired=_registrations_expired,
        columns={
            "name": Personal("the attendee list and the sign-in sheet"),
            "email": Personal("mail about the registration"),
            "needs_other": Personal("access and dietary needs, free text"),
            "companion_names": Personal("who comes along (names optional), for the sign-in "
                                        "sheet"),
            "cancel_message": Personal("the organiser's reason, mailed to the person"),
            "companions": Personal("places taken by the group", erased=KEEP,
                                   retention=AS_COUNT),
            "organisation": Personal("registering on behalf of an organisation (counted per "
                                     "organisation)", erased=KEEP, retention=AS_COUNT),
            "cancel_reason": Personal("why they cancelled (organisers see totals only)",
                                      erased=KEEP, retention=AS_COUNT),
            "mailbox": Personal("spotting many sign-ups from one mailbox (abuse)"),
            "client_network": Personal("spotting bursts of sign-ups from one network (abuse); "
                                       "the /24 or /48 network, never the full address"),
            "confirm_by": Personal("deadline to confirm the place by mail", erased=KEEP,
                                   retention=AS_COUNT),
            "email_confirmed_at": Personal("the place was confirmed by mail", erased=KEEP,
                                           retention=AS_COUNT),
            "needs_step_free": Personal("access needs", erased=KEEP, retention=AS_COUNT),
            "needs_hearing_loop": Personal("access needs", erased=KEEP, retention=AS_COUNT),
            "needs_sign_language": Personal("access needs", erased=KEEP, retention=AS_COUNT),
            "locale": Personal("language of the mails", erased=KEEP, retention=AS_COUNT),
            "status": Personal("place or waiting list", erased=KEEP, retention=AS_COUNT),
            "source": Personal("how they registered", erased=KEEP, retention=AS_COUNT),
            "code": Personal("check-in at the door", erased=KEEP, retention=AS_COUNT),
            "manage_key": Personal("the secret of the manage link", exported=False,
                                   erased=KEEP),
            "consent_at": Personal("proof of consent", erased=KEEP, retention=AS_COUNT),
            "created_at": Personal("order of the waiting list", erased=KEEP,
                                   retention=AS_COUNT),
            "confirmed_at": Personal("registration history", erased=KEEP, retention=AS_COUNT),
            "cancelled_at": Personal("registration history", erased=KEEP, retention=AS_COUNT),
            "checked_in_at": Personal("attendance", erased=KEEP, retention=AS_COUNT),
            "reminder_sent_at": Personal("mail sent once", erased=KEEP, retention=AS_COUNT),
            "purged_at": Personal("when the personal data was removed",
                                  erased=lambda now: _now_unless_set(Registration.purged_at, now)),
        },
        links=("user_id",),
        other=("id", "event_id", "user_id"),
    ),
    Table(
        "opinions", owner="the author (and the organiser who recorded it at an event)",
        purpose="feedback on policy actions",
        retention="as long as the action is on the platform; without any link to the person "
                  "once the account is deleted",
        section="opinions", rows_of=lambda user: Opinion.user_id == user.id,
        columns={
            "body": Personal("the opinion itself", erased=KEEP, retention=AS_COUNT),
            "stance": Personal("the opinion itself", erased=KEEP, retention=AS_COUNT),
            "show_name": Personal("whether the name is shown", erased=False),
            "postcode": Personal("representativeness (snapshot)"),
            "age_band": Personal("representativeness (snapshot)"),
            "locale": Personal("language of the text", erased=KEEP, retention=AS_COUNT),
            "source": Personal("how it was given", erased=KEEP, retention=AS_COUNT),
            "status": Personal("moderation", erased=KEEP, retention=AS_COUNT),
            "hidden_reason": Personal("moderation", erased=KEEP, retention=AS_COUNT),
            "created_at": Personal("history", erased=KEEP, retention=AS_COUNT),
            "updated_at": Personal("history", erased=KEEP, retention=AS_COUNT),
        },
        links=("user_id", "recorded_by_id"),
        other=("id", "action_id", "event_id", "user_id", "recorded_by_id",
               "body_may_be_formula"),
    ),
    Table(
        "opinion_reports", owner="the reporter", purpose="moderation",
        retention="resolved reports are removed with the account; open ones lose the reporter",
        section="reports", rows_of=lambda user: OpinionReport.reporter_id == user.id,
        columns={
            "reason": Personal("moderation", erased=KEEP),
            "created_at": Personal("moderation", erased=KEEP),
            "resolved_at": Personal("moderation", erased=KEEP),
        },
        links=("reporter_id",),
        other=("id", "opinion_id", "reporter_id"),
    ),
    Table(
        "mail_outbox", owner="the recipient", purpose="delivering mail, with retries",
        retention="PRIVACY_RETENTION_DAYS after sending (or giving up); older mails to the "
                  "address go when the account is deleted",
        # No rows_of: deleting an account removes the mails queued before it (the service
        # keeps the cancellation receipts it queues itself); they are not in the download.
        expired=_mails_expired, on_expiry="delete",
        columns={
            "recipient": Personal("delivery", exported=False),
            "subject": Personal("delivery", exported=False),
            "body_text": Personal("delivery (may hold a name and a manage link)",
                                  exported=False),
            "body_html": Personal("delivery", exported=False),
            "attachments": Personal("delivery (calendar file, check-in code)",
                                    exported=False),
            "last_error": Personal("delivery (the mail server's answer)", exported=False),
            "headers": Personal("delivery (the one-click unsubscribe link of a follow)",
                                exported=False),
            "render": Personal("delivery (the registration a mail not yet written is about; "
                               "emptied once the worker writes it)", exported=False),
        },
        other=("id", "kind", "status", "attempts", "next_attempt_at", "created_at", "sent_at"),
    ),
    Table(
        "audit_log", owner="the actor (and the person an entry is about)",
        purpose="accountability of staff and admins",
        retention="kept for accountability; addresses in details are scrubbed when the "
                  "account they name is deleted",
        section="audit_entries",
        columns={
            "details": Personal("what was done (may name an address or a search term)",
                                erased=KEEP),
            "at": Personal("when", erased=KEEP),
            "action": Personal("what", erased=KEEP),
        },
        links=("actor_id",),
        other=("id", "actor_id", "target_type", "target_id"),
    ),
    Table(
        "follows", owner="the follower", purpose="mail for each update of a followed action "
        "or priority", retention=UNTIL_DELETED, section="follows", on_delete="delete",
        rows_of=lambda user: Follow.user_id == user.id,
        columns={
            "action_id": Personal("which action they follow"),
            "priority_id": Personal("which priority they follow"),
            "created_at": Personal("since when"),
        },
        other=("id", "user_id"),
    ),
    Table(
        "action_updates", owner="the staff member who wrote it",
        purpose="the city's report on an action", retention="as long as the action",
        links=("author_id",),
        other=("id", "action_id", "author_id", "body_nl", "body_en", "status", "progress",
               "created_at"),
    ),
    Table(
        "themes", owner="the staff member who created it",
        purpose="coding opinions (issue 17)", retention="as long as the action",
        links=("created_by_id",),
        other=("id", "action_id", "name_nl", "name_en", "suggested_phrase", "created_by_id",
               "created_at"),
    ),
    Table(
        "opinion_themes", owner="the staff member who coded the opinion",
        purpose="coding opinions; who coded what is also in the audit log",
        retention="as long as the opinion and the theme",
        links=("tagged_by_id",),
        other=("opinion_id", "theme_id", "tagged_by_id", "tagged_at", "is_quote"),
    ),
    Table(
        "rejected_theme_suggestions", owner="the staff member who rejected it",
        purpose="not proposing a rejected theme again", retention="as long as the action",
        links=("rejected_by_id",),
        other=("id", "action_id", "phrase", "rejected_by_id", "rejected_at"),
    ),
    Table(
        "events", owner="nobody (public information)", purpose="the catalogue",
        retention="as long as the platform",
        other=tuple(
            "id slug title_nl title_en summary_nl summary_en description_nl description_en "
            "topic_id starts_at ends_at venue_name address online_url public_transport_nl "
            "public_transport_en bike_nl bike_en step_free hearing_loop sign_language_on_request "
            "accessibility_notes_nl accessibility_notes_en search_title search_text "
            "language capacity registration_opens_at registration_closes_at "
            "registration_paused confirm_within_hours status confirmed_count waiting_count "
            "companions_allowed places_per_organisation "
            "created_at updated_at "
            "cancelled_at feedback_invites_sent_at closing_reminder_sent_at venue_id image_id "
            # The organising service's public contact, shown on the event page: the form asks
            # for a service's mailbox and phone, not a person's.
            "contact_service_nl contact_service_en contact_email contact_phone".split()
        ),
    ),
    Table("venues", owner="nobody (public information)", purpose="places where events are held",
          retention="as long as the platform",
          other=tuple("id name address latitude longitude district step_free hearing_loop "
                      "accessible_toilet accessibility_nl accessibility_en getting_there_nl "
                      "getting_there_en created_at updated_at".split())),
    Table("images", owner="nobody (public information)",
          purpose="pictures of events and topics, with their alt text",
          retention="as long as an event or topic uses them",
          other=tuple("id key width height widths alt_nl alt_en created_at".split())),
    Table("closing_reports", owner="nobody (public information)",
          purpose="what came of an event, written by its organisers",
          retention="as long as the event",
          other=tuple("event_id summary_nl summary_en participants created_at "
                      "updated_at".split())),
    Table("closing_outcomes", owner="nobody (public information)",
          purpose="what was said at an event about each policy action",
          retention="as long as the event",
          other=("event_id", "action_id", "position", "said_nl", "said_en")),
    Table("image_renditions", owner="nobody", purpose="the resized, re-encoded image files",
          retention="as long as their image", other=("image_id", "width", "format", "data")),
    Table("worker_job_runs", owner="nobody", purpose="when each periodic job last ran",
          retention="as long as the platform", other=("name", "last_run_at", "last_result")),
    Table("event_actions", owner="nobody", purpose="which actions an event discusses",
          retention="as long as the event", other=("event_id", "action_id")),
    Table("topics", owner="nobody", purpose="the catalogue", retention="as long as the platform",
          other=tuple("id slug position name_nl name_en description_nl description_en "
                      "image_id".split())),
    Table("policy_documents", owner="nobody", purpose="the policy note",
          retention="as long as the platform",
          other=tuple("id slug issuer_nl issuer_en title_nl title_en summary_nl summary_en url "
                      "position".split())),
    Table("priorities", owner="nobody", purpose="the policy note",
          retention="as long as the platform",
          other=tuple("id document_id slug position is_top_priority title_nl title_en summary_nl "
                      "summary_en".split())),
    Table("policy_actions", owner="nobody", purpose="the policy note",
          retention="as long as the platform",
          other=tuple("id code priority_id title_nl title_en summary_nl summary_en status "
                      "progress feedback_open created_at updated_at".split())),
)

BY_NAME = {table.name: table for table in REGISTRY}


def table(name: str) -> Table:
    """Return the registry entry of a table."""
    return BY_NAME[name]


def unclassified_columns(metadata: sa.MetaData) -> list[str]:
    """Return ``table.column`` for every column the registry does not classify."""
    missing = []
    for db_table in metadata.sorted_tables:
        entry = BY_NAME.get(db_table.name)
        declared = set(entry.columns) | set(entry.other) if entry else set()
        missing += [f"{db_table.name}.{c.name}" for c in db_table.columns
                    if c.name not in declared]
    return missing
