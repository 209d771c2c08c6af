"""Operating the outbox: status, re-queueing failed mail, doctor's warning, stable Message-ID."""

from __future__ import annotations

from datetime import timedelta

import pytest

from participation.database import utcnow
from participation.extensions import db
from participation.mail.models import OutboxMessage, OutboxStatus
from participation.mail.sender import backoff, deliver_pending


def add_mail(recipient: str = "ann@example.org", **fields) -> OutboxMessage:
    message = OutboxMessage(kind="test", recipient=recipient, subject="Hi", body_text="Hi",
                            attachments=[], **fields)
    db.session.add(message)
    db.session.commit()
    return message


@pytest.fixture
def app_config(smtp_config):
    return smtp_config


def test_by_default_a_failing_mail_is_retried_for_at_least_a_day(app):
    waited, attempts = timedelta(), 0
    from participation.mail.sender import gives_up

    while not gives_up(attempts + 1):
        attempts += 1
        waited += backoff(attempts)
    assert waited >= timedelta(hours=24)
    assert max(backoff(n) for n in range(1, attempts + 1)) == timedelta(hours=1)


def test_status_counts_mails_per_state_and_tells_the_oldest_waiting(app, runner):
    add_mail(created_at=utcnow() - timedelta(minutes=42))
    add_mail(status=OutboxStatus.SENT)
    add_mail(status=OutboxStatus.FAILED)

    result = runner.invoke(args=["outbox", "status"])

    assert result.exit_code == 0, result.output
    assert "1 pending, 1 sent, 1 failed" in result.output
    assert "Oldest waiting mail: 42 minute(s) old." in result.output


def test_retry_puts_failed_mail_back_and_the_worker_delivers_it(app, runner, smtp_server):
    failed = add_mail(status=OutboxStatus.FAILED, attempts=30, last_error="Timeout")
    other = add_mail("bo@example.org", status=OutboxStatus.FAILED, attempts=30)
    failed_id, other_id = failed.id, other.id

    result = runner.invoke(args=["outbox", "retry", str(failed_id)])

    assert "1 failed mail(s) queued again." in result.output
    assert deliver_pending().sent == 1
    assert [m["rcpt_tos"] for m in smtp_server.messages] == [["ann@example.org"]]
    assert db.session.get(OutboxMessage, other_id).status == OutboxStatus.FAILED
    assert "1 failed mail(s) queued again." in runner.invoke(args=["outbox", "retry"]).output


def test_every_attempt_of_a_mail_carries_the_same_message_id(app, smtp_server):
    message = add_mail()
    message_id = message.id
    smtp_server.refuse = {"ann@example.org"}
    assert deliver_pending().retrying == 1
    smtp_server.refuse = set()
    smtp_server.messages.clear()
    assert deliver_pending(now=utcnow() + timedelta(minutes=5)).sent == 1
    assert deliver_pending(now=utcnow() + timedelta(minutes=5)).attempted == 0
    [mail] = smtp_server.to("ann@example.org")
    row = db.session.get(OutboxMessage, message_id)
    created = int(row.created_at.timestamp())
    assert mail["Message-ID"] == f"<outbox-{message_id}-{created}@localhost>"
    assert row.attempts == 2


def test_doctor_warns_when_mail_waits_longer_than_the_threshold(app, runner):
    add_mail(created_at=utcnow() - timedelta(hours=2))
    app.config["OUTBOX_ALERT_MINUTES"] = 30
    result = runner.invoke(args=["doctor"])
    assert "WARN outbox: the oldest waiting mail is 120 minute(s) old" in result.output
