"""Production refuses unsafe settings; `flask doctor` says what is wrong."""

from __future__ import annotations

import pytest

from config import CONFIGS
from participation import create_app
from participation.core.security import UnsafeConfiguration

STRONG_KEY = "k" * 40


@pytest.fixture
def production(monkeypatch):
    """Build a production app with some settings overridden."""

    def build(**overrides):
        overrides.setdefault("RATELIMIT_MEMORY_ALLOWED", True)
        for key, value in overrides.items():
            monkeypatch.setattr(CONFIGS["production"], key, value, raising=False)
        return create_app("production")

    return build


def test_production_refuses_the_development_secret_key(production):
    with pytest.raises(UnsafeConfiguration, match="SECRET_KEY"):
        production(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://db/x")


def test_production_refuses_debug(production):
    with pytest.raises(UnsafeConfiguration, match="DEBUG"):
        production(SECRET_KEY=STRONG_KEY, DEBUG=True,
                   SQLALCHEMY_DATABASE_URI="postgresql+psycopg://db/x")


def test_production_refuses_sqlite_unless_allowed(production):
    with pytest.raises(UnsafeConfiguration, match="SQLite"):
        production(SECRET_KEY=STRONG_KEY, SQLALCHEMY_DATABASE_URI="sqlite:///x.db")
    app = production(SECRET_KEY=STRONG_KEY, SQLALCHEMY_DATABASE_URI="sqlite:///x.db",
                     ALLOW_SQLITE_IN_PRODUCTION=True)
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_production_refuses_rate_limits_in_memory_unless_one_process_is_declared(production):
    with pytest.raises(UnsafeConfiguration, match="RATELIMIT_STORAGE_URI is memory"):
        production(SECRET_KEY=STRONG_KEY, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://db/x",
                   RATELIMIT_STORAGE_URI="memory://", RATELIMIT_MEMORY_ALLOWED=False)
    production(SECRET_KEY=STRONG_KEY, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://db/x",
               RATELIMIT_STORAGE_URI="redis://127.0.0.1:1", RATELIMIT_MEMORY_ALLOWED=False)


def test_production_sends_hsts(production):
    app = production(SECRET_KEY=STRONG_KEY, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://db/x")
    response = app.test_client().get("/privacy")
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_doctor_reports_an_unreachable_mail_server(runner, app):
    app.config["MAIL_PORT"] = 1  # nothing listens there
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 1
    assert "ok   database" in result.output
    assert "FAIL smtp" in result.output


def test_doctor_passes_when_everything_answers(runner, app, smtp_listener):
    app.config["MAIL_PORT"] = smtp_listener
    result = runner.invoke(args=["doctor"])
    assert "FAIL smtp" not in result.output
    assert "ok   database" in result.output


class TestRateLimitStorageDown:
    @pytest.fixture
    def app_config(self, free_tcp_port):
        return {"RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{free_tcp_port}"}

    def test_doctor_fails_when_the_rate_limit_storage_does_not_answer(
        self, runner, free_tcp_port
    ):
        result = runner.invoke(args=["doctor"])
        assert result.exit_code == 1
        assert f"FAIL rate limits: redis://127.0.0.1:{free_tcp_port} does not answer" in (
            result.output)


@pytest.fixture
def smtp_listener():
    """A bare TCP listener standing in for an SMTP server's port."""
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]

    def serve():
        try:
            conn, _ = server.accept()
            conn.sendall(b"220 localhost ESMTP\r\n")
            conn.recv(1024)
            conn.sendall(b"221 bye\r\n")
            conn.close()
        except OSError:
            pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield port
    server.close()
