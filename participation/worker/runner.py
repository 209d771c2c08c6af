"""The worker's loop: deliver due mail at once when woken, run periodic jobs when due.

On PostgreSQL the worker listens on the ``participation_outbox`` channel: a transaction
that queued mail runs ``NOTIFY`` and its commit wakes every worker at once (SKIP LOCKED
shares the mails between them). It also looks every ``WORKER_POLL_SECONDS * 10`` for retries
that came due. SQLite has no notifications: there the worker looks every
``WORKER_POLL_SECONDS`` (1 s). SIGTERM or SIGINT finishes the mail being sent, then exits.
A database or mail server outage is logged once and waited out; the worker never exits on it.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from datetime import datetime

import sqlalchemy as sa
from flask import Flask

from participation.extensions import db
from participation.mail.sender import deliver_pending
from participation.mail.services import OUTBOX_CHANNEL
from participation.worker.jobs import FAILURE_PAUSE, JOBS, run_job_if_due

log = logging.getLogger("participation.worker")
#: Most mails sent before the loop looks at the jobs and the stop flag again.
BATCH = 50
#: How often the periodic jobs are looked at.
JOBS_EVERY_SECONDS = 30.0


class _Listener:
    """A LISTEN connection on the outbox channel (PostgreSQL only); reconnects when lost."""

    def __init__(self, url: sa.engine.URL):
        self.conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.conn = None

    def connect(self) -> bool:
        """Start listening; tell whether that worked (else the worker polls meanwhile)."""
        import psycopg

        try:
            self.conn = psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5)
            self.conn.execute(f"LISTEN {OUTBOX_CHANNEL}")
        except psycopg.Error as error:
            log.warning("worker: cannot listen for new mail (%s); polling", error)
            self.close()
            return False
        log.info("worker: listening for new mail")
        return True

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for a notification; tell whether one came."""
        import psycopg

        if self.conn is None:
            # Something may have been queued while we were not listening: look at once.
            return self.connect() or bool(time.sleep(min(timeout, 1.0)))
        try:
            woken = False
            for _ in self.conn.notifies(timeout=timeout, stop_after=1):
                woken = True
            return woken
        except psycopg.Error as error:
            log.warning("worker: lost the notification connection (%s); polling", error)
            self.close()
            return False

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:  # noqa: BLE001 - closing a broken connection
                pass
        self.conn = None


class Worker:
    """Deliver the outbox and run the periodic jobs until told to stop."""

    def __init__(self, app: Flask, *, jobs: bool = True, poll_seconds: float | None = None):
        self.app = app
        self.jobs = jobs
        self.poll_seconds = float(poll_seconds if poll_seconds is not None
                                  else app.config.get("WORKER_POLL_SECONDS", 1))
        self.stopping = threading.Event()
        self._next_jobs_check = 0.0
        self._paused_jobs: dict[str, float] = {}
        self._database_down = False

    def stop(self, *_args) -> None:
        """Finish the mail being sent, then leave the loop."""
        self.stopping.set()

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)

    def run(self) -> None:
        """Loop until :meth:`stop`."""
        with self.app.app_context():
            url = db.engine.url
        listener = _Listener(url) if url.get_backend_name() == "postgresql" else None
        log.info("worker started (%s)", "LISTEN/NOTIFY" if listener else "polling")
        if listener is not None:
            listener.connect()  # before looking at the outbox, so no wake-up is missed
        try:
            while not self.stopping.is_set():
                busy = self.run_once()
                if busy or self.stopping.is_set():
                    continue
                if listener is not None:
                    self._wait(listener)
                else:
                    self.stopping.wait(self.poll_seconds)
        finally:
            if listener is not None:
                listener.close()
            log.info("worker stopped")

    def _wait(self, listener: _Listener) -> None:
        """Wait for a notification, the next retry check or the next jobs check."""
        deadline = time.monotonic() + self.poll_seconds * 10
        if self.jobs:
            deadline = min(deadline, self._next_jobs_check)
        while not self.stopping.is_set():
            left = deadline - time.monotonic()
            if left <= 0 or listener.wait(min(left, 1.0)):
                return

    def run_once(self, now: datetime | None = None) -> bool:
        """Run due jobs, send due mail; tell whether more mail may be waiting."""
        with self.app.app_context():
            try:
                if self.jobs and time.monotonic() >= self._next_jobs_check:
                    self._next_jobs_check = time.monotonic() + JOBS_EVERY_SECONDS
                    self._run_jobs(now)
                report = deliver_pending(limit=BATCH, now=now, should_stop=self.stopping.is_set)
                if self._database_down:
                    log.warning("worker: database reachable again")
                    self._database_down = False
                return report.attempted >= BATCH or report.written >= BATCH
            except sa.exc.OperationalError as error:
                db.session.rollback()
                if not self._database_down:
                    log.warning("worker: database unreachable, waiting (%s)",
                                str(error).splitlines()[0])
                    self._database_down = True
                self.stopping.wait(min(self.poll_seconds * 5, 5.0))
                return False
            finally:
                db.session.remove()

    def _run_jobs(self, now: datetime | None) -> None:
        for job in JOBS.values():
            if self.stopping.is_set():
                return
            if self._paused_jobs.get(job.name, 0.0) > time.monotonic():
                continue
            try:
                run_job_if_due(job, now)
            except sa.exc.OperationalError:
                raise
            except Exception:
                db.session.rollback()
                log.exception("job %s failed; trying again in %s", job.name, FAILURE_PAUSE)
                self._paused_jobs[job.name] = time.monotonic() + FAILURE_PAUSE.total_seconds()
