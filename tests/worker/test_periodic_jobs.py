"""Periodic jobs: when each is due, and that of many workers only one runs it per period."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from participation.database import utcnow
from participation.extensions import db
from participation.worker import jobs
from participation.worker.jobs import JOBS, PeriodicJob, run_job_if_due
from participation.worker.models import JobRun


def test_the_reminders_purge_and_invitations_are_registered():
    assert {"reminders", "feedback-invitations", "privacy-purge"} <= set(JOBS)
    assert JOBS["feedback-invitations"].every == timedelta(hours=1)
    assert JOBS["reminders"].daily_at == "REMINDERS_HOUR"


def test_a_daily_job_is_due_once_after_its_brussels_hour(app):
    app.config["REMINDERS_HOUR"] = 9
    job = JOBS["reminders"]
    # 30 November: Brussels is UTC+1, so 9:00 in Brussels is 8:00 UTC.
    before = datetime(2026, 11, 30, 7, 59, tzinfo=UTC)
    after = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    assert not job.due(datetime(2026, 11, 29, 8, 30, tzinfo=UTC), before)
    assert job.due(datetime(2026, 11, 29, 8, 30, tzinfo=UTC), after)
    assert not job.due(after, after + timedelta(hours=23))
    assert job.due(None, before)


def test_an_hourly_job_is_due_an_hour_after_its_last_run():
    job = JOBS["feedback-invitations"]
    now = utcnow()
    assert job.due(None, now)
    assert not job.due(now - timedelta(minutes=59), now)
    assert job.due(now - timedelta(minutes=60), now)


def test_a_job_runs_once_per_period_and_records_its_run(app, monkeypatch):
    calls = []
    job = PeriodicJob("test-job", lambda now: calls.append(now) or "did it",
                      every=timedelta(hours=1))
    now = utcnow()

    assert run_job_if_due(job, now) == "did it"
    assert run_job_if_due(job, now + timedelta(minutes=5)) is None
    assert run_job_if_due(job, now + timedelta(hours=1)) == "did it"

    assert calls == [now, now + timedelta(hours=1)]
    run = db.session.get(JobRun, "test-job")
    assert (run.last_run_at, run.last_result) == (now + timedelta(hours=1), "did it")


def test_a_job_that_fails_leaves_nothing_behind_and_stays_due(app, make_topic):
    def failing(now):
        make_topic(slug="half-done")
        raise RuntimeError("boom")

    job = PeriodicJob("failing", failing, every=timedelta(hours=1))
    with pytest.raises(RuntimeError):
        run_job_if_due(job)
    from participation.events.models import Topic

    assert db.session.scalar(sa.select(sa.func.count(Topic.id))) == 0
    assert db.session.get(JobRun, "failing") is None


def test_of_several_workers_at_once_only_one_runs_a_job(app):
    calls = []
    started = threading.Event()

    def slow(now):
        calls.append(now)
        started.set()
        threading.Event().wait(0.5)  # the others arrive while this one still runs
        return "ran"

    job = PeriodicJob("once-only", slow, every=timedelta(hours=1))
    db.session.remove()
    results, errors = [], []

    def worker():
        try:
            with app.app_context():
                results.append(run_job_if_due(job))
                db.session.remove()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(calls) == 1
    assert sorted(results, key=str) == [None, None, "ran"]


def test_on_postgresql_a_job_held_by_another_worker_is_skipped(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")
    job = PeriodicJob("locked", lambda now: "ran", every=timedelta(hours=1))
    with db.engine.connect() as other:
        other.execute(sa.select(sa.func.pg_advisory_lock(job.lock_key)))
        assert run_job_if_due(job) is None
        other.execute(sa.select(sa.func.pg_advisory_unlock(job.lock_key)))
    assert run_job_if_due(job) == "ran"


def test_the_periodic_decorator_registers_a_job(monkeypatch):
    monkeypatch.setattr(jobs, "JOBS", {})

    @jobs.periodic("example", every=timedelta(minutes=10))
    def example(now):
        return "ok"

    assert jobs.JOBS["example"].run is example
    with pytest.raises(ValueError):
        jobs.periodic("bad")
