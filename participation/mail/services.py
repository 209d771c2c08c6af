"""Adding mails to the outbox. Builders call ``queue_mail``; only the sender talks to SMTP.

A builder that runs under a contended lock (the registration mails, written while the event's
row is locked) calls ``queue_unwritten`` instead: the row holds only a recipe, and
``render_pending``, run by the worker before sending, writes it in its own short transaction
with the writer the builder registered in ``WRITERS``.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale

from participation.core import notify
from participation.core.i18n import supported_language
from participation.core.text import one_line
from participation.database import begin_write, utcnow
from participation.extensions import db
from participation.mail.models import OutboxMessage, OutboxStatus

#: PostgreSQL channel that wakes the workers when mail was committed.
OUTBOX_CHANNEL = "participation_outbox"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes
    #: Set to show the attachment inside the HTML body as ``<img src="cid:...">``.
    content_id: str | None = None


def public_url(endpoint: str, **values) -> str:
    """Build an absolute URL on the platform's public address (never the request's Host).

    Built from the URL map directly: pushing a request context here would run the
    request teardown hooks (ending the caller's database session) when it is popped.
    """
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"].rstrip("/"))
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def list_unsubscribe_headers(url: str) -> dict[str, str]:
    """Headers of a one-click unsubscribe (RFC 2369 and RFC 8058): mail apps show a button
    that POSTs ``List-Unsubscribe=One-Click`` to the link."""
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


@dataclass
class MailDraft:
    """What a writer returns for a mail queued unwritten: everything ``queue_mail`` takes
    but the kind and the recipient, which the outbox row already holds."""

    subject: object
    locale: str
    context: dict
    attachments: list[Attachment] = field(default_factory=list)
    headers: dict[str, str] | None = None


class CannotWrite(Exception):
    """The mail can no longer be written (what it is about is gone, e.g. erased): it is given
    up on at once instead of being retried."""


#: Writers of the mails queued unwritten, by the recipe's ``builder``. The module that queues
#: such mails registers its writer (the mail package knows none of them); a writer gets the
#: outbox row and returns a ``MailDraft`` or raises ``CannotWrite``.
WRITERS: dict[str, Callable[[OutboxMessage], MailDraft]] = {}


def _encode(attachments) -> list[dict]:
    return [
        {
            "filename": a.filename,
            "content_type": a.content_type,
            "data": base64.b64encode(a.data).decode("ascii"),
            **({"content_id": a.content_id} if a.content_id else {}),
        }
        for a in attachments
    ]


def _written(kind: str, subject, locale: str, context: dict, attachments) -> dict:
    """Render a mail's subject and bodies in ``locale``: the outbox row's written fields."""
    locale = supported_language(locale)
    with force_locale(locale):
        # A line break in a header would make every delivery attempt fail (BadHeaderError).
        subject_text = one_line(str(subject))
        body_text = render_template(f"mail/{kind}.txt", locale=locale, **context)
        body_html = render_template(f"mail/{kind}.html", locale=locale, subject=subject_text,
                                    **context)
    return {"subject": subject_text, "body_text": body_text, "body_html": body_html,
            "attachments": _encode(attachments)}


def _add(message: OutboxMessage) -> OutboxMessage:
    db.session.add(message)
    db.session.flush()
    # Wakes the listening workers when (and only if) this transaction commits, sent with the
    # transaction's other notifications in one statement.
    notify.on_commit(db.session(), OUTBOX_CHANNEL)
    return message


def queue_mail(
    kind: str,
    recipient: str,
    subject,
    locale: str,
    context: dict,
    attachments: tuple[Attachment, ...] | list[Attachment] = (),
    headers: dict[str, str] | None = None,
) -> OutboxMessage:
    """Render ``templates/mail/<kind>.txt`` and ``.html`` in ``locale`` and add them to the outbox.

    ``subject`` may be a lazy string: it is rendered in the recipient's language too.
    The worker delivers it once the surrounding transaction commits (on PostgreSQL the
    commit wakes it at once through ``NOTIFY``); if it rolls back, the mail is never sent.
    """
    return _add(OutboxMessage(
        kind=kind,
        recipient=recipient,
        headers=headers or None,
        **_written(kind, subject, locale, context, attachments),
    ))


def queue_unwritten(kind: str, recipient: str, builder: str, **recipe) -> OutboxMessage:
    """Add a mail to the outbox without writing it: only the recipe to write it later.

    For builders that run while a contended lock is held: an insert is all they cost there.
    ``WRITERS[builder]`` writes it in the worker (``render_pending``), in the language and
    with the attachments it would have had; ``recipe`` must be JSON (ids, not objects). The
    commit wakes the workers as ``queue_mail``'s does.
    """
    return _add(unwritten(kind, recipient, builder, **recipe))


def unwritten(kind: str, recipient: str, builder: str, **recipe) -> OutboxMessage:
    """The outbox row ``queue_unwritten`` adds, for a caller that inserts it itself in this
    transaction (``core.writes.write_at_once``); the commit wakes the workers all the same."""
    if builder not in WRITERS:
        raise ValueError(f"no writer registered for {builder!r}")
    notify.on_commit(db.session(), OUTBOX_CHANNEL)
    return OutboxMessage(kind=kind, recipient=recipient, render={"builder": builder, **recipe})


def _write_fields(message: OutboxMessage) -> dict:
    """Render an unwritten mail: the values of its written columns (the row is not changed).

    :raises CannotWrite: what the mail is about is gone.
    """
    writer = WRITERS.get(message.render.get("builder"))
    if writer is None:
        raise LookupError(f"no writer registered for {message.render.get('builder')!r}")
    draft = writer(message)
    fields = _written(message.kind, draft.subject, draft.locale, draft.context,
                      draft.attachments)
    if draft.headers:
        fields["headers"] = draft.headers
    return fields


def write(message: OutboxMessage) -> None:
    """Write an unwritten mail in place (in the caller's transaction) and drop its recipe.

    :raises CannotWrite: what the mail is about is gone.
    """
    if message.render is None:
        return
    for name, value in _write_fields(message).items():
        setattr(message, name, value)
    message.render = None


def write_queued_since(last_id: int) -> int:
    """Write now, in the caller's transaction, the unwritten mails queued after ``last_id``.

    For a service about to delete what such mails are about (an account deletion removes the
    registrations it just cancelled, whose receipts must still go out). Return how many.
    """
    messages = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.id > last_id, OutboxMessage.render.is_not(None),
               OutboxMessage.status == OutboxStatus.PENDING)
        .order_by(OutboxMessage.id)
    ).all()
    for message in messages:
        write(message)
    db.session.flush()
    return len(messages)


@dataclass
class RenderReport:
    """What one ``render_pending`` run did."""

    written: int = 0
    #: Could not be written this time (an error); tried again after a backoff.
    retrying: int = 0
    #: Given up on: what the mail was about is gone, or the retries ran out.
    failed: int = 0

    @property
    def attempted(self) -> int:
        return self.written + self.retrying + self.failed


def _unwritten_due(now: datetime) -> sa.Select:
    query = (
        sa.select(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.render.is_not(None),
            OutboxMessage.next_attempt_at <= now,
        )
        .order_by(OutboxMessage.id)
        .limit(1)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        # Two workers never write the same mail; neither waits for the other. (SQLite reads
        # without a lock; ``_store`` only updates a row still unwritten.)
        query = query.with_for_update(skip_locked=True)
    return query


def _write_failed(message_id: int, error: Exception, now: datetime) -> bool:
    """Note a failed attempt at writing (in a new transaction); tell whether it was given up."""
    from participation.mail.sender import backoff, gives_up  # the sender imports this module

    session = db.session()
    begin_write(session)
    message = session.get(OutboxMessage, message_id)
    if message is None:  # deleted meanwhile (privacy purge)
        session.rollback()
        return False
    message.attempts += 1
    message.last_error = f"Not written: {type(error).__name__}: {error}"[:2000]
    gave_up = gives_up(message.attempts)
    if gave_up:
        message.status = OutboxStatus.FAILED
        current_app.logger.error("Gave up writing mail %s: %s", message_id, message.last_error)
    else:
        message.next_attempt_at = now + backoff(message.attempts)
        current_app.logger.warning("Mail %s not written, retrying later: %s",
                                   message_id, message.last_error)
    session.commit()
    return gave_up


def _store(session, message_id: int, values: dict) -> None:
    """Save what writing a mail gave, in a short write transaction; commits.

    Only a row still unwritten and pending is changed: another worker may have written it
    meanwhile (SQLite), or an account deletion removed it.
    """
    if session.get_bind().dialect.name != "postgresql":
        # The mail was rendered in a read transaction: SQLite's write lock (the whole
        # database) is taken only now, for the update.
        session.rollback()
        begin_write(session)
    session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.render.is_not(None),
               OutboxMessage.status == OutboxStatus.PENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def render_pending(
    limit: int | None = None,
    now: datetime | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> RenderReport:
    """Write the mails queued unwritten that are due, each in its own short transaction.

    What the worker runs before sending (and what tests run before reading the outbox).
    Writing never holds the lock of what the mail is about: on PostgreSQL only the outbox
    row is locked (``FOR UPDATE SKIP LOCKED``, so two workers never write the same mail); on
    SQLite the mail is rendered in a read transaction and the database's write lock is taken
    only to store it. A mail whose subject is gone (a registration erased) is marked FAILED
    with the reason and never retried; any other error is retried with the sender's backoff.
    Call it with no unfinished work in the session: it commits.
    """
    now = now or utcnow()
    report = RenderReport()
    session = db.session()
    session.rollback()
    while limit is None or report.attempted < limit:
        if should_stop is not None and should_stop():
            break
        message = session.scalars(_unwritten_due(now)).first()
        if message is None:
            session.rollback()
            break
        message_id = message.id
        try:
            values = {**_write_fields(message), "render": sa.null()}
        except CannotWrite as error:
            current_app.logger.warning("Mail %s cannot be written: %s", message_id, error)
            _store(session, message_id, {"status": OutboxStatus.FAILED,
                                         "last_error": f"Not written: {error}"[:2000]})
            report.failed += 1
            continue
        except Exception as error:  # noqa: BLE001 - recorded, retried, and the others go on
            session.rollback()
            if _write_failed(message_id, error, now):
                report.failed += 1
            else:
                report.retrying += 1
            continue
        _store(session, message_id, values)
        report.written += 1
    return report
