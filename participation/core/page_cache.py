"""Rendered public pages kept in memory for visitors without a session, fresh by construction.

Rendering the event list costs milliseconds; sending a copy costs microseconds. A page is
kept only when the request carried no cookie and no credentials, and rendering it did not
touch the session (no CSRF token, no flashed message) or set a cookie: what is kept is
exactly what every anonymous visitor with that language would get.

Freshness: every commit that changes content (anything but the mail outbox and the audit
log) bumps a *content version*. The process that commits bumps it right after the commit;
on PostgreSQL the transaction also runs ``NOTIFY participation_content``, delivered to
every other process (gunicorn workers, other app servers) exactly when the change becomes
visible, and each process listens on its own connection. Until the listener is connected
(or after it lost its connection) nothing is served from the cache; a heartbeat on that
connection detects within ``PAGE_CACHE_LIVENESS_SECONDS`` (3) a connection that died
silently, and going off and coming back are logged. Because pages also
depend on the clock (past events leave the list, registration opens and closes), an entry
lives at most ``PAGE_CACHE_SECONDS``. SQLite has no notifications: there, with several
processes, another process's change shows after at most ``PAGE_CACHE_SECONDS``.

Every page served through :func:`cached_page` carries an ETag and ``Cache-Control:
no-cache``, so browsers revalidate and get ``304 Not Modified`` when nothing changed.
Writes that bypass the ORM session (raw SQL on a connection) must call :func:`invalidate`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context, make_response, request, session
from flask_babel import get_locale
from sqlalchemy.orm import Session
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header, parse_etags
from werkzeug.wrappers import Response

log = logging.getLogger(__name__)

CHANNEL = "participation_content"
#: Tables whose changes never show on a public page.
UNSEEN_TABLES = frozenset({"mail_outbox", "audit_log", "worker_job_runs"})
#: Headers repeated on a 304 Not Modified answer.
_KEPT_ON_304 = frozenset({"etag", "cache-control", "vary", "content-security-policy"})


@dataclass
class Entry:
    """One stored page."""

    body: bytes
    status: str
    headers: list[tuple[str, str]]
    not_modified_headers: list[tuple[str, str]]
    version: int
    expires: float
    etag: str


class PageCache:
    """The pages of one app in one process, and the content version they were made at."""

    def __init__(self, app: Flask):
        self.enabled = bool(app.config.get("PAGE_CACHE_ENABLED", False))
        self.seconds = float(app.config.get("PAGE_CACHE_SECONDS", 10))
        self.max_entries = int(app.config.get("PAGE_CACHE_MAX_ENTRIES", 500))
        self.version = 0
        self.listening = False
        self._entries: OrderedDict[Any, Entry] = OrderedDict()
        self._memos: dict[str, tuple[int, float, Any]] = {}
        self._lock = threading.Lock()
        self._listener_pid: int | None = None
        self._needs_listener = False
        self._conninfo: str | None = None
        #: Seconds between heartbeats on the LISTEN connection, and the longest silence
        #: before the cache stops serving.
        self.heartbeat = float(app.config.get("PAGE_CACHE_HEARTBEAT_SECONDS", 1))
        self.liveness = float(app.config.get("PAGE_CACHE_LIVENESS_SECONDS", 3))
        self._alive_at = 0.0
        self._listener_fd: int | None = None
        #: Going off was logged; coming back will be.
        self._off_reported = False

    # Freshness -------------------------------------------------------------------------

    def bump(self) -> None:
        """Content changed: nothing stored so far may be served."""
        with self._lock:
            self.version += 1
            self._entries.clear()
            self._memos.clear()

    def usable(self) -> bool:
        """Tell whether stored pages may be served and new ones stored."""
        if not self.enabled:
            return False
        if not self._needs_listener:
            return True
        if self._listener_pid != os.getpid():
            self._start_listener()
        if not self.listening:
            return False
        if time.monotonic() - self._alive_at > self.liveness:
            self._lost_silently()
            return False
        return True

    def stop_listening(self) -> None:
        """Let this process's listener thread end (it checks between heartbeats)."""
        self._listener_pid = None

    def _start_listener(self) -> None:
        self._listener_pid = os.getpid()
        self.listening = False
        thread = threading.Thread(target=self._listen, name="page-cache-listener", daemon=True)
        thread.start()

    def _lost_silently(self) -> None:
        """The LISTEN connection stopped answering: stop serving, drop it so it reconnects."""
        with self._lock:
            if not self.listening:
                return
            self.listening = False
            self.version += 1
            self._entries.clear()
            self._memos.clear()
            fd = self._listener_fd
            self._off_reported = True
        log.warning("page cache off: the LISTEN connection has not answered for %.0f s",
                    time.monotonic() - self._alive_at)
        if fd is not None:
            try:
                # Wake the listener blocked on a dead connection: it then reconnects.
                with socket.socket(fileno=os.dup(fd)) as connection:
                    connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _listen(self) -> None:
        """Follow NOTIFY on the content channel; serve nothing while not connected.

        A heartbeat (``SELECT 1`` every second) proves the connection alive; when it has not
        answered for ``PAGE_CACHE_LIVENESS_SECONDS`` the cache stops serving (see
        :meth:`usable`), and the connection is dropped and made again.
        """
        import psycopg

        pid = os.getpid()
        pause = 1.0
        while self._listener_pid == pid:
            try:
                with psycopg.connect(self._conninfo, autocommit=True,
                                     connect_timeout=max(int(self.liveness), 2)) as conn:
                    self._listener_fd = conn.pgconn.socket
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.bump()
                    self._alive_at = time.monotonic()
                    self.listening = True
                    if self._off_reported:
                        log.warning("page cache on again: following changes")
                    self._off_reported = False
                    pause = 1.0
                    while self._listener_pid == pid:
                        for _ in conn.notifies(timeout=self.heartbeat, stop_after=1):
                            self.bump()
                        conn.execute("SELECT 1")
                        self._alive_at = time.monotonic()
            except Exception as error:  # noqa: BLE001 - any failure: stop serving, retry
                if not self._off_reported:
                    log.warning("page cache off: cannot follow changes (%s)",
                                str(error).strip().splitlines()[0] if str(error) else
                                type(error).__name__)
                self._off_reported = True
            self._listener_fd = None
            self.listening = False
            self.bump()
            time.sleep(pause)
            pause = min(pause * 2, 5.0)

    # Storage ---------------------------------------------------------------------------

    def get(self, key) -> Entry | None:
        entry = self._entries.get(key)
        if entry is None or entry.version != self.version or entry.expires < time.monotonic():
            return None
        return entry

    def put(self, key, entry: Entry) -> None:
        with self._lock:
            if entry.version != self.version:
                return
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def memo(self, name: str, build: Callable[[], Any]) -> Any:
        """Return a small value derived from content (plain data, no ORM objects), kept fresh."""
        if not self.usable():
            return build()
        found = self._memos.get(name)
        if found and found[0] == self.version and found[1] > time.monotonic():
            return found[2]
        version = self.version
        value = build()
        if version == self.version:
            self._memos[name] = (version, time.monotonic() + self.seconds, value)
        return value


def init_app(app: Flask) -> None:
    """Give the app its page cache; on PostgreSQL, follow other processes' changes."""
    cache = PageCache(app)
    uri = str(app.config.get("SQLALCHEMY_DATABASE_URI", ""))
    if uri.startswith("postgresql") and app.config.get("PAGE_CACHE_LISTEN", True):
        url = sa.engine.make_url(uri).set(drivername="postgresql")
        cache._conninfo = url.render_as_string(hide_password=False)
        cache._needs_listener = True
    app.extensions["page_cache"] = cache
    app.wsgi_app = PageCacheMiddleware(app.wsgi_app, cache, tuple(app.config["LANGUAGES"]))


def invalidate() -> None:
    """Drop every stored page of the current app (for writes that bypass the ORM session)."""
    cache = current_app.extensions.get("page_cache")
    if cache is not None:
        cache.bump()


def memo(name: str, build: Callable[[], Any]) -> Any:
    """Keep a small value derived from content until content changes."""
    cache = current_app.extensions.get("page_cache")
    return build() if cache is None else cache.memo(name, build)


_KEY = "participation.page_cache.key"
_STORE = "participation.page_cache.etag"


class PageCacheMiddleware:
    """Serve kept pages before Flask runs; keep the pages that :func:`cached_page` allows.

    A kept page is sent with the very status and headers (security headers included) that
    Flask sent the first time; only requests without cookies or credentials are answered.
    """

    def __init__(self, wsgi_app, cache: PageCache, languages: tuple[str, ...]):
        self.wsgi_app = wsgi_app
        self.cache = cache
        self.languages = languages
        self._negotiated: dict[str, str] = {}

    def _language(self, header: str) -> str:
        """The visitor's language as the app chooses it without a session (memoised)."""
        found = self._negotiated.get(header)
        if found is None:
            accept = parse_accept_header(header, LanguageAccept)
            found = accept.best_match(self.languages) or self.languages[0]
            if len(self._negotiated) < 1000:
                self._negotiated[header] = found
        return found

    def __call__(self, environ, start_response):
        if (
            environ.get("REQUEST_METHOD") != "GET"
            or "HTTP_COOKIE" in environ
            or "HTTP_AUTHORIZATION" in environ
            or not self.cache.usable()
        ):
            return self.wsgi_app(environ, start_response)
        key = (environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST"),
               environ.get("SCRIPT_NAME"), environ.get("PATH_INFO"),
               environ.get("QUERY_STRING"), self._language(environ.get("HTTP_ACCEPT_LANGUAGE", "")))
        entry = self.cache.get(key)
        if entry is not None:
            if_none_match = environ.get("HTTP_IF_NONE_MATCH")
            if if_none_match and parse_etags(if_none_match).contains(entry.etag):
                start_response("304 Not Modified", entry.not_modified_headers)
                return []
            start_response(entry.status, entry.headers)
            return [entry.body]

        version = self.cache.version
        environ[_KEY] = key
        sent: list = []

        def capture(status, headers, exc_info=None):
            sent[:] = [status, headers]
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, capture)
        etag = environ.get(_STORE)
        if not etag or not sent or not sent[0].startswith("200"):
            return body
        if any(k.lower() == "set-cookie" for k, _ in sent[1]):
            return body  # a cookie was set: this page is not the same for everyone
        try:
            content = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        self.cache.put(key, Entry(
            body=content,
            status=sent[0],
            headers=sent[1],
            not_modified_headers=[(k, v) for k, v in sent[1] if k.lower() in _KEPT_ON_304],
            version=version,
            expires=time.monotonic() + self.cache.seconds,
            etag=etag,
        ))
        return [content]


def cached_page(view: Callable) -> Callable:
    """Give the page an ETag (304 when unchanged) and let the page cache keep it.

    The page is kept only when it is the same for every visitor without a session in
    that language: status 200, the session untouched, no cookie set.
    """

    @wraps(view)
    def wrapper(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        if (
            response.status_code != 200
            or response.is_streamed
            or session.modified
            or "Set-Cookie" in response.headers
        ):
            return response
        etag = hashlib.blake2b(response.get_data(), digest_size=16).hexdigest()
        response.set_etag(etag)
        response.headers["Cache-Control"] = "no-cache"
        response.vary.update(("Accept-Language", "Cookie"))
        key = request.environ.get(_KEY)
        if key is not None and key[-1] == str(get_locale()):
            request.environ[_STORE] = etag
        if request.if_none_match.contains(etag):
            return Response(status=304, headers=[
                (k, v) for k, v in response.headers.items() if k.lower() in _KEPT_ON_304])
        return response

    return wrapper


# Content changes: mark the transaction, notify on PostgreSQL, bump after the commit. ------


def _changes_content(session: Session) -> bool:
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table not in UNSEEN_TABLES:
            return True
    return False


def _mark_changed(session: Session) -> None:
    if session.info.get("content_changed"):
        return
    session.info["content_changed"] = True
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # Delivered to the listeners when (and only if) this transaction commits.
        connection.exec_driver_sql(f"NOTIFY {CHANNEL}")


@sa.event.listens_for(Session, "after_flush")
def _after_flush(session: Session, flush_context) -> None:
    if _changes_content(session):
        _mark_changed(session)


@sa.event.listens_for(Session, "do_orm_execute")
def _after_bulk(orm_execute_state) -> None:
    if orm_execute_state.is_update or orm_execute_state.is_delete or (
        orm_execute_state.is_insert
    ):
        table = getattr(orm_execute_state.statement, "table", None)
        if getattr(table, "name", None) not in UNSEEN_TABLES:
            _mark_changed(orm_execute_state.session)


@sa.event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop("content_changed", False) and has_app_context():
        cache = current_app.extensions.get("page_cache")
        if cache is not None:
            cache.bump()


@sa.event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop("content_changed", None)
