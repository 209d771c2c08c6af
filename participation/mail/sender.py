"""Deliver the outbox over SMTP with Flask-Mail: claim a mail, send it, mark it sent.

Delivery runs in the worker process (``flask --app participation worker``), never in a web
request. A mail is *claimed* in a short transaction (``SELECT ... FOR UPDATE SKIP LOCKED`` on
PostgreSQL, a ``BEGIN IMMEDIATE`` write transaction on SQLite) that pushes its next attempt a
lease (``OUTBOX_LEASE_SECONDS``) into the future and commits; the SMTP conversation then runs
with no transaction open, and a second short transaction marks the mail sent. So several
workers on several machines share the outbox without sending a mail twice, the database is
never locked while a mail server is slow, and a worker killed mid-send leaves the mail to be
taken again once its lease ends.

Delivery is therefore *at least once*: a worker killed after the SMTP server accepted a mail
but before it was marked sent delivers it again. Every attempt carries the same Message-ID,
so such a rare second copy is recognisable (and dropped by many mail systems).

A failed attempt is retried with exponential backoff (1, 2, 4 ... minutes, at most
``OUTBOX_BACKOFF_CAP_MINUTES``) until the waits add up to ``OUTBOX_RETRY_HOURS`` (24 by
default); then the mail is FAILED, kept for inspection, and ``flask outbox retry`` puts it back.

Mails queued unwritten (registration mails, see ``participation.mail.services``) are written
first, each in a short transaction of its own (``render_pending``); only written mails are
claimed for sending.
"""

from __future__ import annotations

import base64
import email.charset
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.mime.text import MIMEText
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_mail import Connection, Message

from participation.database import begin_write, utcnow
from participation.extensions import db
from participation.mail.models import OutboxMessage, OutboxStatus
from participation.mail.services import render_pending

#: Refusals of one mail: the connection stays usable for the others.
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def _server_unusable(error: Exception) -> bool:
    """Tell whether the error is about the server rather than the one mail (SMTP errors are
    OSErrors too): then this run stops and the other mails wait for the next one."""
    return isinstance(error, OSError) and not isinstance(error, MESSAGE_ERRORS)


@dataclass
class DeliveryReport:
    """What one delivery run did."""

    sent: int = 0
    #: Failed this time; will be tried again after a backoff.
    retrying: int = 0
    #: Failed for the last allowed time; left as FAILED for inspection.
    failed: int = 0
    #: Mails queued unwritten that were written in this run (and could then be sent).
    written: int = 0
    #: Mails that could not be written (retried later, or given up on when their subject
    #: is gone): they count as failed or retrying above as well.
    not_written: int = 0

    @property
    def attempted(self) -> int:
        return self.sent + self.retrying + self.failed


def backoff(attempts: int) -> timedelta:
    """Return the wait after the given number of failed attempts: 1, 2, 4, 8 ... minutes."""
    cap = float(current_app.config.get("OUTBOX_BACKOFF_CAP_MINUTES", 60))
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), cap))


def retry_window() -> timedelta:
    """How long failed attempts are retried before a mail is given up on."""
    return timedelta(hours=float(current_app.config.get("OUTBOX_RETRY_HOURS", 24)))


def gives_up(attempts: int) -> bool:
    """Tell whether the waits after ``attempts`` failures already cover the retry window."""
    waited = sum((backoff(n) for n in range(1, attempts)), timedelta())
    return waited >= retry_window()


@dataclass
class _Claimed:
    """A mail taken for one attempt, detached from any transaction."""

    id: int
    recipient: str
    attempts: int
    mail: Message


def _lease() -> timedelta:
    return timedelta(seconds=float(current_app.config.get("OUTBOX_LEASE_SECONDS", 300)))


def _claim_next(now: datetime) -> _Claimed | None:
    """Take the next due mail for one attempt, skipping those another worker holds."""
    session = db.session()
    begin_write(session)
    query = (
        sa.select(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
            # Not written yet: render_pending writes it first.
            OutboxMessage.render.is_(None),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    message = session.scalars(query).first()
    if message is None:
        session.rollback()
        return None
    message.attempts += 1
    # Nobody else takes it while we try; if this process dies, it comes back after the lease.
    message.next_attempt_at = max(now, utcnow()) + _lease()
    claimed = _Claimed(message.id, message.recipient, message.attempts, build_message(message))
    session.commit()
    return claimed


def _open_connection() -> Connection:
    """Connect to the SMTP server configured for Flask-Mail (with a timeout)."""
    state = current_app.extensions["mail"]
    connection = Connection(state)
    if state.suppress:
        connection.host = None
        return connection
    timeout = current_app.config.get("MAIL_TIMEOUT", 10)
    smtp_class = smtplib.SMTP_SSL if state.use_ssl else smtplib.SMTP
    host = smtp_class(state.server, state.port, timeout=timeout)
    try:
        if state.use_tls:
            host.starttls()
        if state.username and state.password:
            host.login(state.username, state.password)
    except Exception:
        host.close()
        raise
    connection.host = host
    return connection


def _close(connection: Connection | None) -> None:
    if connection is None or connection.host is None:
        return
    try:
        connection.host.quit()
    except (smtplib.SMTPException, OSError):
        connection.host.close()


def message_id(message: OutboxMessage) -> str:
    """The Message-ID every attempt of this mail carries."""
    host = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "localhost"
    return f"<outbox-{message.id}-{int(message.created_at.timestamp())}@{host}>"


#: RFC 5321 4.5.3.1.6: a line of a mail is at most 998 octets; servers refuse longer ones.
MAX_LINE_OCTETS = 998


class _Message(Message):
    """A Flask-Mail message whose long lines (links with many parameters) survive SMTP.

    Flask-Mail sends UTF-8 bodies as 8bit, line by line as written; a body with a longer
    line goes out quoted-printable instead, which wraps it (the reader sees it whole).
    """

    def _mimetext(self, text: str | None, subtype: str = "plain") -> MIMEText:
        if text and any(len(line.encode("utf-8")) > MAX_LINE_OCTETS
                        for line in text.splitlines()):
            utf8 = email.charset.Charset("utf-8")
            utf8.body_encoding = email.charset.QP
            return MIMEText(text, _subtype=subtype, _charset=utf8)
        return super()._mimetext(text, subtype)


def build_message(message: OutboxMessage) -> Message:
    """Turn an outbox row into a Flask-Mail message."""
    mail = _Message(
        subject=message.subject,
        recipients=[message.recipient],
        body=message.body_text,
        html=message.body_html,
    )
    # A stable Message-ID lets mail systems drop a copy if a mail is ever sent again.
    mail.msgId = message_id(message)
    if message.headers:
        mail.extra_headers = dict(message.headers)
    for item in message.attachments or []:
        content_id = item.get("content_id")
        mail.attach(
            item["filename"],
            item["content_type"],
            base64.b64decode(item["data"]),
            disposition="inline" if content_id else "attachment",
            headers={"Content-ID": f"<{content_id}>"} if content_id else None,
        )
    return mail


def _mark_sent(claimed: _Claimed) -> None:
    session = db.session()
    begin_write(session)
    session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == claimed.id)
        .values(status=OutboxStatus.SENT, sent_at=utcnow(), last_error=None)
    )
    session.commit()


def _record_failure(claimed: _Claimed, error: Exception, now: datetime) -> bool:
    """Note a failed attempt; return True when the mail was given up on."""
    session = db.session()
    begin_write(session)
    message = session.get(OutboxMessage, claimed.id)
    if message is None:  # deleted meanwhile (privacy purge): nothing left to retry
        session.rollback()
        return False
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    gave_up = gives_up(claimed.attempts)
    if gave_up:
        message.status = OutboxStatus.FAILED
        current_app.logger.error(
            "Gave up on mail %s to %s after %s attempts: %s",
            claimed.id, claimed.recipient, claimed.attempts, message.last_error,
        )
    else:
        message.next_attempt_at = now + backoff(claimed.attempts)
        current_app.logger.warning(
            "Mail %s not delivered (attempt %s), retrying later: %s",
            claimed.id, claimed.attempts, message.last_error,
        )
    session.commit()
    return gave_up


def deliver_pending(
    limit: int = 100,
    now: datetime | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> DeliveryReport:
    """Send up to ``limit`` due mails from the outbox; commits after each step.

    Call it with no unfinished work in the session: it commits. ``should_stop`` is asked
    before each mail (the worker's SIGTERM): the mail being sent is always finished. Mails
    queued unwritten are written first (up to ``limit`` of them).
    """
    now = now or utcnow()
    report = DeliveryReport()
    connection: Connection | None = None
    db.session.rollback()
    written = render_pending(limit=limit, now=now, should_stop=should_stop)
    report.written = written.written
    report.not_written = written.retrying + written.failed
    report.retrying += written.retrying
    report.failed += written.failed
    try:
        for _ in range(limit):
            if should_stop is not None and should_stop():
                break
            claimed = _claim_next(now)
            if claimed is None:
                break
            try:
                if connection is None:
                    connection = _open_connection()
                connection.send(claimed.mail)
            except Exception as error:  # noqa: BLE001 - every failure is recorded and retried
                gave_up = _record_failure(claimed, error, now)
                report.failed += gave_up
                report.retrying += not gave_up
                if _server_unusable(error):
                    # The server is away: the other mails wait for the next run.
                    _close(connection)
                    connection = None
                    break
                continue
            _mark_sent(claimed)
            report.sent += 1
    finally:
        _close(connection)
    return report


def retry_failed(ids: list[int] | None = None) -> int:
    """Put mails that were given up on back in the queue, due now; return how many."""
    session = db.session()
    begin_write(session)
    query = (
        sa.update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.FAILED)
        .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=utcnow())
    )
    if ids:
        query = query.where(OutboxMessage.id.in_(ids))
    count = session.execute(query).rowcount
    session.flush()
    return count


@dataclass
class OutboxStatusReport:
    """Counts per state and the age of the oldest mail waiting."""

    counts: dict[str, int]
    oldest_pending: timedelta | None
    #: Of the pending mails, those the worker has not written yet.
    unwritten: int = 0


def outbox_status(now: datetime | None = None) -> OutboxStatusReport:
    """Count the mails per state and find the oldest one still waiting."""
    now = now or utcnow()
    rows = db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
    ).all()
    counts = {status.value: 0 for status in OutboxStatus}
    counts.update({status.value: count for status, count in rows})
    oldest = db.session.scalar(
        sa.select(sa.func.min(OutboxMessage.created_at))
        .where(OutboxMessage.status == OutboxStatus.PENDING)
    )
    unwritten = db.session.scalar(
        sa.select(sa.func.count()).select_from(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.render.is_not(None))
    )
    return OutboxStatusReport(counts, None if oldest is None else max(now - oldest, timedelta()),
                              unwritten)
