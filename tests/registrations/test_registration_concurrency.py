"""Hundreds of people at once, through the real app served by several gunicorn workers.

The server runs in a database of its own (the other tests empty their tables between tests):
a fresh PostgreSQL database when the suite runs on PostgreSQL, a SQLite file otherwise (SQLite
serialises writers with BEGIN IMMEDIATE, so it must give the same answers, only slower).
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from participation import create_app
from participation.database import utcnow
from participation.events.models import Event, EventStatus, Topic
from participation.extensions import db
from participation.mail.models import OutboxMessage
from participation.registrations import services
from participation.registrations.models import Registration, RegistrationStatus

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "concurrency-test-secret-key-0123456789"
CAPACITY = 50
PEOPLE = 200
CONFIRMED, WAITING, CANCELLED = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITING,
    RegistrationStatus.CANCELLED,
)


@pytest.fixture
def live_database(database_url, tmp_path):
    """A database of its own for the server, with the schema and one event of 50 places."""
    if database_url.startswith("postgresql"):
        name = f"participation_live_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = make_url(database_url).set(database=name).render_as_string(hide_password=False)
    else:
        admin, name = None, None
        url = f"sqlite:///{tmp_path / 'live.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY})
    with app.app_context():
        db.create_all()
        topic = Topic(slug="green-deal", name_nl="Green Deal", name_en="Green Deal")
        starts_at = utcnow() + timedelta(days=10)
        db.session.add(Event(
            slug="crowded-evening", title="Crowded evening", summary="Many people",
            topic=topic, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2),
            status=EventStatus.PUBLISHED, capacity=CAPACITY,
        ))
        db.session.commit()
    yield app, url
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if admin is not None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def gunicorn(database: str, port: int, log: Path):
    """Serve the real app with 4 worker processes; yield its base URL."""
    env = {
        **os.environ,
        "APP_ENV": "development",
        "DATABASE_URL": database,
        "SECRET_KEY": SECRET_KEY,
        "RATELIMIT_ENABLED": "false",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
    }
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "4", "--bind", f"127.0.0.1:{port}",
             "--chdir", str(ROOT), "--backlog", "1024", "--timeout", "120", "--preload",
             "participation:create_app('development')"],
            env=env, stdout=output, stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base, server, log)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def wait_until_up(base: str, server: subprocess.Popen, log: Path) -> None:
    for _ in range(300):
        if server.poll() is not None:
            pytest.fail(f"gunicorn stopped:\n{log.read_text(errors='replace')}")
        with contextlib.suppress(URLError, ConnectionError, HTTPError):
            if Browser(base).get("/healthz")[0] == 200:
                return
        time.sleep(0.1)
    pytest.fail(f"gunicorn did not answer:\n{log.read_text(errors='replace')}")


class Browser:
    """One visitor with their own cookies, talking HTTP to the server."""

    def __init__(self, base: str):
        self.base = base
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()))

    def _open(self, request: Request) -> tuple[int, str]:
        request.add_header("Accept-Language", "en")
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.read().decode()
        except HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def get(self, path: str) -> tuple[int, str]:
        return self._open(Request(self.base + path))

    def post(self, path: str, data: dict) -> tuple[int, str]:
        return self._open(Request(self.base + path, data=urlencode(data).encode()))

    def form_token(self, path: str) -> str:
        """Open a form and keep its CSRF token, as a browser would."""
        status, page = self.get(path)
        assert status == 200, page
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def all_at_once(tasks) -> list:
    """Run the callables in threads released together by a barrier; return their results."""
    barrier = threading.Barrier(len(tasks))

    def run(task):
        barrier.wait(timeout=120)
        return task()

    with ThreadPoolExecutor(max_workers=len(tasks)) as pool:
        return list(pool.map(run, tasks))


def registration_task(browser: Browser, email: str):
    token = browser.form_token("/events/crowded-evening/register")

    def register():
        return email, *browser.post("/events/crowded-evening/register", {
            "csrf_token": token, "name": f"Person {email}", "email": email, "consent": "y",
        })

    return register


def cancel_task(browser: Browser, manage_token: str):
    token = browser.form_token(f"/registrations/{manage_token}/cancel")

    def cancel():
        return manage_token, *browser.post(f"/registrations/{manage_token}/cancel",
                                           {"csrf_token": token})

    return cancel


def told_in_mails() -> tuple[set[str], dict[str, int]]:
    """Who was mailed a confirmed place, and the waiting-list position each other one was told.

    The page after registering is the same for everybody (it must not tell who is already
    registered); the mail to the address says what happened.
    """
    db.session.expire_all()
    mails = db.session.scalars(sa.select(OutboxMessage)).all()
    confirmed = {m.recipient for m in mails if m.kind == "registration_confirmed"}
    told = {}
    for mail in mails:
        if mail.kind == "registration_waiting":
            found = re.search(r"(?:Your position|Je plaats): (\d+)\.", mail.body_text)
            told[mail.recipient] = int(found.group(1))
    return confirmed, told


def registrations(app) -> list[Registration]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Registration).order_by(Registration.id)))


def assert_counters_equal_rows(rows: list[Registration]) -> Event:
    event = db.session.scalars(sa.select(Event)).one()
    assert event.confirmed_count == sum(r.status == CONFIRMED for r in rows)
    assert event.waiting_count == sum(r.status == WAITING for r in rows)
    return event


def test_simultaneous_registrations_fill_the_places_exactly_and_queue_the_rest_in_order(
    live_database, free_tcp_port, tmp_path
):
    app, url = live_database
    log = tmp_path / "gunicorn.log"
    with gunicorn(url, free_tcp_port, log) as base, app.app_context():
        # 200 people open the form, then all press "Register" at the same moment.
        emails = [f"person{n:03d}@example.org" for n in range(PEOPLE)]
        with ThreadPoolExecutor(max_workers=20) as pool:
            tasks = list(pool.map(lambda e: registration_task(Browser(base), e), emails))
        answers = all_at_once(tasks)

        assert [status for _, status, _ in answers] == [200] * PEOPLE, log.read_text()
        assert all("Check your mail" in page for _, _, page in answers)
        confirmed_pages, told = told_in_mails()
        assert len(confirmed_pages) == CAPACITY
        assert sorted(told.values()) == list(range(1, PEOPLE - CAPACITY + 1))

        rows = registrations(app)
        assert len(rows) == PEOPLE
        assert len({r.email for r in rows}) == PEOPLE
        confirmed = [r for r in rows if r.status == CONFIRMED]
        waiting = [r for r in rows if r.status == WAITING]
        assert (len(confirmed), len(waiting)) == (CAPACITY, PEOPLE - CAPACITY)
        assert sorted(r.email for r in confirmed) == sorted(confirmed_pages)
        # Arrival order: every confirmed person arrived before everyone waiting, and each
        # was told the position their arrival gives them.
        assert max(r.id for r in confirmed) < min(r.id for r in waiting)
        assert [told[r.email] for r in waiting] == list(range(1, len(waiting) + 1))
        assert [r.created_at for r in rows] == sorted(r.created_at for r in rows)
        assert len({r.code for r in rows}) == PEOPLE
        assert_counters_equal_rows(rows)
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == PEOPLE
        assert sorted(told, key=told.get) == [r.email for r in waiting]

        # Now 30 confirmed people and 20 at the end of the waiting list cancel while 20 more
        # register, all at once; promotions run inside the cancellations.
        confirmed_ids = [r.id for r in confirmed]
        waiting_ids = [r.id for r in waiting]
        leaving_ids = confirmed_ids[:30] + waiting_ids[-20:]
        tokens = [services.manage_token(db.session.get(Registration, i)) for i in leaving_ids]
        newcomers = [f"late{n:02d}@example.org" for n in range(20)]
        # End the read transaction: on SQLite it would keep the server's writers waiting.
        db.session.close()
        max_seen = {"confirmed": 0}
        done = threading.Event()

        def watch():
            engine = sa.create_engine(url)
            with engine.connect() as conn:
                while not done.is_set():
                    count = conn.execute(sa.text(
                        "SELECT count(*) FROM registrations WHERE status = 'confirmed'"
                    )).scalar()
                    conn.rollback()
                    max_seen["confirmed"] = max(max_seen["confirmed"], count)
                    time.sleep(0.002)
            engine.dispose()

        with ThreadPoolExecutor(max_workers=20) as pool:
            tasks = list(pool.map(lambda t: cancel_task(Browser(base), t), tokens))
            tasks += list(pool.map(lambda e: registration_task(Browser(base), e), newcomers))
        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            answers = all_at_once(tasks)
        finally:
            done.set()
            watcher.join()

        assert [status for _, status, _ in answers] == [200] * len(tasks), log.read_text()
        assert max_seen["confirmed"] <= CAPACITY
        rows = registrations(app)
        active = [r for r in rows if r.status != CANCELLED]
        confirmed_now = [r for r in rows if r.status == CONFIRMED]
        assert len(confirmed_now) == min(CAPACITY, len(active)) == CAPACITY
        assert {r.id for r in rows if r.status == CANCELLED} == set(leaving_ids)
        # The first 30 on the waiting list got the places, in order of arrival.
        promoted = {r.id for r in confirmed_now} - set(confirmed_ids)
        assert promoted == set(waiting_ids[:30])
        still_waiting = [r for r in rows if r.status == WAITING]
        assert [r.id for r in still_waiting] == sorted(
            waiting_ids[30:-20] + [r.id for r in rows if r.email in newcomers]
        )
        assert [services.waiting_list_position(r) for r in still_waiting[:3]] == [1, 2, 3]
        assert_counters_equal_rows(rows)
        # One mail per change, written with it: receipts, promotions, waiting-list notices.
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == (
            PEOPLE + len(leaving_ids) + 30 + len(newcomers)
        )
        db.session.close()
