"""Mail leaves the request: a hung or absent mail server never slows a page, and worker
processes deliver every mail (at least once; exactly once unless a worker dies mid-send)."""

from __future__ import annotations

import time
from collections import Counter

import pytest
import sqlalchemy as sa
from flask import g

from participation.extensions import db
from participation.mail.models import OutboxMessage, OutboxStatus

PASSWORD = "correct horse battery staple"


def outbox_rows() -> list[OutboxMessage]:
    db.session.expire_all()
    rows = list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))
    # Detached copies: reading them later opens no transaction (on SQLite a read transaction
    # left open would keep the workers from committing).
    db.session.expunge_all()
    db.session.rollback()
    return rows


def post(client, path: str, data: dict):
    g.pop("_flask_babel", None)
    started = time.monotonic()
    response = client.post(path, data=data, headers={"Accept-Language": "en"})
    return response, time.monotonic() - started


class TestAHungMailServer:
    @pytest.fixture
    def app_config(self, hung_smtp_server):
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": hung_smtp_server.port,
                "MAIL_SUPPRESS_SEND": False, "MAIL_TIMEOUT": 10}

    def test_registering_signing_up_and_resetting_a_password_answer_at_once(
        self, client, make_event, make_user, hung_smtp_server
    ):
        event = make_event(capacity=5)
        make_user(email="known@example.org", password=PASSWORD)
        slug = event.slug
        db.session.commit()

        timings = {
            "register": post(client, f"/events/{slug}/register",
                             {"name": "Ann", "email": "ann@example.org", "consent": "y"}),
            "sign up": post(client, "/account/sign-up",
                            {"name": "Bo", "email": "bo@example.org", "password": PASSWORD}),
            "forgot password": post(client, "/account/forgot-password",
                                    {"email": "known@example.org"}),
            "sign in": post(client, "/account/sign-in",
                            {"email": "known@example.org", "password": PASSWORD}),
        }

        for name, (response, seconds) in timings.items():
            assert response.status_code in (200, 302, 303), name
            assert seconds < 2, f"{name} took {seconds:.1f} s"
        assert hung_smtp_server.accepted == []  # no request ever opened an SMTP connection
        assert {row.status for row in outbox_rows()} == {OutboxStatus.PENDING}
        assert len(outbox_rows()) == 3

    def test_the_worker_gives_up_on_a_hung_server_after_its_timeout_and_retries_later(
        self, app, start_worker, hung_smtp_server, wait_until
    ):
        db.session.add(OutboxMessage(kind="test", recipient="ann@example.org", subject="Hi",
                                     body_text="Hi", attachments=[]))
        worker = start_worker(MAIL_SERVER="127.0.0.1", MAIL_PORT=hung_smtp_server.port,
                              MAIL_TIMEOUT=1)
        wait_until(lambda: outbox_rows()[0].last_error, timeout=10,
                   message="the attempt was not recorded")
        [row] = outbox_rows()
        assert row.status == OutboxStatus.PENDING
        assert "timed out" in row.last_error.lower()
        assert worker.terminate() == 0


def test_a_worker_delivers_at_once_and_stops_cleanly_on_sigterm(
    client, make_event, smtp_server, start_worker, wait_until
):
    event = make_event(capacity=5)
    slug = event.slug
    worker = start_worker(MAIL_PORT=smtp_server.port)

    response, _ = post(client, f"/events/{slug}/register",
                       {"name": "Ann", "email": "ann@example.org", "consent": "y"})
    assert response.status_code == 303
    db.session.remove()
    queued = time.monotonic()
    wait_until(lambda: smtp_server.to("ann@example.org"), timeout=5,
               message="the worker did not deliver the confirmation")
    assert time.monotonic() - queued < 2

    assert worker.terminate() == 0
    assert "worker stopped" in worker.output()
    assert [row.status for row in outbox_rows()] == [OutboxStatus.SENT]


def test_fifty_registrations_during_an_outage_are_each_delivered_once_by_two_workers(
    app, make_event, smtp_server, start_worker, wait_until
):
    from participation.events.models import Event
    from participation.registrations import services

    smtp_server.stop()
    event_id = make_event(capacity=100).id
    settings = {"MAIL_PORT": smtp_server.port, "OUTBOX_BACKOFF_CAP_MINUTES": 0.01}
    workers = [start_worker(**settings), start_worker(**settings)]
    for n in range(50):
        services.register(db.session.get(Event, event_id), name=f"Person {n}",
                          email=f"p{n}@example.org", locale="en")
        db.session.commit()
    db.session.remove()
    wait_until(lambda: any(row.last_error for row in outbox_rows()), timeout=10,
               message="the workers did not try during the outage")

    smtp_server.start()
    wait_until(lambda: len(smtp_server.messages) >= 50, timeout=30,
               message="not every mail arrived after the outage")
    time.sleep(1)  # a second copy would arrive now

    recipients = Counter(m["rcpt_tos"][0] for m in smtp_server.messages)
    assert recipients == Counter(f"p{n}@example.org" for n in range(50))
    assert {row.status for row in outbox_rows()} == {OutboxStatus.SENT}
    assert all(worker.process.poll() is None for worker in workers)


def test_a_worker_killed_mid_send_loses_nothing_and_the_copy_keeps_its_message_id(
    app, slow_smtp_server, start_worker, wait_until
):
    db.session.add(OutboxMessage(kind="test", recipient="ann@example.org", subject="Hi",
                                 body_text="Hi", attachments=[]))
    slow_smtp_server.delay = 30  # accepted only after 30 s: the worker dies before that
    first = start_worker(MAIL_PORT=slow_smtp_server.port, MAIL_TIMEOUT=60,
                         OUTBOX_LEASE_SECONDS=1)
    wait_until(lambda: slow_smtp_server.received_before_reply == 1, timeout=10,
               message="the worker did not start sending")
    first.process.kill()
    first.process.wait(timeout=10)
    [row] = outbox_rows()
    assert row.status == OutboxStatus.PENDING

    slow_smtp_server.delay = 0
    start_worker(MAIL_PORT=slow_smtp_server.port, OUTBOX_LEASE_SECONDS=1)
    wait_until(lambda: outbox_rows()[0].status == OutboxStatus.SENT, timeout=15,
               message="the mail was lost with the killed worker")
    # The second worker delivered it; had the first been accepted, both copies would carry
    # one Message-ID, so the recipient's mail system could drop the second.
    messages = [m["message"] for m in slow_smtp_server.messages]
    assert len({m["Message-ID"] for m in messages}) == 1
    assert messages[0]["Message-ID"].startswith(f"<outbox-{row.id}-")
