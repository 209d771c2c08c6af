"""Fixtures shared by every test: the app on a real database, clients, and factories.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import shutil
import tempfile
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask, g, request_started, template_rendered
from limits.storage import MemoryStorage

from config import database_url as normalise_database_url
from participation import create_app
from participation.accounts.models import Role, User, UserRole
from participation.accounts.services import hash_password
from participation.core import page_cache
from participation.database import utcnow
from participation.events.models import Event, EventLanguage, EventStatus, Topic
from participation.extensions import db, limiter
from participation.policy.models import PolicyAction, PolicyDocument, Priority
from participation.registrations import services as registration_services
from participation.registrations.models import Registration, RegistrationSource, RegistrationStatus

_counter = itertools.count(1)


@functools.cache
def password_hash(password: str) -> str:
    """Hash each test password once: scrypt is slow on purpose (about 70 ms a hash)."""
    return hash_password(password)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """The database the tests use: TEST_DATABASE_URL, or a fresh SQLite file."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield normalise_database_url(url)
        return
    # In memory-backed /dev/shm where there is one: every test commits, and a disk that
    # other processes keep busy makes each commit's fsync wait (minutes over a whole run).
    if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
        folder = tempfile.mkdtemp(prefix="participation-test-", dir="/dev/shm")
        yield f"sqlite:///{folder}/test.db"
        shutil.rmtree(folder, ignore_errors=True)
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def _schema(database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        _stamp_migrations_head(app)
    yield
    with app.app_context():
        db.engine.dispose()


def _stamp_migrations_head(app) -> None:
    """Record the migrations' head as applied: the schema is the models', which
    tests/test_migrations.py proves equal to the migrations (so /readyz sees it current)."""
    from participation.core.readiness import migration_heads

    with db.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        conn.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        for head in migration_heads(app):
            conn.execute(sa.text("INSERT INTO alembic_version VALUES (:v)"), {"v": head})


def _empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(sa.text(f"DELETE FROM {name}"))


def _forget_signed_in_user(sender, **extra) -> None:
    g.pop("_login_user", None)
    g.pop("_flask_babel", None)
    g.pop("csrf_token", None)


@pytest.fixture
def app_config() -> dict:
    """Overrides of the test configuration; a test module may redefine this fixture."""
    return {}


#: The app of the default test configuration, built once per process and reused by every
#: test that does not override ``app_config`` (building one costs about 150 ms).
_shared_app: dict[str, Flask] = {}
#: The app built last: extensions such as the rate limiter are bound to one app at a time.
_last_built: list[Flask | None] = [None]


def _build_app(config: dict) -> Flask:
    app = create_app(config)
    # Requests reuse the app context pushed here, and with it ``g``: forget the signed-in
    # user and the chosen language at the start of each request, as production does.
    request_started.connect(_forget_signed_in_user, app)
    _last_built[0] = app
    return app


@pytest.fixture
def app(_schema, database_url, app_config):
    """The app with an application context pushed, on an empty database.

    Tests without their own ``app_config`` share one app; whatever a test changes in its
    configuration, its page cache or its rate limits is undone afterwards.
    """
    config = {"SQLALCHEMY_DATABASE_URI": database_url, **app_config}
    if app_config:
        app = _build_app(config)
    else:
        app = _shared_app.get(database_url)
        if app is None or _last_built[0] is not app:
            app = _shared_app[database_url] = _build_app(config)
    saved_config = dict(app.config)
    with app.app_context():
        yield app
        db.session.remove()
        _empty_tables()
        db.engine.dispose()
        page_cache.invalidate()
        # Counters in this process's memory only: resetting a Redis storage would delete every
        # limiter key in it, other test runs' included.
        if isinstance(getattr(limiter, "_storage", None), MemoryStorage):
            limiter.reset()
    app.config.clear()
    app.config.update(saved_config)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def count_queries(app):
    """Context manager that counts the SQL statements run inside it."""

    @contextlib.contextmanager
    def counter():
        statements: list[str] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", before)

    return counter


@pytest.fixture
def make_topic(app):
    def make(slug: str | None = None, **fields) -> Topic:
        n = next(_counter)
        fields.setdefault("name_nl", f"Thema {n}")
        fields.setdefault("name_en", f"Topic {n}")
        topic = Topic(slug=slug or f"topic-{n}", **fields)
        db.session.add(topic)
        db.session.flush()
        return topic

    return make


@pytest.fixture
def make_action(app):
    def make(code: str | None = None, priority: Priority | None = None, **fields) -> PolicyAction:
        n = next(_counter)
        if priority is None:
            document = PolicyDocument(slug=f"doc-{n}", issuer_nl="Stad Gent",
                                      title_nl=f"Nota {n}", title_en=f"Note {n}")
            priority = Priority(document=document, slug=f"prio-{n}", title_nl=f"Prioriteit {n}",
                                title_en=f"Priority {n}", is_top_priority=True, position=n)
            db.session.add(priority)
        action = PolicyAction(code=code or f"T{n:03d}", priority=priority,
                              title_nl=fields.pop("title_nl", f"Actie {n}"),
                              title_en=fields.pop("title_en", f"Action {n}"), **fields)
        db.session.add(action)
        db.session.flush()
        return action

    return make


@pytest.fixture
def make_event(app, make_topic):
    """Create a published event starting in a week, unless told otherwise."""

    def make(**fields) -> Event:
        """Texts given without a language (``title="..."``) read the same in both languages;
        give ``title_nl`` / ``title_en`` (and so on) to test one-language content."""
        n = next(_counter)
        one_language = any(f"{name}_{lang}" in fields for name in Event.BILINGUAL_FIELDS
                           for lang in ("nl", "en"))
        for name in Event.BILINGUAL_FIELDS:
            if name in fields:
                value = fields.pop(name)
                fields.setdefault(f"{name}_nl", value)
                fields.setdefault(f"{name}_en", value)
        if not one_language:
            fields.setdefault("title_en", fields.get("title_nl", f"Event {n}"))
            fields.setdefault("summary_en", fields.get("summary_nl", f"Summary of event {n}"))
            fields.setdefault("description_en", fields.get("description_nl", "A **public** event."))
        else:  # only what was given
            for name in ("title", "summary", "description"):
                for lang in ("nl", "en"):
                    fields.setdefault(f"{name}_{lang}", None)
        starts_at = fields.pop("starts_at", utcnow() + timedelta(days=7))
        topic = fields.pop("topic", None) or make_topic()
        actions = fields.pop("actions", [])
        organisers = fields.pop("organisers", [])
        event = Event(
            slug=fields.pop("slug", f"event-{n}"),
            title_nl=fields.pop("title_nl", f"Event {n}"),
            summary_nl=fields.pop("summary_nl", f"Summary of event {n}"),
            description_nl=fields.pop("description_nl", "A **public** event."),
            topic=topic,
            starts_at=starts_at,
            ends_at=fields.pop("ends_at", starts_at + timedelta(hours=2)),
            venue_name=fields.pop("venue_name", "De Krook"),
            address=fields.pop("address", "Miriam Makebaplein 1, 9000 Gent"),
            language=fields.pop("language", EventLanguage.DUTCH),
            status=fields.pop("status", EventStatus.PUBLISHED),
            capacity=fields.pop("capacity", 50),
            **fields,
        )
        event.actions = list(actions)
        event.organisers = list(organisers)
        db.session.add(event)
        db.session.flush()
        return event

    return make


@pytest.fixture
def templates_rendered(app):
    """The names of the templates rendered while the fixture is in use."""
    names: list[str] = []

    def note(sender, template, context, **extra):
        names.append(template.name)

    template_rendered.connect(note, app)
    yield names
    template_rendered.disconnect(note, app)


@pytest.fixture
def make_user(app):
    def make(email: str | None = None, roles=(Role.RESIDENT,), password: str | None = None,
             verified: bool = True, **fields) -> User:
        n = next(_counter)
        # Tests read English pages unless they ask for Dutch; the site's default stays Dutch.
        fields.setdefault("locale", "en")
        user = User(email=email or f"person{n}@example.org", name=fields.pop("name", f"Person {n}"),
                    email_verified_at=utcnow() if verified else None, **fields)
        if password is not None:
            user.password_hash = password_hash(password)
        user.roles = [UserRole(role=Role(r)) for r in roles]
        db.session.add(user)
        db.session.flush()
        return user

    return make


@pytest.fixture
def login(client):
    """Sign a user in on the test client, as Flask-Login would after a correct password."""

    def sign_in(user: User) -> User:
        db.session.commit()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return user

    return sign_in


def free_port() -> int:
    """Ask the operating system for a free TCP port on localhost."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPSink:
    """A real SMTP server on localhost (aiosmtpd) that keeps every mail it accepts.

    ``stop()`` and ``start()`` simulate an outage; ``refuse`` lists recipients it rejects.
    """

    def __init__(self, port: int):
        self.port = port
        self.messages: list = []
        self.refuse: set[str] = set()
        self._controller = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append({
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "message": message,
        })
        return "250 Message accepted for delivery"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list:
        """The mails received for one address."""
        return [m["message"] for m in self.messages if address in m["rcpt_tos"]]


@pytest.fixture
def smtp_server():
    """A running SMTP server on a free localhost port; pair it with ``smtp_config``."""
    sink = SMTPSink(free_port())
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def smtp_config(smtp_server) -> dict:
    """Configuration that really delivers to ``smtp_server`` (use it in ``app_config``)."""
    return {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_server.port,
        "MAIL_SUPPRESS_SEND": False,
        "MAIL_TIMEOUT": 5,
    }


@pytest.fixture
def free_tcp_port() -> int:
    """A free TCP port on localhost, for servers a test starts."""
    return free_port()
@pytest.fixture
def make_opinion(app, make_user):
    """Create a published opinion on an action (by a new resident unless one is given)."""
    from participation.feedback.models import Opinion, OpinionSource, Stance

    def make(action: PolicyAction, user: User | None = None, **fields):
        if user is None and fields.get("source") != OpinionSource.AT_EVENT:
            user = make_user()
        opinion = Opinion(action=action, user_id=user.id if user else None,
                          stance=fields.pop("stance", Stance.SUPPORT),
                          body=fields.pop("body", "A good idea for Ghent."), **fields)
        db.session.add(opinion)
        db.session.flush()
        return opinion

    return make


@pytest.fixture
def make_registration(app):
    """Register someone through the registration service, so counters and rules hold.

    ``status`` is what the test expects: WAITING needs a full event (the service decides),
    CANCELLED registers and then cancels. ``checked_in`` checks the person in through the
    service. ``code`` swaps the random check-in code for one a test can type. Someone
    registered online for an event that has already started registered the day before.
    """

    def make(event: Event, *, name: str | None = None, email=..., user: User | None = None,
             status: RegistrationStatus = RegistrationStatus.CONFIRMED,
             checked_in: bool = False, code: str | None = None,
             source: RegistrationSource = RegistrationSource.ONLINE, locale: str = "nl",
             created_at=None, **needs) -> Registration:
        n = next(_counter)
        now = created_at
        if now is None and source == RegistrationSource.ONLINE and event.starts_at <= utcnow():
            now = event.starts_at - timedelta(days=1)
        result = registration_services.register(
            event,
            name=name if name is not None else (user.name if user else f"Resident {n}"),
            email=(user.email if user else f"resident{n}@example.org") if email is ... else email,
            user=user, source=source, locale=locale, now=now, **needs,
        )
        registration = result.registration
        if status == RegistrationStatus.CANCELLED:
            registration_services.cancel(registration, now=now)
        elif registration.status != RegistrationStatus(status):
            raise AssertionError(
                f"the service made this registration {registration.status.value}, not "
                f"{RegistrationStatus(status).value}: fill the event first (capacity=...)")
        if checked_in and registration.checked_in_at is None:
            registration_services.check_in(registration, now=now)
        if code:
            registration.code = code
            db.session.flush()
        return registration

    return make
