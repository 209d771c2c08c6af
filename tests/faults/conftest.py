"""Real faults for real processes: worker processes, an SMTP server that never answers,
a mail server that is slow, a redis-server and a TCP proxy in front of PostgreSQL that the
tests kill, pause and restore. Every wait is bounded; everything started is stopped.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from participation.extensions import db

ROOT = Path(__file__).resolve().parents[2]


def wait_until(condition, timeout: float, interval: float = 0.05, message: str = "") -> None:
    """Poll ``condition`` until it is true; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    pytest.fail(message or f"condition not met within {timeout} s", pytrace=False)


@pytest.fixture(name="wait_until")
def wait_until_fixture():
    """:func:`wait_until`, for test modules (conftest modules cannot be imported)."""
    return wait_until


class WorkerProcess:
    """One ``flask --app participation worker`` process with its own log file."""

    def __init__(self, env: dict, log: Path):
        self.log = log
        self._output = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "participation", "worker", "--no-jobs"],
            cwd=ROOT, env=env, stdout=self._output, stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self, timeout: float = 60) -> WorkerProcess:  # a loaded 2-core machine
        wait_until(lambda: "worker started" in self.output() or self.process.poll() is not None,
                   timeout, message="the worker did not start")
        assert self.process.poll() is None, self.output()
        if "LISTEN" in self.output():
            wait_until(lambda: "listening for new mail" in self.output(), timeout,
                       message="the worker did not LISTEN")
        return self

    def terminate(self, timeout: float = 10) -> int:
        """SIGTERM, then wait; return the exit code."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self._output.close()


@pytest.fixture
def start_worker(app, database_url, tmp_path):
    """Start worker processes on the test database; ``start_worker(MAIL_PORT=...)``."""
    started: list[WorkerProcess] = []

    def start(**settings) -> WorkerProcess:
        env = {
            **os.environ,
            "APP_ENV": "development",
            "DATABASE_URL": database_url,
            "PUBLIC_BASE_URL": "http://localhost",
            "WORKER_POLL_SECONDS": "0.2",
            "MAIL_TIMEOUT": "2",
            "PYTHONUNBUFFERED": "1",
            **{key: str(value) for key, value in settings.items()},
        }
        # Whatever the test wrote must be visible, and SQLite must not be held by us.
        db.session.commit()
        db.session.remove()
        worker = WorkerProcess(env, tmp_path / f"worker-{len(started)}.log")
        started.append(worker)
        return worker.wait_ready()

    yield start
    for worker in started:
        if worker.process.poll() is None:
            worker.process.send_signal(signal.SIGTERM)
    for worker in started:
        try:
            worker.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        worker.kill()
    db.session.remove()


class HungSMTPServer:
    """Accepts TCP connections and never says a word (not even the greeting)."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.accepted:
            conn.close()


@pytest.fixture
def hung_smtp_server():
    server = HungSMTPServer()
    yield server
    server.close()


@pytest.fixture
def slow_smtp_server(smtp_server):
    """``smtp_server``, holding each mail ``delay`` seconds before it says "accepted"."""
    accept = smtp_server.handle_DATA
    smtp_server.delay = 0.0
    smtp_server.received_before_reply = 0

    async def handle_DATA(server, session, envelope):
        smtp_server.received_before_reply += 1
        if smtp_server.delay:
            await asyncio.sleep(smtp_server.delay)
        return await accept(server, session, envelope)

    smtp_server.handle_DATA = handle_DATA
    return smtp_server


class RedisServer:
    """A redis-server of our own on a spare port: kill it, pause it (SIGSTOP), bring it back."""

    def __init__(self, port: int, directory: Path):
        self.port = port
        self.directory = directory
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_until(self._answers, timeout=10, message="redis-server did not start")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait(timeout=10)

    def pause(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)


@pytest.fixture
def redis_server(free_tcp_port, tmp_path):
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is needed for the rate-limit fault tests (apt install redis)")
    server = RedisServer(free_tcp_port, tmp_path)
    server.start()
    yield server
    server.kill()


class TCPProxy:
    """tcp_proxy.py in its own process in front of PostgreSQL: kill, pause, start again."""

    def __init__(self, port: int, target: str):
        self.port = port
        self.target = target
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("tcp_proxy.py")), str(self.port),
             self.target], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )
        assert self.process.stdout.readline().strip() == b"ready"

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait(timeout=10)
            self.process.stdout.close()

    def pause(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)


@pytest.fixture
def pg_proxy(database_url, free_tcp_port):
    """A proxy in front of the test PostgreSQL; ``pg_proxy.url`` goes through it."""
    import sqlalchemy as sa

    url = sa.engine.make_url(database_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("needs PostgreSQL (CI's PostgreSQL pass sets TEST_DATABASE_URL)")
    proxy = TCPProxy(free_tcp_port, f"{url.host or '127.0.0.1'}:{url.port or 5432}")
    proxy.url = url.set(host="127.0.0.1", port=free_tcp_port).render_as_string(
        hide_password=False)
    proxy.start()
    yield proxy
    proxy.kill()
