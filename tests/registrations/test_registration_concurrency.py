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
from participation.mail.services import render_pending
from participation.registrations import services
from participation.registrations.models import Registration, RegistrationStatus

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "concurrency-test-secret-key-0123456789"
CAPACITY = 50
PEOPLE = 200
GROUP_CAPACITY = 24
GROUP_SIGN_UPS = 60
CONFIRMED, WAITING, CANCELLED = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITING,
    RegistrationStatus.CANCELLED,
)


@pytest.fixture
def live_database(database_url, tmp_path):
    """A database of its own for the server, with the schema and two events: one of 50
    places, and one of 24 places where each registration may bring up to 3 companions."""
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
            slug="crowded-evening", title_nl="Crowded evening", summary_nl="Many people",
            topic=topic, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2),
            status=EventStatus.PUBLISHED, capacity=CAPACITY,
        ))
        db.session.add(Event(
            slug="group-evening", title_nl="Group evening", summary_nl="Come with friends",
            topic=topic, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2),
            status=EventStatus.PUBLISHED, capacity=GROUP_CAPACITY, companions_allowed=3,
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


def registration_task(browser: Browser, email: str, slug: str = "crowded-evening",
                      companions: int | None = None):
    path = f"/events/{slug}/register"
    token = browser.form_token(path)
    data = {"csrf_token": token, "name": f"Person {email}", "email": email, "consent": "y"}
    if companions is not None:
        data["companions"] = str(companions)

    def register():
        return email, *browser.post(path, data)

    return register


def cancel_task(browser: Browser, manage_token: str):
    token = browser.form_token(f"/registrations/{manage_token}/cancel")

    def cancel():
        return manage_token, *browser.post(f"/registrations/{manage_token}/cancel",
                                           {"csrf_token": token})

    return cancel


@contextlib.contextmanager
def highest_seen(url: str, query: str):
    """Poll a count on a connection of its own while the block runs; yield the highest seen
    (as ``["value"]``, filled in as it goes)."""
    seen = {"value": 0}
    done = threading.Event()

    def watch():
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            while not done.is_set():
                value = conn.execute(sa.text(query)).scalar()
                conn.rollback()
                seen["value"] = max(seen["value"], value)
                time.sleep(0.002)
        engine.dispose()

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        yield seen
    finally:
        done.set()
        watcher.join()


def told_in_mails() -> tuple[set[str], dict[str, int]]:
    """Who was mailed a confirmed place, and the waiting-list position each other one was told.

    The page after registering is the same for everybody (it must not tell who is already
    registered); the mail to the address says what happened.
    """
    db.session.expire_all()
    render_pending()  # the worker writes the registration mails
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


def assert_counters_equal_rows(rows: list[Registration], slug: str = "crowded-evening") -> Event:
    """The event's counters equal the places its rows take (companions count)."""
    event = db.session.scalars(sa.select(Event).where(Event.slug == slug)).one()
    assert event.confirmed_count == sum(r.places for r in rows if r.status == CONFIRMED)
    assert event.waiting_count == sum(r.places for r in rows if r.status == WAITING)
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
        with ThreadPoolExecutor(max_workers=20) as pool:
            tasks = list(pool.map(lambda t: cancel_task(Browser(base), t), tokens))
            tasks += list(pool.map(lambda e: registration_task(Browser(base), e), newcomers))
        with highest_seen(url, "SELECT count(*) FROM registrations "
                               "WHERE status = 'confirmed'") as max_seen:
            answers = all_at_once(tasks)

        assert [status for _, status, _ in answers] == [200] * len(tasks), log.read_text()
        assert max_seen["value"] <= CAPACITY
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


def first_fit(rows: list[Registration], capacity: int) -> dict[int, RegistrationStatus]:
    """The documented rule replayed one at a time in order of arrival (no one leaves)."""
    free, expected = capacity, {}
    for row in sorted(rows, key=lambda r: r.id):
        fits = row.places <= free
        expected[row.id] = CONFIRMED if fits else WAITING
        free -= row.places if fits else 0
    return expected


def assert_first_fit_order(rows: list[Registration], capacity: int) -> None:
    """Check what first fit in order of arrival guarantees, whatever the interleaving.

    Nobody waits who fits in the free places. And whoever arrived after someone still waiting
    yet holds a place takes fewer places than that person: when they got it, the earlier
    one was considered first and did not fit, so needed more.
    """
    confirmed = [r for r in rows if r.status == CONFIRMED]
    waiting = [r for r in rows if r.status == WAITING]
    free = capacity - sum(r.places for r in confirmed)
    assert free >= 0
    assert all(w.places > free for w in waiting)
    for w in waiting:
        for c in confirmed:
            if c.id > w.id:
                assert c.places < w.places, (w.id, w.places, c.id, c.places)


def test_simultaneous_groups_and_single_people_never_overbook_and_keep_first_fit_order(
    live_database, free_tcp_port, tmp_path
):
    app, url = live_database
    log = tmp_path / "gunicorn.log"
    # Group sizes 1 to 4 (0 to 3 companions) in a fixed mix: more people than places.
    sizes = [(0, 1, 3, 0, 2, 0, 3, 1)[n % 8] for n in range(GROUP_SIGN_UPS)]
    with gunicorn(url, free_tcp_port, log) as base, app.app_context():
        emails = [f"group{n:03d}@example.org" for n in range(GROUP_SIGN_UPS)]
        with ThreadPoolExecutor(max_workers=20) as pool:
            tasks = list(pool.map(
                lambda n: registration_task(Browser(base), emails[n], "group-evening", sizes[n]),
                range(GROUP_SIGN_UPS),
            ))
        answers = all_at_once(tasks)
        assert [status for _, status, _ in answers] == [200] * GROUP_SIGN_UPS, log.read_text()

        rows = registrations(app)
        assert len(rows) == GROUP_SIGN_UPS
        assert {r.email: r.companions for r in rows} == dict(zip(emails, sizes, strict=True))
        # Under the event's lock each sign-up decided alone, in order of arrival: replaying
        # the rule one by one gives exactly the statuses the server wrote.
        assert {r.id: r.status for r in rows} == first_fit(rows, GROUP_CAPACITY)
        confirmed_places = sum(r.places for r in rows if r.status == CONFIRMED)
        assert GROUP_CAPACITY - 3 <= confirmed_places <= GROUP_CAPACITY
        mailed_confirmed, _ = told_in_mails()
        assert {r.email for r in rows if r.status == CONFIRMED} == mailed_confirmed
        assert_first_fit_order(rows, GROUP_CAPACITY)
        assert_counters_equal_rows(rows, "group-evening")

        # Confirmed groups and single people leave while newcomers (groups and single people)
        # sign up, all at once; promotions run inside the cancellations.
        confirmed = [r for r in rows if r.status == CONFIRMED]
        leaving = [r.id for r in confirmed if r.companions][:3] + [
            r.id for r in confirmed if not r.companions][:3]
        tokens = [services.manage_token(db.session.get(Registration, i)) for i in leaving]
        newcomers = [(f"latecomer{n:02d}@example.org", n % 3) for n in range(10)]
        db.session.close()
        with ThreadPoolExecutor(max_workers=16) as pool:
            tasks = list(pool.map(lambda t: cancel_task(Browser(base), t), tokens))
            tasks += list(pool.map(
                lambda nc: registration_task(Browser(base), nc[0], "group-evening", nc[1]),
                newcomers,
            ))
        with highest_seen(url, "SELECT coalesce(sum(1 + companions), 0) FROM registrations "
                               "WHERE status = 'confirmed'") as max_seen:
            answers = all_at_once(tasks)

        assert [status for _, status, _ in answers] == [200] * len(tasks), log.read_text()
        assert max_seen["value"] <= GROUP_CAPACITY
        rows = registrations(app)
        assert {r.id for r in rows if r.status == CANCELLED} == set(leaving)
        assert_first_fit_order([r for r in rows if r.status != CANCELLED], GROUP_CAPACITY)
        assert_counters_equal_rows(rows, "group-evening")
        db.session.close()
