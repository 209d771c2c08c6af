"""Deliver the outbox over SMTP with Flask-Mail: claim a mail, send it, mark it sent.

Each mail is claimed in its own transaction (``SELECT ... FOR UPDATE SKIP LOCKED`` on
PostgreSQL, a ``BEGIN IMMEDIATE`` write transaction on SQLite) and marked sent in that same
transaction once the SMTP server has accepted it, so two senders running at once never send
one mail twice. A failure is recorded on the mail, which is tried again later with
exponential backoff and given up (FAILED) after ``OUTBOX_MAX_ATTEMPTS``; nothing is lost.
"""

from __future__ import annotations

import base64
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_mail import Connection, Message

from participation.database import begin_write, utcnow
from participation.extensions import db
from participation.mail.models import OutboxMessage, OutboxStatus

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

    @property
    def attempted(self) -> int:
        return self.sent + self.retrying + self.failed


def backoff(attempts: int) -> timedelta:
    """Return the wait after the given number of failed attempts: 1, 2, 4, 8 ... minutes."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 6 * 60))


def _claim_next(now: datetime) -> OutboxMessage | None:
    """Lock the next mail that is due, skipping those another sender holds."""
    begin_write(db.session())
    query = (
        sa.select(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return db.session.scalars(query).first()


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


def build_message(message: OutboxMessage) -> Message:
    """Turn an outbox row into a Flask-Mail message."""
    mail = Message(
        subject=message.subject,
        recipients=[message.recipient],
        body=message.body_text,
        html=message.body_html,
    )
    host = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "localhost"
    # A stable Message-ID lets mail systems drop a copy if a mail is ever sent again.
    mail.msgId = f"<outbox-{message.id}-{int(message.created_at.timestamp())}@{host}>"
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


def _record_failure(message: OutboxMessage, error: Exception, now: datetime) -> bool:
    """Note a failed attempt; return True when the mail was given up on."""
    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    if message.attempts >= current_app.config.get("OUTBOX_MAX_ATTEMPTS", 8):
        message.status = OutboxStatus.FAILED
        current_app.logger.error(
            "Gave up on mail %s to %s after %s attempts: %s",
            message.id, message.recipient, message.attempts, message.last_error,
        )
        return True
    message.next_attempt_at = now + backoff(message.attempts)
    current_app.logger.warning(
        "Mail %s not delivered (attempt %s), retrying later: %s",
        message.id, message.attempts, message.last_error,
    )
    return False


def deliver_pending(limit: int = 100, now: datetime | None = None) -> DeliveryReport:
    """Send up to ``limit`` due mails from the outbox; commits after each mail.

    Call it with no unfinished work in the session: it commits.
    """
    now = now or utcnow()
    report = DeliveryReport()
    connection: Connection | None = None
    try:
        for _ in range(limit):
            message = _claim_next(now)
            if message is None:
                db.session.rollback()
                break
            try:
                if connection is None:
                    connection = _open_connection()
                connection.send(build_message(message))
            except Exception as error:  # noqa: BLE001 - every failure is recorded and retried
                gave_up = _record_failure(message, error, now)
                report.failed += gave_up
                report.retrying += not gave_up
                db.session.commit()
                if _server_unusable(error):
                    # The server is away: the other mails wait for the next run.
                    _close(connection)
                    connection = None
                    break
                continue
            message.status = OutboxStatus.SENT
            message.attempts += 1
            message.sent_at = utcnow()
            message.last_error = None
            db.session.commit()
            report.sent += 1
    finally:
        _close(connection)
    return report


def deliver_after_request() -> None:
    """Deliver what a request queued, once it has committed; SMTP trouble is only logged."""
    db.session.remove()
    try:
        deliver_pending(limit=current_app.config.get("OUTBOX_SEND_AFTER_REQUEST_LIMIT", 20))
    except Exception:  # noqa: BLE001 - the mail stays in the outbox; the request succeeded
        current_app.logger.exception("Delivering the outbox after the request failed")
        db.session.rollback()
