"""Configuration classes, read from environment variables with safe development defaults."""

from __future__ import annotations

import os
from pathlib import Path

from participation.core import i18n

BASE_DIR = Path(__file__).resolve().parent
DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - refused in production


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def _float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


def database_url(value: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given without a driver."""
    for prefix in ("postgres://", "postgresql://"):
        if value.startswith(prefix):
            return "postgresql+psycopg://" + value[len(prefix):]
    return value


class Config:
    """Development defaults; every value can be overridden by an environment variable."""

    ENV_NAME = "development"
    DEBUG = _bool("FLASK_DEBUG", False)
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'participation.db'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    #: Seconds to wait for PostgreSQL to accept a connection before answering 503.
    DATABASE_CONNECT_TIMEOUT = _int("DATABASE_CONNECT_TIMEOUT", 3)
    #: Retry-After (seconds) of the 503 page shown while the database is unreachable.
    DATABASE_RETRY_AFTER_SECONDS = _int("DATABASE_RETRY_AFTER_SECONDS", 30)
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    BABEL_DEFAULT_LOCALE = i18n.DEFAULT_LANGUAGE
    BABEL_DEFAULT_TIMEZONE = i18n.BRUSSELS.key
    LANGUAGES = i18n.LANGUAGES

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = _int("MAIL_PORT", 8025)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "Stad Gent Participatie <participatie@stad.gent>"
    )
    MAIL_TIMEOUT = _int("MAIL_TIMEOUT", 10)
    #: Failed deliveries are retried (1, 2, 4 ... minutes apart, at most the cap) for this long.
    OUTBOX_RETRY_HOURS = _float("OUTBOX_RETRY_HOURS", 24)
    OUTBOX_BACKOFF_CAP_MINUTES = _float("OUTBOX_BACKOFF_CAP_MINUTES", 60)
    #: A worker that took a mail and died: the mail is taken again after this many seconds.
    OUTBOX_LEASE_SECONDS = _float("OUTBOX_LEASE_SECONDS", 300)
    #: `doctor` warns when a mail has been waiting longer than this.
    OUTBOX_ALERT_MINUTES = _int("OUTBOX_ALERT_MINUTES", 30)
    #: How often the worker looks for due mail without a wake-up (SQLite has no NOTIFY).
    WORKER_POLL_SECONDS = _float("WORKER_POLL_SECONDS", 1)
    #: Brussels hour at which the worker sends the reminders for tomorrow's events.
    REMINDERS_HOUR = _int("REMINDERS_HOUR", 9)
    #: Brussels hour of the daily privacy purge.
    PRIVACY_PURGE_HOUR = _int("PRIVACY_PURGE_HOUR", 3)

    #: Public base URL used in mails and calendar feeds sent outside a request.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    #: Who answers questions about the open data (named in its DCAT-AP catalogue).
    OPEN_DATA_CONTACT_EMAIL = os.environ.get("OPEN_DATA_CONTACT_EMAIL", "participatie@stad.gent")

    #: Map tiles behind the catalogue's map of events: a URL template with {z}/{x}/{y}
    #: (OpenStreetMap's by default; a city tile server in production). Empty: no map, only
    #: the list of places. Its host is added to the Content-Security-Policy's img-src.
    MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "© OpenStreetMap")
    MAP_TILE_ATTRIBUTION_URL = os.environ.get("MAP_TILE_ATTRIBUTION_URL",
                                              "https://www.openstreetmap.org/copyright")

    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    #: A dead or hung Redis never stalls a request: short timeouts (seconds), then the same
    #: limits are counted in memory until it answers again (participation.core.limits).
    RATELIMIT_STORAGE_TIMEOUT = _float("RATELIMIT_STORAGE_TIMEOUT", 0.5)
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    #: Production refuses memory:// (limits would be counted per worker process) unless this
    #: says the app runs as one single process.
    RATELIMIT_MEMORY_ALLOWED = _bool("RATELIMIT_MEMORY_ALLOWED", False)
    #: Prefix of the rate-limit counters in shared storage (one per deployment sharing a Redis).
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "participation")
    #: Number of trusted proxies in front of the app that set X-Forwarded-For. 0 (the default)
    #: ignores the header, so a client cannot pick the address its rate limits are counted on.
    PROXY_FIX_X_FOR = _int("PROXY_FIX_X_FOR", 0)

    MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 2 * 1024 * 1024)
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE

    #: Days after an event that registrants' personal data is kept.
    PRIVACY_RETENTION_DAYS = _int("PRIVACY_RETENTION_DAYS", 30)
    #: Allow SQLite in production (single-machine deployments only).
    ALLOW_SQLITE_IN_PRODUCTION = _bool("ALLOW_SQLITE_IN_PRODUCTION", False)

    EVENTS_PER_PAGE = 12

    #: Keep rendered public pages for visitors without a session (participation.core.page_cache).
    PAGE_CACHE_ENABLED = _bool("PAGE_CACHE_ENABLED", True)
    #: Longest a kept page is served: pages depend on the clock (events end, registration closes).
    PAGE_CACHE_SECONDS = _int("PAGE_CACHE_SECONDS", 10)
    PAGE_CACHE_MAX_ENTRIES = _int("PAGE_CACHE_MAX_ENTRIES", 500)
    #: Pages kept for visitors with a session, per process (about 50 kB each).
    PAGE_CACHE_PERSONAL_MAX_ENTRIES = _int("PAGE_CACHE_PERSONAL_MAX_ENTRIES", 200)
    #: Follow other processes' changes through PostgreSQL LISTEN/NOTIFY.
    PAGE_CACHE_LISTEN = True
    #: Nothing is served from the cache once its LISTEN connection has been silent this long.
    PAGE_CACHE_LIVENESS_SECONDS = _float("PAGE_CACHE_LIVENESS_SECONDS", 3)


class ProductionConfig(Config):
    """Production: secure cookies and HSTS; unsafe settings are refused at start-up."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE


class TestConfig(Config):
    """Tests: a throwaway database, no CSRF by default, no rate limits."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("TEST_DATABASE_URL", "sqlite://"))
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    #: Tests see every change at once; tests of the page cache turn it on.
    PAGE_CACHE_ENABLED = False
    PAGE_CACHE_LISTEN = False
    MAIL_PORT = 8025
    PUBLIC_BASE_URL = "http://localhost"
    #: Tests never load tiles from another host (the map tests serve a tile from static/).
    MAP_TILE_URL = ""


CONFIGS = {"development": Config, "production": ProductionConfig, "testing": TestConfig}
