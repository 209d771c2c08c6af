"""Rendered public pages kept in memory for visitors without a session, fresh by construction.

Rendering the event list costs milliseconds; sending a copy costs microseconds. A page is
kept only when the request carried no cookie and no credentials, and rendering it did not
touch the session (no CSRF token, no flashed message) or set a cookie: what is kept is
exactly what every anonymous visitor with that language would get.

Freshness is targeted. While a page (or a fragment, see :func:`fragment`) is rendered, the
queries that feed it declare what they show with :func:`depends_on` (``"event:12"``,
``"events"``, ``"action:3"``); a page that declared nothing depends on everything (``"*"``).
Every commit that changes content names what it changed: a model may define
``cache_tags(changed)`` (see :func:`change_tags`; ``changed`` is the set of changed column
names, or None for an insert or delete); any other table (but the mail outbox and the audit
log) changes everything. A registration on one event thus drops that event's page and the
pages that show its places, and nothing else. The process that commits drops what the
change touched right after the commit; on PostgreSQL the transaction also runs ``NOTIFY
participation_content`` with the changed tags as payload, delivered to every other process
(gunicorn workers, other app servers) exactly when the change becomes visible, and each
process listens on its own connection. Until the listener is connected
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
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g, has_app_context, make_response, request, session
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy.orm import Session
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header, parse_etags
from werkzeug.local import LocalProxy
from werkzeug.wrappers import Response

from participation.core import notify

log = logging.getLogger(__name__)

CHANNEL = "participation_content"
#: The tag of "everything": a change that may show anywhere, or a page that declared nothing.
ALL = "*"
#: PostgreSQL limits a NOTIFY payload to 8000 bytes; more tags than fit change everything.
_MAX_PAYLOAD = 7900
notify.limit_payload(CHANNEL, _MAX_PAYLOAD, ALL)
#: How many recent invalidations are remembered to decide whether a page rendered meanwhile
#: may still be kept.
_HISTORY = 2048
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
    #: What the page shows (tags); ``{ALL}`` when it declared nothing.
    deps: frozenset[str] = frozenset({ALL})


@dataclass
class KeptPage:
    """A page kept for the visitors with one session state (see :func:`cached_page`)."""

    #: The page as rendered, the visitor's CSRF token replaced by ``_CSRF_MARK``.
    html: str
    status: int
    headers: list[tuple[str, str]]
    version: int
    expires: float
    deps: frozenset[str]


class PageCache:
    """The pages of one app in one process, and the content version they were made at."""

    def __init__(self, app: Flask):
        self.enabled = bool(app.config.get("PAGE_CACHE_ENABLED", False))
        self.seconds = float(app.config.get("PAGE_CACHE_SECONDS", 10))
        self.max_entries = int(app.config.get("PAGE_CACHE_MAX_ENTRIES", 500))
        self.version = 0
        self.listening = False
        self._entries: OrderedDict[Any, Entry] = OrderedDict()
        #: Pages kept for a visitor with a session (see :func:`cached_page`), apart from the
        #: anonymous ones so that many signed-in people never push those out.
        self._personal: OrderedDict[Any, KeptPage] = OrderedDict()
        self.personal_max_entries = int(app.config.get("PAGE_CACHE_PERSONAL_MAX_ENTRIES", 200))
        #: name -> (version built at, expiry, value, deps)
        self._memos: dict[Any, tuple[int, float, Any, frozenset[str]]] = {}
        #: tag -> what shows it, as (store, key) with store 0 pages, 1 personal pages, 2 memos;
        #: and what shows everything. An invalidation visits only those, not every entry: each
        #: commit (a registration every few milliseconds) drops its tags in every worker.
        self._showing: dict[str, set[tuple[int, Any]]] = {}
        self._showing_all: set[tuple[int, Any]] = set()
        #: (version, tags) of the latest invalidations, oldest first.
        self._history: deque[tuple[int, frozenset[str]]] = deque(maxlen=_HISTORY)
        self._recording = threading.local()
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
        #: The LISTEN connection's backend (pg_stat_activity), while connected.
        self.listener_backend_pid: int | None = None
        #: Going off was logged; coming back will be.
        self._off_reported = False

    # Freshness -------------------------------------------------------------------------

    def bump(self) -> None:
        """Anything may have changed: nothing stored so far may be served."""
        self.invalidate((ALL,))

    def invalidate(self, tags: Iterable[str]) -> None:
        """Content named by ``tags`` changed: drop every page and memo that shows it."""
        tags = frozenset(tags)
        if not tags:
            return
        with self._lock:
            self.version += 1
            self._history.append((self.version, tags))
            if ALL in tags:
                self._forget_all()
                return
            shown = set(self._showing_all)
            for tag in tags:
                shown |= self._showing.get(tag, set())
            for store, key in shown:
                deps = self._deps(store, key)
                if deps is not None and _touches(deps, tags):
                    self._drop(store, key)

    def still_fresh(self, since: int, deps: frozenset[str]) -> bool:
        """Tell whether nothing that ``deps`` shows changed after version ``since``."""
        if since == self.version:
            return True
        history = self._history
        if not history or history[0][0] > since + 1:
            return False  # older than what is remembered
        return not any(v > since and _touches(deps, tags) for v, tags in list(history))

    # What a page shows -----------------------------------------------------------------

    def _stack(self) -> list[set[str]]:
        stack = getattr(self._recording, "stack", None)
        if stack is None:
            stack = self._recording.stack = []
        return stack

    def start_recording(self) -> set[str]:
        """Collect the tags declared from now on in this thread (nested recordings see all)."""
        found: set[str] = set()
        self._stack().append(found)
        return found

    def stop_recording(self, found: set[str]) -> frozenset[str]:
        """End a recording; a recording that declared nothing depends on everything."""
        stack = self._stack()
        for i in range(len(stack) - 1, -1, -1):
            if stack[i] is found:  # identity: recordings with equal tags are not the same
                del stack[i]
                break
        return frozenset(found) if found else frozenset({ALL})

    def declare(self, tags: Iterable[str]) -> None:
        """Add tags to every recording in progress in this thread."""
        stack = getattr(self._recording, "stack", None)
        if stack:
            tags = tuple(tags)
            for found in stack:
                found.update(tags)

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
            self._history.append((self.version, frozenset({ALL})))
            self._forget_all()
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

        A notification, or a heartbeat (``SELECT 1`` after a second without one), proves the
        connection alive; when it has not answered for ``PAGE_CACHE_LIVENESS_SECONDS`` the
        cache stops serving (see :meth:`usable`), and the connection is dropped and made
        again. (A heartbeat after every notification cost each worker a round trip per
        commit anywhere: under a hundred sign-ups a second, a hundred ``SELECT 1`` a second.)
        """
        import psycopg

        pid = os.getpid()
        pause = 1.0
        while self._listener_pid == pid:
            try:
                with psycopg.connect(self._conninfo, autocommit=True,
                                     connect_timeout=max(int(self.liveness), 2)) as conn:
                    self._listener_fd = conn.pgconn.socket
                    self.listener_backend_pid = conn.info.backend_pid  # for pg_stat_activity
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.bump()
                    self._alive_at = time.monotonic()
                    self.listening = True
                    if self._off_reported:
                        log.warning("page cache on again: following changes")
                    self._off_reported = False
                    pause = 1.0
                    while self._listener_pid == pid:
                        heard = False
                        for notice in conn.notifies(timeout=self.heartbeat, stop_after=1):
                            self.invalidate(notice.payload.split() or (ALL,))
                            heard = True
                        if not heard:  # a notification just heard proves the connection
                            conn.execute("SELECT 1")  # alive; a quiet second asks
                        self._alive_at = time.monotonic()
            except Exception as error:  # noqa: BLE001 - any failure: stop serving, retry
                if not self._off_reported:
                    log.warning("page cache off: cannot follow changes (%s)",
                                str(error).strip().splitlines()[0] if str(error) else
                                type(error).__name__)
                self._off_reported = True
            self._listener_fd = None
            self.listener_backend_pid = None
            self.listening = False
            self.bump()
            time.sleep(pause)
            pause = min(pause * 2, 5.0)

    # Storage ---------------------------------------------------------------------------

    def get(self, key) -> Entry | None:
        return _unexpired(self._entries, key)

    def put(self, key, entry: Entry) -> None:
        self._store(self._entries, key, entry, self.max_entries)

    def get_personal(self, key) -> KeptPage | None:
        return _unexpired(self._personal, key)

    def put_personal(self, key, entry: KeptPage) -> None:
        self._store(self._personal, key, entry, self.personal_max_entries)

    def _store(self, entries: OrderedDict, key, entry: Entry | KeptPage, limit: int) -> None:
        """Keep ``entry`` unless what it shows changed while it was made; the least recently
        kept go first beyond ``limit``."""
        store = 0 if entries is self._entries else 1
        with self._lock:
            if not self.still_fresh(entry.version, entry.deps):
                return
            if key in entries:
                self._drop(store, key)
            entries[key] = entry
            self._link(store, key, entry.deps)
            while len(entries) > limit:
                self._drop(store, next(iter(entries)))

    def _stores(self) -> tuple[dict, dict, dict]:
        return self._entries, self._personal, self._memos

    def _deps(self, store: int, key) -> frozenset[str] | None:
        found = self._stores()[store].get(key)
        if found is None:
            return None
        return found[3] if store == 2 else found.deps

    def _link(self, store: int, key, deps: frozenset[str]) -> None:
        if ALL in deps:
            self._showing_all.add((store, key))
        for tag in deps:
            self._showing.setdefault(tag, set()).add((store, key))

    def _drop(self, store: int, key) -> None:
        """Forget one entry and what it showed (the caller holds the lock)."""
        deps = self._deps(store, key)
        del self._stores()[store][key]
        self._showing_all.discard((store, key))
        for tag in deps:
            showing = self._showing.get(tag)
            if showing is not None:
                showing.discard((store, key))
                if not showing:
                    del self._showing[tag]

    def _forget_all(self) -> None:
        """Forget every page and memo (the caller holds the lock)."""
        self._entries.clear()
        self._personal.clear()
        self._memos.clear()
        self._showing.clear()
        self._showing_all.clear()

    @property
    def follows_every_process(self) -> bool:
        """Tell whether every process's commits reach this one (PostgreSQL LISTEN), so that a
        memo is exact across gunicorn workers and app servers, not only within this process."""
        return self._needs_listener

    def memo(self, name: Any, build: Callable[[], Any],
             deps: Iterable[str] | None = None) -> Any:
        """Return a value derived from content (plain data or markup, no ORM objects).

        It is kept until what it shows changes (the tags declared while building it, or
        ``deps`` when given: then what building it read is not recorded), at most
        ``PAGE_CACHE_SECONDS``; its tags count for the page or memo that uses it.
        """
        if not self.usable():
            return build()
        found = self._memos.get(name)
        if found and found[1] > time.monotonic():
            self.declare(found[3])
            return found[2]
        version = self.version
        recording = self.start_recording()
        try:
            value = build()
        finally:
            read = self.stop_recording(recording)
        deps = read if deps is None else frozenset(deps)
        self.declare(deps)
        with self._lock:
            if self.still_fresh(version, deps):
                if name in self._memos:
                    self._drop(2, name)
                self._memos[name] = (version, time.monotonic() + self.seconds, value, deps)
                self._link(2, name, deps)
        return value


def _unexpired(entries: OrderedDict, key) -> Entry | KeptPage | None:
    entry = entries.get(key)
    if entry is None or entry.expires < time.monotonic():
        return None
    return entry


def _touches(deps: frozenset[str], tags: frozenset[str]) -> bool:
    return ALL in deps or ALL in tags or not deps.isdisjoint(tags)


def init_app(app: Flask) -> None:
    """Give the app its page cache; on PostgreSQL, follow other processes' changes."""
    cache = PageCache(app)
    uri = str(app.config.get("SQLALCHEMY_DATABASE_URI", ""))
    if uri.startswith("postgresql") and app.config.get("PAGE_CACHE_LISTEN", True):
        url = sa.engine.make_url(uri).set(drivername="postgresql")
        cache._conninfo = url.render_as_string(hide_password=False)
        cache._needs_listener = True
    app.extensions["page_cache"] = cache
    app.jinja_env.globals["cached_block"] = cached_block
    app.wsgi_app = PageCacheMiddleware(app.wsgi_app, cache, tuple(app.config["LANGUAGES"]))


def invalidate(tags: Iterable[str] = (ALL,)) -> None:
    """Drop the stored pages that show ``tags`` (default: all; for writes that bypass the ORM)."""
    cache = current_app.extensions.get("page_cache")
    if cache is not None:
        cache.invalidate(tags)


def memo(name: Any, build: Callable[[], Any], deps: Iterable[str] | None = None) -> Any:
    """Keep a value derived from content until what it shows changes (``deps``: the tags
    that drop it, instead of what building it read)."""
    cache = current_app.extensions.get("page_cache") if has_app_context() else None
    return build() if cache is None else cache.memo(name, build, deps=deps)


def keeping(personal: bool = False) -> bool:
    """Whether a memo keeps what it builds here (``personal``: a person's own state, which
    needs every process's commits to reach this one). Where it does not, a caller may load
    the cheapest way for one use instead of building what would be kept."""
    cache = current_app.extensions.get("page_cache") if has_app_context() else None
    if cache is None or not cache.usable():
        return False
    return cache.follows_every_process or not personal


def personal_memo(name: Any, build: Callable[[], Any], deps: Iterable[str]) -> Any:
    """Keep a value about one person (who they are, what they follow) until ``deps`` change.

    Only where every process's commits reach this one (PostgreSQL notifications): a page may
    lag a change by one commit, a person's own state may not lag what they just did in
    another worker. Elsewhere it is built on every use.
    """
    cache = current_app.extensions.get("page_cache") if has_app_context() else None
    if cache is None or not cache.follows_every_process or not cache.usable():
        return build()
    return cache.memo(name, build, deps=deps)


#: Stands for the visitor's CSRF token inside a kept fragment.
_CSRF_MARK = "\x00csrf\x00"


def fragment(name: Any, build: Callable[[], str], deps: Iterable[str] = ()) -> Markup:
    """A rendered part of a page that is the same for every visitor, kept like a memo.

    Signed-in pages render the person's own parts (their registration, their opinion) around
    fragments; ``name`` must hold everything the fragment depends on besides content and
    language (query arguments, whether someone is signed in). A CSRF token rendered inside
    is kept as a mark and replaced by the visitor's own token on every use. ``deps`` adds
    tags for what the fragment shows of objects loaded before it was built.
    """
    def render() -> str:
        depends_on(*deps)
        html = str(build())
        token = g.get("csrf_token")
        return html.replace(token, _CSRF_MARK) if token else html

    html = memo(("fragment", str(get_locale()), name), render)
    if _CSRF_MARK in html:
        html = html.replace(_CSRF_MARK, generate_csrf())
    return Markup(html)


def cached_block(*name: Any, caller: Callable[[], str], keep: bool = True,
                 deps: Iterable[str] = ()) -> Markup:
    """Jinja: ``{% call cached_block("events.list", args) %}...{% endcall %}`` keeps the block.

    What the block reads must be loaded lazily (see :func:`lazy`) so that a kept block costs
    no query. ``keep=False`` renders it afresh (a form in its error state, with what the
    visitor typed, is nobody else's).
    """
    if not keep:
        return Markup(caller())
    return fragment(name, caller, deps)


def lazy(load: Callable[[], Any]) -> Any:
    """A value loaded on first use; a page whose kept fragment uses it never loads it.

    What loading it read (the tags its queries declared) is declared again wherever it is
    used, so a fragment built from a value loaded earlier still depends on what it shows.
    """
    loaded: list[Any] = []
    deps: list[frozenset[str]] = []

    def get() -> Any:
        cache = current_app.extensions.get("page_cache")
        if not loaded:
            recording = cache.start_recording() if cache is not None else None
            try:
                loaded.append(load())
            finally:
                if recording is not None:
                    deps.append(cache.stop_recording(recording))
        if cache is not None and deps:
            cache.declare(deps[0])
        return loaded[0]

    return LocalProxy(get)


def depends_on(*tags: str) -> None:
    """Declare that the page or fragment being rendered shows what ``tags`` name."""
    cache = current_app.extensions.get("page_cache") if has_app_context() else None
    if cache is not None:
        cache.declare(tags)


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
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        sent: list = []
        held: list[bytes] = []

        def capture(status, headers, exc_info=None):
            sent[:] = [status, headers]
            if if_none_match and exc_info is None and environ.get(_STORE):
                # A browser revalidating a page to be kept: the page is rendered whole and
                # kept, and the answer (304 or the page) is started once it is.
                return held.append
            return start_response(status, headers, exc_info)

        recording = self.cache.start_recording()
        try:
            body = self.wsgi_app(environ, capture)
        finally:
            deps = self.cache.stop_recording(recording)
        etag = environ.get(_STORE)
        holding = bool(if_none_match and etag and sent)
        if not etag or not sent or not sent[0].startswith("200") or any(
            k.lower() == "set-cookie" for k, _ in sent[1]  # not the same for everyone
        ):
            if holding:
                start_response(*sent)
                return [*held, *body] if held else body
            return body
        try:
            content = b"".join([*held, *body])
        finally:
            if hasattr(body, "close"):
                body.close()
        entry = Entry(
            body=content,
            status=sent[0],
            headers=sent[1],
            not_modified_headers=[(k, v) for k, v in sent[1] if k.lower() in _KEPT_ON_304],
            version=version,
            expires=time.monotonic() + self.cache.seconds,
            etag=etag,
            deps=deps,
        )
        self.cache.put(key, entry)
        if holding:
            if parse_etags(if_none_match).contains(etag):
                start_response("304 Not Modified", entry.not_modified_headers)
                return []
            start_response(*sent)
        return [content]


def cached_page(view: Callable) -> Callable:
    """Give the page an ETag (304 when unchanged) and let the page cache keep it.

    The page is kept only when it is the same for every visitor without a session in
    that language: status 200, the session untouched, no cookie set. A visitor with a
    session (signed in, or holding a CSRF token) gets the page kept for exactly their session
    state (:func:`_kept_page_key`), with their own CSRF token put in: the view does not run.
    """

    @wraps(view)
    def wrapper(*args, **kwargs):
        kept = _kept_page_key()
        if kept is None:
            response = make_response(view(*args, **kwargs))
        else:
            cache, key = kept
            entry = cache.get_personal(key)
            if entry is not None:
                html = entry.html
                if _CSRF_MARK in html:
                    html = html.replace(_CSRF_MARK, generate_csrf())
                response = current_app.response_class(html, entry.status, entry.headers)
            else:
                version = cache.version
                recording = cache.start_recording()
                try:
                    cache.declare(_person_tags())
                    response = make_response(view(*args, **kwargs))
                finally:
                    deps = cache.stop_recording(recording)
                _keep_page(cache, key, response, version, deps)
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
            # The middleware keeps the page, and answers a browser revalidating it with a
            # 304 once it is kept (a 304 alone would leave nothing to keep: the next
            # revalidation would render the page again).
            request.environ[_STORE] = etag
            return response
        if request.if_none_match.contains(etag):
            return Response(status=304, headers=[
                (k, v) for k, v in response.headers.items() if k.lower() in _KEPT_ON_304])
        return response

    return wrapper


def _kept_page_key() -> tuple[PageCache, tuple] | None:
    """Where a page may be kept for a visitor with a session: the cache, and the key.

    Only where every process's commits reach this one (a person's own state may not lag
    what they just did in another worker, as for :func:`personal_memo`), for GET requests
    with cookies (without, the middleware keeps pages). The key holds everything a page may
    differ by besides content: the address, the languages the browser asks for, everything in
    the session but the CSRF token (who is signed in, their chosen language, flashed
    messages, a pending form) and the other cookies. What the page read while it was
    rendered (content, the person's memos and account: ``user:<id>``, which also holds their
    language and their sign-out when the password changes) drops it, as any kept page.

    A session Flask-Login would change (seen from another address or browser than it was made
    on and not yet marked as not fresh, or to be restored from a remember-me cookie) gets no
    kept page: the view runs and Flask-Login decides as on every request.
    """
    cache = current_app.extensions.get("page_cache")
    if (
        cache is None
        or request.method != "GET"
        or not request.cookies
        or "HTTP_AUTHORIZATION" in request.environ
        or not cache.follows_every_process
        or not cache.usable()
    ):
        return None
    manager = getattr(current_app, "login_manager", None)
    identify = getattr(manager, "_session_identifier_generator", None)
    if manager is None or identify is None:
        return None
    mode = current_app.config.get("SESSION_PROTECTION", manager.session_protection)
    if session and mode in ("basic", "strong") and session.get("_id") != identify():
        # Flask-Login's basic protection only marks such a session as not fresh (once);
        # the strong one signs it out.
        if (mode == "strong" and not session.permanent) or session.get("_fresh") is not False:
            return None
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    if "_user_id" not in session and remember in request.cookies:
        return None
    session_cookie = current_app.config["SESSION_COOKIE_NAME"]
    return cache, (
        request.scheme, request.host, request.script_root, request.path,
        request.query_string, request.headers.get("Accept-Language", ""),
        repr(sorted((k, v) for k, v in session.items() if k != "csrf_token")),
        repr(sorted((k, v) for k, v in request.cookies.items() if k != session_cookie)),
    )


def _person_tags() -> tuple[str, ...]:
    """The signed-in person's account tag, declared for their kept page: the account may
    have been loaded before the page's recording began (the language is chosen first)."""
    user_id = str(session.get("_user_id") or "").partition(":")[0]
    return (f"user:{user_id}",) if user_id.isdigit() else ()


def _keep_page(cache: PageCache, key: tuple, response: Response, version: int,
               deps: frozenset[str]) -> None:
    if (
        response.status_code != 200
        or response.is_streamed
        or session.modified  # a flashed message shown, a token made: not the same next time
        or "Set-Cookie" in response.headers
    ):
        return
    html = response.get_data(as_text=True)
    token = g.get("csrf_token")
    cache.put_personal(key, KeptPage(
        html=html.replace(token, _CSRF_MARK) if token else html,
        status=response.status_code,
        headers=[(k, v) for k, v in response.headers.items() if k.lower() != "content-length"],
        version=version,
        expires=time.monotonic() + cache.seconds,
        deps=deps,
    ))


# Content changes: mark the transaction, notify on PostgreSQL, bump after the commit. ------


def change_tags(obj: Any, changed: set[str] | None) -> set[str]:
    """What a change to ``obj`` may show on (``changed``: column names, None on insert/delete)."""
    table = getattr(obj, "__tablename__", None)
    if table in UNSEEN_TABLES:
        return set()
    tagger = getattr(obj, "cache_tags", None)
    if tagger is None:
        return {ALL}
    return set(tagger(changed))


def old_and_new(obj: Any, key: str) -> set[Any]:
    """The values of an attribute before and after a change (for tags naming a person: a
    row that moves from one person to another changes what both of them see)."""
    history = sa.inspect(obj).attrs[key].history
    return {value for value in (*history.deleted, getattr(obj, key)) if value is not None}


def _changed_columns(obj: Any) -> set[str]:
    state = sa.inspect(obj)
    return {attr.key for attr in state.attrs if attr.history.has_changes()}


def _session_tags(session: Session) -> set[str]:
    tags: set[str] = set()
    for obj in (*session.new, *session.deleted):
        tags |= change_tags(obj, None)
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=True):
            tags |= change_tags(obj, _changed_columns(obj))
    return tags


def _mark_changed(session: Session, tags: set[str]) -> None:
    if not tags:
        return
    pending: set[str] = session.info.setdefault("content_tags", set())
    new = tags - pending
    if not new:
        return
    pending |= new
    # Delivered to the listeners when (and only if) this transaction commits, with the
    # transaction's other notifications in one statement (``core.notify``).
    notify.on_commit(session, CHANNEL, new)


def note_written(session: Session, inserted: Iterable[Any] = (),
                 updated: Iterable[tuple[Any, set[str]]] = ()) -> None:
    """Writes made without a flush (``core.writes``): what they change, as a flush would tell."""
    tags: set[str] = set()
    for obj in inserted:
        tags |= change_tags(obj, None)
    for obj, columns in updated:
        tags |= change_tags(obj, columns)
    _mark_changed(session, tags)


@sa.event.listens_for(Session, "after_flush")
def _after_flush(session: Session, flush_context) -> None:
    _mark_changed(session, _session_tags(session))


@sa.event.listens_for(Session, "do_orm_execute")
def _after_bulk(orm_execute_state) -> None:
    if orm_execute_state.is_update or orm_execute_state.is_delete or (
        orm_execute_state.is_insert
    ):
        table = getattr(orm_execute_state.statement, "table", None)
        if getattr(table, "name", None) not in UNSEEN_TABLES:
            _mark_changed(orm_execute_state.session, {ALL})


@sa.event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    tags = session.info.pop("content_tags", None)
    if tags and has_app_context():
        cache = current_app.extensions.get("page_cache")
        if cache is not None:
            cache.invalidate(tags)


@sa.event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop("content_tags", None)


# What a page reads: every query run while a page or fragment is rendered declares what it
# read, so a page can never miss a dependency: a model's ``cache_query_tags`` (the tags of
# "which rows there are", e.g. ``{"events"}``) for every model the query touches, and
# ``cache_row_tags()`` of every instance it returns (``{"event:12"}``). A query on a model
# that declares neither depends on everything.


def _recording_cache():
    if not has_app_context():
        return None
    cache = current_app.extensions.get("page_cache")
    if cache is None or not getattr(cache._recording, "stack", None):
        return None
    return cache


@sa.event.listens_for(Session, "do_orm_execute")
def _record_reads(orm_execute_state) -> Any:
    if not orm_execute_state.is_select:
        return None
    cache = _recording_cache()
    if cache is None:
        return None
    tags: set[str] = set()
    rows = False
    for mapper in orm_execute_state.all_mappers:
        model = mapper.class_
        tags |= set(getattr(model, "cache_query_tags", (ALL,)))
        rows = rows or hasattr(model, "cache_row_tags")
    if not orm_execute_state.all_mappers:
        tags.add(ALL)
    cache.declare(tags)
    if not rows:
        return None
    frozen = orm_execute_state.invoke_statement().freeze()
    found: set[str] = set()
    for row in frozen().all():
        for value in row:
            row_tags = getattr(value, "cache_row_tags", None)
            if row_tags is not None:
                found |= row_tags()
    cache.declare(found)
    return frozen()
