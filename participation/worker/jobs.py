"""The periodic jobs the worker runs, and how it runs each one once across many workers.

To add a job, write a function that takes the time (UTC) and returns a one-line summary,
doing its work through services (which flush, never commit), and decorate it here with
``@periodic("name", every=timedelta(...))`` or ``@periodic("name", daily_at="CONFIG_KEY")``
(a config key holding the Europe/Brussels hour). The worker commits the job's work together
with the record of its run; if the job raises, everything is rolled back and it is tried
again after ``FAILURE_PAUSE``.

Exactly-one-runner: on PostgreSQL a job runs under a transaction-level advisory lock
(``pg_try_advisory_xact_lock``), so of many workers only one runs it while the others skip
it; on SQLite the write transaction (``BEGIN IMMEDIATE``) serialises the workers. Inside the
lock the job's last run (table ``worker_job_runs``) decides whether it is due, so a job runs
once per period however many workers there are. The cron lines in the README remain an
alternative (the jobs are idempotent).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from participation.core.i18n import BRUSSELS
from participation.database import begin_write, utcnow
from participation.extensions import db
from participation.worker.models import JobRun

log = logging.getLogger("participation.worker")
#: After a job failed, this process leaves it alone for this long (no log storm).
FAILURE_PAUSE = timedelta(minutes=5)


@dataclass(frozen=True)
class PeriodicJob:
    """A function the worker runs every ``every``, or daily at the hour in ``daily_at``."""

    name: str
    run: Callable[[datetime], str]
    every: timedelta | None = None
    #: Config key holding the Europe/Brussels hour (0-23) to run at each day.
    daily_at: str | None = None

    def due(self, last_run: datetime | None, now: datetime) -> bool:
        """Tell whether the job should run at ``now`` given its last run."""
        if self.every is not None:
            return last_run is None or now - last_run >= self.every
        hour = int(current_app.config[self.daily_at])
        local = now.astimezone(BRUSSELS)
        slot = local.replace(hour=hour, minute=0, second=0, microsecond=0)
        if slot > local:
            slot -= timedelta(days=1)
        return last_run is None or last_run < slot

    @property
    def lock_key(self) -> int:
        """A stable 64-bit key for PostgreSQL's advisory lock."""
        digest = hashlib.blake2b(f"participation.job.{self.name}".encode(), digest_size=8)
        return int.from_bytes(digest.digest(), "big", signed=True)


#: Every periodic job, by name. Add yours with the ``periodic`` decorator below.
JOBS: dict[str, PeriodicJob] = {}


def periodic(name: str, *, every: timedelta | None = None, daily_at: str | None = None):
    """Register a function as a periodic job of the worker."""
    if (every is None) == (daily_at is None):
        raise ValueError("give exactly one of every= and daily_at=")

    def register(function: Callable[[datetime], str]) -> Callable[[datetime], str]:
        JOBS[name] = PeriodicJob(name, function, every=every, daily_at=daily_at)
        return function

    return register


def run_job_if_due(job: PeriodicJob, now: datetime | None = None) -> str | None:
    """Run the job if it is due and no other worker runs it; commit; return its summary."""
    now = now or utcnow()
    last = db.session.scalar(sa.select(JobRun.last_run_at).where(JobRun.name == job.name))
    db.session.rollback()
    if not job.due(last, now):
        return None
    session = db.session()
    begin_write(session)
    try:
        if session.get_bind().dialect.name == "postgresql":
            locked = session.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(job.lock_key)))
            if not locked:  # another worker runs it right now
                session.rollback()
                return None
        run = session.get(JobRun, job.name, populate_existing=True)
        if not job.due(run.last_run_at if run else None, now):
            session.rollback()  # another worker ran it meanwhile
            return None
        summary = job.run(now)
        if run is None:
            run = JobRun(name=job.name)
            session.add(run)
        run.last_run_at = now
        run.last_result = summary[:500]
        session.commit()
    except BaseException:
        session.rollback()
        raise
    log.info("job %s: %s", job.name, summary)
    return summary


# The jobs ---------------------------------------------------------------------------------


@periodic("reminders", daily_at="REMINDERS_HOUR")
def send_reminders(now: datetime) -> str:
    """Mail confirmed registrants of tomorrow's events (once each)."""
    from participation.registrations.services import send_reminders as send

    return f"{send(now)} reminder(s) queued"


@periodic("feedback-invitations", every=timedelta(hours=1))
def send_feedback_invitations(now: datetime) -> str:
    """Invite checked-in participants of recently ended events to give feedback (once)."""
    from participation.feedback.services import send_feedback_invitations as send

    return f"{send(now)} invitation(s) queued"


@periodic("closing-report-reminders", every=timedelta(hours=1))
def send_closing_report_reminders(now: datetime) -> str:
    """Remind organisers of recently ended events to write the closing report (once)."""
    from participation.feedback.closing import send_closing_report_reminders as send

    return f"{send(now)} closing report reminder(s) queued"


@periodic("privacy-purge", daily_at="PRIVACY_PURGE_HOUR")
def purge_personal_data(now: datetime) -> str:
    """Remove registrants' personal data once the retention period is over."""
    from participation.privacy.services import purge_personal_data as purge

    days = int(current_app.config.get("PRIVACY_RETENTION_DAYS", 30))
    result = purge(days, now=now)
    return (f"personal data removed from {result.registrations} registration(s), "
            f"{result.mails} old mail(s) deleted")


@periodic("release-unconfirmed", every=timedelta(minutes=5))
def release_unconfirmed(now: datetime) -> str:
    """Give places nobody confirmed by mail in time to the waiting list."""
    from participation.registrations.services import release_unconfirmed as release

    return f"{release(now)} unconfirmed registration(s) released"
